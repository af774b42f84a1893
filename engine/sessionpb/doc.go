// Package sessionpb holds the protobuf messages of Session's one-to-one
// wire format and the wrapping around them.
//
// A message stored in a recipient's swarm is, from the outside in:
//
//	WebSocketMessage{type: REQUEST, request: {verb: "", path: "", body, requestId: 0}}
//	  body = Envelope{type: SESSION_MESSAGE, timestamp, sourceDevice: 1, content, proSig}
//	    content = sealed box of the padded, signed Content protobuf
//
// WrapEnvelope and UnwrapEnvelope handle the outer two layers; Content is
// built and parsed with the google.golang.org/protobuf/proto package, and
// sealing and padding belong to package crypto.
//
// The *.pb.go files are generated from the .proto files beside them (proto2,
// so required fields must be set and optional fields carry presence); do not
// edit them by hand.
package sessionpb
