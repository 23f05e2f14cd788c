package telegramtest

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"time"
)

// Limits makes the server enforce Telegram's flood limits on the methods that send a message
// (sendMessage, sendPhoto, sendDocument), the way Telegram does: a send over a limit is answered
// 429 "Too Many Requests: retry after N" with parameters.retry_after N, and is not delivered.
// Each limit is a true sliding window over the sends the server accepted: at most Global sends in
// any one second, PerPrivate to one private chat in any one second, PerGroup to one group in any
// one minute. A zero limit is off. Edits, chat actions and callback answers are not counted.
type Limits struct {
	Global     int
	PerPrivate int
	PerGroup   int
	// Now is the server's clock for the windows; nil is time.Now. Tests of the fake set it to
	// count sends against a fixed time.
	Now func() time.Time
}

// TelegramLimits are Telegram's published limits: 30 messages a second overall, 1 a second to one
// private chat, 20 a minute to one group.
var TelegramLimits = Limits{Global: 30, PerPrivate: 1, PerGroup: 20}

// SetLimits turns limit enforcement on with l, or off with the zero Limits. The windows start
// empty.
func (s *Server) SetLimits(l Limits) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits = l
	s.windows = map[int64][]time.Time{}
}

// Throttled is how many sends the limits have answered with 429 so far (failures injected with
// Fail are not counted).
func (s *Server) Throttled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.throttled
}

// globalWindow is the key of the bot-wide window in Server.windows; chat ids are never 0.
const globalWindow = 0

// throttle applies the limits to one send to chatID: it records the send and returns nil when it
// fits, or the 429 to answer. s.mu must be held.
func (s *Server) throttle(chatID int64) *apiError {
	l := s.limits
	if l.Global == 0 && l.PerPrivate == 0 && l.PerGroup == 0 {
		return nil
	}
	now := time.Now()
	if l.Now != nil {
		now = l.Now()
	}
	chatMax, chatSpan := l.PerPrivate, time.Second
	if chatID < 0 {
		chatMax, chatSpan = l.PerGroup, time.Minute
	}
	wait := max(s.overflow(globalWindow, l.Global, time.Second, now), s.overflow(chatID, chatMax, chatSpan, now))
	if wait > 0 {
		s.throttled++
		secs := int(math.Ceil(wait.Seconds()))
		return &apiError{code: http.StatusTooManyRequests, description: fmt.Sprintf("Too Many Requests: retry after %d", secs), retryAfter: secs}
	}
	for _, k := range []int64{globalWindow, chatID} {
		s.windows[k] = append(s.windows[k], now)
	}
	return nil
}

// overflow drops the sends of window k older than span and returns how long until one more send
// fits under n, 0 when it fits now (or n is 0). s.mu must be held.
func (s *Server) overflow(k int64, n int, span time.Duration, now time.Time) time.Duration {
	if n == 0 {
		return 0
	}
	w := s.windows[k]
	i := 0
	for i < len(w) && !w[i].After(now.Add(-span)) {
		i++
	}
	w = w[i:]
	s.windows[k] = w
	if len(w) < n {
		return 0
	}
	// The oldest send that must leave the window for one more to fit.
	return w[len(w)-n].Add(span).Sub(now)
}

// Hang makes every send to chatID (sendMessage, sendPhoto, sendDocument) hang without an answer
// until the client gives up (the request's context ends) or the server closes, as a Bot API call
// does when the network drops it; false lets sends through again. A hung call is recorded with
// Hung set and delivers nothing.
func (s *Server) Hang(chatID int64, hang bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if hang {
		s.hung[chatID] = true
	} else {
		delete(s.hung, chatID)
	}
}

// hangIfAsked blocks while sends to chatID hang, and reports whether it did. It is called without
// s.mu held.
func (s *Server) hangIfAsked(ctx context.Context, chatID int64) bool {
	s.mu.Lock()
	hang := s.hung[chatID]
	s.mu.Unlock()
	if !hang {
		return false
	}
	select {
	case <-ctx.Done():
	case <-s.done:
	}
	return true
}

// errHung is the answer recorded for a hung call; the client has gone and never reads it.
var errHung = &apiError{code: 499, description: "client closed request"}
