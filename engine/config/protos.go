package config

import (
	"bytes"
	"errors"

	"allium/crypto"

	"google.golang.org/protobuf/encoding/protowire"
)

// The protobuf wrapping of user config pushes (libsession src/config/protos.cpp
// wrap_config / unwrap_config): old clients expected configs to arrive like messages, so a
// push is WebSocketMessage{REQUEST, WebSocketRequestMessage{"", "", body: Envelope{
// SESSION_MESSAGE, timestamp 1, content: sealed box to oneself of Content{
// sharedConfigMessage(11){kind, seqno, data}} ‖ 0x80}}, requestId 0}. It is written by
// hand with protowire, field by field in libsession's order, because the message types
// of field 11 are obsolete and not in engine/sessionpb.

var errWrap = errors.New("config: not a wrapped config")

// Field numbers of the wrap.
const (
	wsType         = 1
	wsRequest      = 2
	reqVerb        = 1
	reqPath        = 2
	reqBody        = 3
	reqID          = 4
	envType        = 1
	envTimestamp   = 5
	envContent     = 8
	contentShared  = 11
	sharedKind     = 1
	sharedSeqno    = 2
	sharedData     = 3
	wsTypeRequest  = 1
	envSessionType = 6
)

// wrap returns data wrapped for kind (SharedConfigMessage.Kind) at seqno.
func wrap(id *crypto.Identity, data []byte, seqno int64, kind int) ([]byte, error) {
	var shared []byte
	shared = protowire.AppendTag(shared, sharedKind, protowire.VarintType)
	shared = protowire.AppendVarint(shared, uint64(kind))
	shared = protowire.AppendTag(shared, sharedSeqno, protowire.VarintType)
	shared = protowire.AppendVarint(shared, uint64(seqno))
	shared = protowire.AppendTag(shared, sharedData, protowire.BytesType)
	shared = protowire.AppendBytes(shared, data)
	var content []byte
	content = protowire.AppendTag(content, contentShared, protowire.BytesType)
	content = protowire.AppendBytes(content, shared)
	// The data is already padded to the config sizes, so the message padding is the one
	// required 0x80 and no zeros (protos.cpp).
	content = append(content, 0x80)
	sealed, err := crypto.SealDeterministic(id, id.SessionID(), content)
	if err != nil {
		return nil, err
	}
	var env []byte
	env = protowire.AppendTag(env, envType, protowire.VarintType)
	env = protowire.AppendVarint(env, envSessionType)
	env = protowire.AppendTag(env, envTimestamp, protowire.VarintType)
	env = protowire.AppendVarint(env, 1) // old clients need a timestamp > 0
	env = protowire.AppendTag(env, envContent, protowire.BytesType)
	env = protowire.AppendBytes(env, sealed)
	var req []byte
	req = protowire.AppendTag(req, reqVerb, protowire.BytesType)
	req = protowire.AppendBytes(req, nil)
	req = protowire.AppendTag(req, reqPath, protowire.BytesType)
	req = protowire.AppendBytes(req, nil)
	req = protowire.AppendTag(req, reqBody, protowire.BytesType)
	req = protowire.AppendBytes(req, env)
	req = protowire.AppendTag(req, reqID, protowire.VarintType)
	req = protowire.AppendVarint(req, 0)
	var ws []byte
	ws = protowire.AppendTag(ws, wsType, protowire.VarintType)
	ws = protowire.AppendVarint(ws, wsTypeRequest)
	ws = protowire.AppendTag(ws, wsRequest, protowire.BytesType)
	ws = protowire.AppendBytes(ws, req)
	return ws, nil
}

// fields reads the last value of each wanted field of a protobuf message, as a parser
// does; unknown fields are skipped, malformed input fails.
func fields(b []byte) (map[protowire.Number]any, error) {
	out := map[protowire.Number]any{}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, errWrap
		}
		b = b[n:]
		switch typ {
		case protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return nil, errWrap
			}
			out[num] = v
			b = b[n:]
		case protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return nil, errWrap
			}
			out[num] = v
			b = b[n:]
		default:
			n := protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return nil, errWrap
			}
			b = b[n:]
		}
	}
	return out, nil
}

func bytesField(f map[protowire.Number]any, n protowire.Number) ([]byte, bool) {
	v, ok := f[n].([]byte)
	return v, ok
}

// unwrap reverses wrap: the sealed box must be from the account itself and the kind must
// match the namespace (protos.cpp unwrap_config).
func unwrap(id *crypto.Identity, b []byte, kind int) ([]byte, error) {
	ws, err := fields(b)
	if err != nil || ws[wsType] != uint64(wsTypeRequest) {
		return nil, errWrap
	}
	reqB, ok := bytesField(ws, wsRequest)
	if !ok {
		return nil, errWrap
	}
	req, err := fields(reqB)
	if err != nil {
		return nil, errWrap
	}
	envB, ok := bytesField(req, reqBody)
	if !ok {
		return nil, errWrap
	}
	env, err := fields(envB)
	if err != nil {
		return nil, errWrap
	}
	sealed, ok := bytesField(env, envContent)
	if !ok {
		return nil, errWrap
	}
	msg, err := crypto.Open(id, sealed)
	if err != nil || !bytes.Equal(msg.SenderEd25519, id.Ed25519PublicKey()) {
		return nil, errWrap
	}
	content := msg.Plaintext
	if len(content) == 0 || (content[len(content)-1] != 0 && content[len(content)-1] != 0x80) {
		return nil, errWrap
	}
	i := len(bytes.TrimRight(content, "\x00")) - 1
	if i < 0 || content[i] != 0x80 {
		return nil, errWrap
	}
	c, err := fields(content[:i])
	if err != nil {
		return nil, errWrap
	}
	sharedB, ok := bytesField(c, contentShared)
	if !ok {
		return nil, errWrap
	}
	shared, err := fields(sharedB)
	if err != nil || shared[sharedKind] != uint64(kind) {
		return nil, errWrap
	}
	data, _ := bytesField(shared, sharedData)
	return data, nil
}
