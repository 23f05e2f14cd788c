package telegramtest

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
)

// badGatewayPage is what nginx answers when the Bot API behind it does not: HTML, not JSON, so
// that tgbotapi, which decodes the body whatever the status, fails to decode it.
const badGatewayPage = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
	"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

// Proxy is a reverse proxy in front of a Server, as operators put nginx in front of a self-hosted
// Bot API server, that can answer in the proxy's own way instead of passing a call on: an HTML
// 502 page. Point the client at Proxy.Endpoint; the Server records only the calls that reached it.
type Proxy struct {
	http *httptest.Server

	mu          sync.Mutex
	badGateway  map[string]int // method -> calls still to answer 502
	answered502 int
}

// NewProxy starts a proxy in front of s; Close stops it.
func NewProxy(s *Server) *Proxy {
	target, err := url.Parse(s.URL())
	if err != nil {
		panic("telegramtest: server URL: " + err.Error())
	}
	p := &Proxy{badGateway: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(target)
	// A client that gives up on a hung call is expected here, not worth a line in the test output.
	rp.ErrorLog = log.New(io.Discard, "", 0)
	p.http = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.take(methodOf(r.URL.Path)) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			w.Write([]byte(badGatewayPage))
			return
		}
		rp.ServeHTTP(w, r)
	}))
	return p
}

// Endpoint is the tgbotapi endpoint format through the proxy.
func (p *Proxy) Endpoint() string { return p.http.URL + "/bot%s/%s" }

// Close stops the proxy.
func (p *Proxy) Close() { p.http.Close() }

// BadGateway makes the proxy answer the next `times` calls of method itself with an HTML 502
// page; those calls never reach the Server, so nothing they asked for happens.
func (p *Proxy) BadGateway(method string, times int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.badGateway[canonical(method)] += times
}

// Answered502 is how many calls the proxy has answered with its 502 page.
func (p *Proxy) Answered502() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.answered502
}

func (p *Proxy) take(method string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.badGateway[method] == 0 {
		return false
	}
	p.badGateway[method]--
	p.answered502++
	return true
}

// methodOf is the canonical method of a /bot<token>/<method> path, "" for any other.
func methodOf(path string) string {
	rest, ok := strings.CutPrefix(path, "/bot")
	if !ok {
		return ""
	}
	_, method, found := strings.Cut(rest, "/")
	if !found {
		return ""
	}
	return canonical(method)
}
