package node

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"

	"allium/crypto"
	"allium/network"
)

// defaultRelayTimeout bounds the rest of the path behind this node.
const defaultRelayTimeout = 30 * time.Second

// handleOnion processes an onion request arriving over HTTPS: from a client when this node
// is the guard, or from the previous node of the path. The node peels its layer and
// either relays the rest to the next node, answers as the destination, or relays to an
// HTTP server the operator allows. Path-level errors are plain text with their status;
// once the destination answers, its encrypted reply travels back unchanged.
func (n *Node) handleOnion(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	status, resp := n.processOnion(r.Context(), r.RemoteAddr, body)
	// With its length announced, the client reads a large answer (a file) into one
	// buffer of the right size.
	w.Header().Set("Content-Length", strconv.Itoa(len(resp)))
	w.WriteHeader(status)
	w.Write(resp)
}

func (n *Node) processOnion(ctx context.Context, from string, body []byte) (int, []byte) {
	if _, ok := ctx.Value(callKey{}).(*call); !ok {
		c := n.callFrom(ctx)
		defer c.res.release()
		ctx = withCall(ctx, c)
	}
	edge, err := network.ParseOnionEdge(body)
	if err != nil {
		return http.StatusBadRequest, []byte("Error parsing onion request: " + err.Error())
	}
	if edge.HopNo >= network.MaxOnionHops {
		return http.StatusBadRequest, []byte("onion request max path length exceeded")
	}
	layer, err := network.PeelOnion(&n.id.X25519, edge.EncType, edge.EphemeralKey, edge.Ciphertext)
	switch {
	case errors.Is(err, crypto.ErrDecrypt):
		return http.StatusBadRequest, []byte("Invalid ciphertext")
	case err != nil:
		// The layer decrypted, so the client can read an encrypted complaint.
		if layer.Key == (crypto.HopKey{}) {
			return http.StatusBadRequest, []byte("Invalid json")
		}
		resp, serr := network.SealOnionResponse(rand.Reader, &network.OnionLayer{Key: layer.Key, Routing: network.Routing{Base64: true}}, http.StatusBadRequest, []byte("Invalid json"))
		if serr != nil {
			return http.StatusInternalServerError, []byte("internal error")
		}
		return http.StatusOK, resp
	}
	if n.cfg.Observe != nil {
		o := OnionObservation{From: from, Kind: layer.Routing.Kind.String(), Next: layer.Routing.Destination}
		if layer.Routing.Kind == network.RouteFinal {
			o.Request = bytes.Clone(layer.Inner)
		}
		n.cfg.Observe(o)
	}
	switch layer.Routing.Kind {
	case network.RouteFinal:
		// The reply will be sealed and encoded again (memory.go); its budget keeps it
		// under the relays' reply limit before it is built.
		if c, ok := ctx.Value(callKey{}).(*call); ok {
			c.copies = onionReplyCopies
		}
		status, rpcBody := n.handleRPCBody(ctx, layer.Inner)
		resp, err := network.SealOnionResponse(rand.Reader, &layer, status, rpcBody)
		if err != nil {
			return http.StatusInternalServerError, []byte("internal error")
		}
		return http.StatusOK, resp
	case network.RouteRelayNode:
		return n.relayToNode(ctx, &layer, edge.HopNo+1)
	default:
		return n.relayToServer(ctx, &layer)
	}
}

// relayToNode passes the inner layer to the next node of the path, named by its Ed25519
// key, and returns whatever it answers.
func (n *Node) relayToNode(ctx context.Context, l *network.OnionLayer, hop int) (int, []byte) {
	next, ok := n.reg.Load().Lookup(l.Routing.Destination)
	if !ok {
		return http.StatusBadGateway, []byte("Next node not found: " + hex.EncodeToString(l.Routing.Destination[:]))
	}
	if hop > network.MaxOnionHops {
		return http.StatusBadRequest, []byte("onion request max path length exceeded")
	}
	meta := make([]byte, 0, 128)
	meta = append(meta, `{"ephemeral_key":"`...)
	meta = hex.AppendEncode(meta, l.Routing.EphemeralKey[:])
	meta = append(meta, `","enc_type":"`...)
	meta = append(meta, l.Routing.EncType.String()...)
	meta = append(meta, `","hop_no":`...)
	meta = strconv.AppendInt(meta, int64(hop), 10)
	meta = append(meta, '}')

	// The link and its round trip keep the time themselves (linkTo, roundTrip): a hop
	// then makes no context of its own.
	deadline := time.Now().Add(n.cfg.RelayTimeout)
	c := n.callFrom(ctx)
	var err error
	// A link can close (idle, or the next node restarted) between finding it and
	// sending on it: then one new link is tried.
	for attempt := 0; attempt < 2; attempt++ {
		var link *relayLink
		if link, err = n.linkTo(ctx, next.Addr, deadline); err != nil {
			break
		}
		var status int
		var body []byte
		if status, body, err = link.roundTrip(ctx, time.Until(deadline), l.Inner, meta, c.res); err == nil {
			// The reply is passed back as it was read, in a pooled buffer when large:
			// the request's owner gives it back once the reply is written (call.end).
			c.hold(body)
			return status, body
		}
		if errors.Is(err, errReplyNoRoom) {
			return http.StatusServiceUnavailable, []byte("Server busy, try again later")
		}
		if !errors.Is(err, errNotSent) {
			break
		}
	}
	unreachable := func() []byte { return []byte("Next node is currently unreachable: " + next.EdHex()) }
	switch {
	case ctx.Err() != nil, errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout, []byte("Request time out")
	case !errors.Is(err, errNoLink):
		return http.StatusBadGateway, unreachable()
	}
	// The next node speaks only HTTPS.
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	payload := network.AppendOnionPayload(make([]byte, 0, 4+len(l.Inner)+len(meta)), l.Inner, meta)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://"+next.Addr.String()+"/onion_req/v2", bytes.NewReader(payload))
	if err != nil {
		return http.StatusInternalServerError, []byte("internal error")
	}
	resp, err := n.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return http.StatusGatewayTimeout, []byte("Request time out")
		}
		return http.StatusBadGateway, unreachable()
	}
	defer resp.Body.Close()
	announced := resp.ContentLength
	if announced < 0 || announced > maxReply {
		announced = maxReply
	}
	if !c.res.take(announced * relayCopies) {
		return http.StatusServiceUnavailable, []byte("Server busy, try again later")
	}
	b, err := readAllSized(io.LimitReader(resp.Body, maxReply+1), min(resp.ContentLength, maxReply))
	switch {
	case err != nil:
		return http.StatusGatewayTimeout, []byte("Request time out")
	case len(b) > maxReply:
		return http.StatusBadGateway, []byte("Response too large")
	}
	return resp.StatusCode, b
}

// relayToServer POSTs the whole decrypted layer to an HTTP(S) server, only if the
// operator allows its host (none by default) and the target is an onion endpoint.
func (n *Node) relayToServer(ctx context.Context, l *network.OnionLayer) (int, []byte) {
	r := l.Routing
	if !slices.Contains(n.cfg.AllowedProxyHosts, r.Host) {
		return http.StatusForbidden, []byte("Forbidden: this node does not relay to " + r.Host)
	}
	if !network.ValidProxyTarget(r.Target) {
		return http.StatusBadRequest, []byte("Invalid target")
	}
	url := fmt.Sprintf("%s://%s:%d%s", r.Protocol, r.Host, r.Port, r.Target)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(l.Inner))
	if err != nil {
		return http.StatusBadRequest, []byte("Invalid target")
	}
	resp, err := n.proxy.Do(req)
	if err != nil {
		return http.StatusBadGateway, []byte("Server unreachable")
	}
	defer resp.Body.Close()
	announced := resp.ContentLength
	if announced < 0 || announced > maxReply {
		announced = maxReply
	}
	if !n.callFrom(ctx).res.take(announced * relayCopies) {
		return http.StatusServiceUnavailable, []byte("Server busy, try again later")
	}
	b, err := readAllSized(io.LimitReader(resp.Body, maxReply+1), min(resp.ContentLength, maxReply))
	switch {
	case err != nil:
		return http.StatusGatewayTimeout, []byte("Request time out")
	case len(b) > maxReply:
		return http.StatusBadGateway, []byte("Response too large")
	}
	return resp.StatusCode, b
}
