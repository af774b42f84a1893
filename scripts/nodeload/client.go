package main

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"allium/crypto"
	"allium/network"
)

// publicNS is a namespace anyone may store to and read from without a signature.
const publicNS = network.Namespace(-10)

// newClient is an HTTPS client whose connections come from the loopback address local.
func newClient(local string, timeout time.Duration) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: timeout, Transport: &http.Transport{DialContext: d.DialContext,
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, MaxIdleConnsPerHost: 16}}
}

func post(c *http.Client, url string, body []byte) (int, []byte, error) {
	resp, err := c.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// rpc sends a storage RPC straight to the node at addr.
func rpc(c *http.Client, addr, method string, params []byte) (int, []byte, error) {
	body, err := network.NewRPCRequestBody(method, params)
	if err != nil {
		return 0, nil, err
	}
	return post(c, "https://"+addr+"/storage_rpc/v1", body)
}

func (cl *cluster) hop(i int) network.OnionHop {
	return network.OnionHop{Ed25519: cl.reg.Peers[i].Ed25519, X25519: cl.reg.Peers[i].X25519}
}

// onion sends a storage RPC to node dest through path (guard first). It returns the
// guard's HTTP status and, when that is 200, the destination's status and reply.
func (cl *cluster) onion(c *http.Client, path []int, dest int, method string, params []byte) (httpStatus, status int, reply []byte, err error) {
	body, err := network.NewRPCRequestBody(method, params)
	if err != nil {
		return 0, 0, nil, err
	}
	hops := make([]network.OnionHop, len(path))
	for k, i := range path {
		hops[k] = cl.hop(i)
	}
	req, err := network.BuildOnion(rand.Reader, crypto.AESGCM, hops, cl.hop(dest), body, network.StorageControl)
	if err != nil {
		return 0, 0, nil, err
	}
	httpStatus, b, err := post(c, "https://"+cl.addr(path[0])+"/onion_req/v2", req.Body)
	if err != nil || httpStatus != http.StatusOK {
		return httpStatus, 0, nil, err
	}
	status, reply, err = network.OpenOnionResponse(&req.Key, b)
	return httpStatus, status, reply, err
}

// newPubkey is a fresh account's Session ID.
func newPubkey() ([33]byte, error) {
	id, err := crypto.GenerateIdentity(rand.Reader)
	if err != nil {
		return [33]byte{}, err
	}
	return [33]byte(id.SessionID()), nil
}

// fill stores count messages of the largest size for pk in the public namespace at the
// node at addr, from a few client addresses at once (each address has a rate limit).
func fill(addr string, pk [33]byte, count int) error {
	const senders = 4
	var wg sync.WaitGroup
	errs := make(chan error, senders)
	for s := range senders {
		c := newClient(fmt.Sprintf("127.0.1.%d", 10+s), 30*time.Second)
		wg.Go(func() {
			defer c.CloseIdleConnections()
			for k := s; k < count; k += senders {
				data := make([]byte, network.MaxMessageSize)
				rand.Read(data)
				p, err := network.NewStoreParams(pk, publicNS, time.Now(), time.Hour, data)
				if err != nil {
					errs <- err
					return
				}
				st, b, err := rpc(c, addr, "store", p)
				if err != nil || st != http.StatusOK {
					errs <- fmt.Errorf("store %d: %d %.100s %v", k, st, b, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func retrieveParams(pk [33]byte, lastHash string) []byte {
	return fmt.Appendf(nil, `{"pubkey":"%s","namespace":%d,"last_hash":%q,"max_size":-1}`,
		hex.EncodeToString(pk[:]), publicNS, lastHash)
}

// batchOfRetrieves is the amplification request: twenty retrieves of the most a
// retrieve may return, in 3 KB.
func batchOfRetrieves(pk [33]byte) []byte {
	subs := make([]network.SubRequest, network.MaxBatchRequests)
	for i := range subs {
		subs[i] = network.SubRequest{Method: "retrieve", Params: retrieveParams(pk, "")}
	}
	p, _ := network.NewBatchParams(subs)
	return p
}

// dialTLS opens a TLS connection from local to addr with a small receive buffer, as a
// client that reads nothing would soon have full.
func dialTLS(local, addr string) (*tls.Conn, error) {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	raw, err := d.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	raw.(*net.TCPConn).SetReadBuffer(4096)
	c := tls.Client(raw, &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}})
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if err := c.Handshake(); err != nil {
		raw.Close()
		return nil, err
	}
	c.SetDeadline(time.Time{})
	return c, nil
}

// rawRequest writes a POST of body to path on c.
func rawRequest(c net.Conn, path string, body []byte) error {
	_, err := fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: node\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		path, len(body), body)
	return err
}
