package chat

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// The HTTP servers Lapkin runs (the Telegram webhook, [http]'s /healthz and /metrics) face the
// network, so each bounds what a client may hold (issue 26, item 6): how long it may take to send
// its headers and its body, how long an answer may take, how long an idle keep-alive connection
// stays, and how many connections are open at once. Over the cap the oldest connection that has
// sent nothing yet, or sits idle between requests, is closed to make room: so 1,000 idle
// connections cannot use up the process's file descriptors, nor hold the slots a monitor's
// /healthz or Telegram's next post needs. A connection in the middle of a request is never closed.

// Timeouts of the HTTP servers: generous for Telegram's posts and a monitor's scrapes, which take
// milliseconds; short enough that a client that sends nothing is gone within seconds.
const (
	httpReadHeaderTimeout = 5 * time.Second
	httpReadTimeout       = 30 * time.Second
	httpWriteTimeout      = 60 * time.Second // a webhook post waits for its update's commit
	httpIdleTimeout       = 60 * time.Second
	httpMaxHeaderBytes    = 64 << 10
)

// NewHTTPServer returns a server for handler with Lapkin's timeouts.
func NewHTTPServer(handler http.Handler) *http.Server {
	return &http.Server{Handler: handler, ReadHeaderTimeout: httpReadHeaderTimeout, ReadTimeout: httpReadTimeout,
		WriteTimeout: httpWriteTimeout, IdleTimeout: httpIdleTimeout, MaxHeaderBytes: httpMaxHeaderBytes}
}

// CapConnections makes srv serve at most max connections from ln at once, closing the oldest
// connection that is new (no request yet) or idle when a new one comes and the cap is reached, and
// waiting for one to end when every connection is busy with a request. It sets srv.ConnState;
// serve srv on the returned listener.
func CapConnections(srv *http.Server, ln net.Listener, max int) net.Listener {
	c := &capListener{Listener: ln, max: max, conns: map[net.Conn]*connState{}, freed: make(chan struct{}, 1)}
	prev := srv.ConnState
	srv.ConnState = func(conn net.Conn, st http.ConnState) {
		c.track(conn, st)
		if prev != nil {
			prev(conn, st)
		}
	}
	return c
}

type capListener struct {
	net.Listener
	max   int
	mu    sync.Mutex
	conns map[net.Conn]*connState
	freed chan struct{} // a connection ended
}

type connState struct {
	state http.ConnState
	since time.Time
}

func (c *capListener) track(conn net.Conn, st http.ConnState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch st {
	case http.StateClosed, http.StateHijacked:
		delete(c.conns, conn)
		select {
		case c.freed <- struct{}{}:
		default:
		}
	default:
		c.conns[conn] = &connState{state: st, since: time.Now()}
	}
}

// Accept waits for room under the cap, making it by closing the oldest new or idle connection,
// then accepts. The server calls ConnState(StateNew) for the connection before it accepts the
// next, so the count is exact.
func (c *capListener) Accept() (net.Conn, error) {
	for {
		c.mu.Lock()
		if len(c.conns) < c.max {
			c.mu.Unlock()
			break
		}
		var victim net.Conn
		var at time.Time
		for conn, s := range c.conns {
			if (s.state == http.StateNew || s.state == http.StateIdle) && (victim == nil || s.since.Before(at)) {
				victim, at = conn, s.since
			}
		}
		c.mu.Unlock()
		if victim != nil {
			victim.Close() // its server goroutine reports StateClosed
		}
		select {
		case <-c.freed:
		case <-time.After(time.Second):
		}
	}
	return c.Listener.Accept()
}
