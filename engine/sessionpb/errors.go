package sessionpb

import "errors"

// ErrMalformed is returned when bytes do not follow the wire format: they do
// not parse as the expected protobuf, a required field is missing, the
// Envelope type is not a known value, or the WebSocketMessage has no request
// or no body. Errors wrapping it say which layer failed.
var ErrMalformed = errors.New("sessionpb: malformed message")
