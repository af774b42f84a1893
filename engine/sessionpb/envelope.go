package sessionpb

import (
	"fmt"

	"google.golang.org/protobuf/proto"
)

// sourceDevice is the device number every current client puts in
// Envelope.sourceDevice; receivers ignore it.
const sourceDevice = 1

// NewEnvelope returns the Envelope of a one-to-one message sent at timestamp
// (milliseconds, equal to Content.sigTimestamp) whose content is the sealed
// box sealed. proSig is the 64-byte Session Pro signature over sealed, or 64
// decoy bytes for a sender without Pro; nil leaves the field out, as old
// clients did. The envelope keeps the slices it is given.
func NewEnvelope(timestamp uint64, sealed []byte, proSig []byte) *Envelope {
	return &Envelope{
		Type:         Envelope_SESSION_MESSAGE.Enum(),
		Timestamp:    proto.Uint64(timestamp),
		SourceDevice: proto.Uint32(sourceDevice),
		Content:      sealed,
		ProSig:       proSig,
	}
}

// WrapEnvelope serializes env and wraps it in the WebSocketMessage that is
// stored in the recipient's swarm. It returns an error wrapping ErrMalformed
// if env is nil, misses a required field or has a type no client knows.
func WrapEnvelope(env *Envelope) ([]byte, error) {
	if env == nil {
		return nil, fmt.Errorf("%w: nil envelope", ErrMalformed)
	}
	body, err := proto.Marshal(env)
	if err != nil {
		return nil, fmt.Errorf("%w: envelope: %w", ErrMalformed, err)
	}
	if err := checkType(env); err != nil {
		return nil, err
	}
	// verb, path and requestId are set explicitly, empty and zero: libsession
	// writes them with their presence bits set, and the stored bytes (hence
	// the message hash) must match it byte for byte.
	msg := &WebSocketMessage{
		Type: WebSocketMessage_REQUEST.Enum(),
		Request: &WebSocketRequestMessage{
			Verb:      proto.String(""),
			Path:      proto.String(""),
			Body:      body,
			RequestId: proto.Uint64(0),
		},
	}
	data, err := proto.Marshal(msg)
	if err != nil {
		// Unreachable: every field of msg is set and valid.
		return nil, fmt.Errorf("sessionpb: marshal websocket message: %w", err)
	}
	return data, nil
}

// UnwrapEnvelope parses data as a stored WebSocketMessage and returns the
// Envelope in its request body. Only the body is used: the message type,
// verb and path are ignored, since older clients sent verb "PUT" and path
// "/api/v1/message" where current ones send empty strings. Any failure
// returns an error wrapping ErrMalformed.
func UnwrapEnvelope(data []byte) (*Envelope, error) {
	var msg WebSocketMessage
	if err := proto.Unmarshal(data, &msg); err != nil {
		return nil, fmt.Errorf("%w: websocket message: %w", ErrMalformed, err)
	}
	req := msg.GetRequest()
	if req == nil {
		return nil, fmt.Errorf("%w: websocket message has no request", ErrMalformed)
	}
	if req.Body == nil {
		return nil, fmt.Errorf("%w: websocket request has no body", ErrMalformed)
	}
	// proto.Unmarshal rejects an Envelope missing type or timestamp, as the
	// protobuf-lite parsers of the other clients do.
	env := new(Envelope)
	if err := proto.Unmarshal(req.Body, env); err != nil {
		return nil, fmt.Errorf("%w: envelope: %w", ErrMalformed, err)
	}
	if err := checkType(env); err != nil {
		return nil, err
	}
	return env, nil
}

// checkType rejects an Envelope whose type is not a known value. Go's
// protobuf keeps unknown values of proto2 enums, but the protobuf-lite
// parsers of the other clients treat them as unknown fields, leaving the
// required type unset, and drop the message; so must we.
func checkType(env *Envelope) error {
	if _, ok := Envelope_Type_name[int32(env.GetType())]; !ok {
		return fmt.Errorf("%w: envelope of unknown type %d", ErrMalformed, env.GetType())
	}
	return nil
}
