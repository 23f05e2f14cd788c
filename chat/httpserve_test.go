package chat

import (
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// Issue 26, item 6: past the cap, idle connections make room for a real request; a request in
// progress keeps its connection.
func TestCapConnectionsEvictsIdle(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) { <-release; io.WriteString(w, "slow") })
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	srv := NewHTTPServer(mux)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(CapConnections(srv, ln, 4))
	defer srv.Close()
	addr := "http://" + ln.Addr().String()

	slow := make(chan string, 1)
	go func() {
		resp, err := http.Get(addr + "/slow")
		if err != nil {
			slow <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		slow <- string(b)
	}()
	time.Sleep(100 * time.Millisecond)
	var idle []net.Conn
	for i := 0; i < 200; i++ {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		idle = append(idle, c)
	}
	defer func() {
		for _, c := range idle {
			c.Close()
		}
	}()
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	start := time.Now()
	resp, err := client.Get(addr + "/healthz")
	if err != nil {
		t.Fatalf("healthz behind 200 idle connections: %v", err)
	}
	resp.Body.Close()
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("healthz took %s behind 200 idle connections", d)
	}
	close(release)
	if got := <-slow; got != "slow" {
		t.Fatalf("the request in progress was cut: %q", got)
	}
}
