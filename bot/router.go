// Package bot is Lapkin's runtime between the edge and the flows: a router that keeps each chat's
// messages in order, and a scheduler that turns cron ticks into jobs. It holds no business rule
// (what a message means is decided in package flows) and no network: the edge is package chat,
// the outbox package outbox. compat.go keeps their old names here for code not yet moved over.
package bot

import (
	"context"
	"log/slog"
	"sync"

	"github.com/lapkin-id/lapkin/chat"
)

// Router hands inbound messages to a Handler, one goroutine per chat: the messages of one chat are
// handled in the order they arrived, different chats in parallel. (Starting a goroutine per update
// would let "/lapor" and the answer to its first question race.)
type Router struct {
	h   chat.Handler
	log *slog.Logger

	mu     sync.Mutex
	queues map[chat.ChatRef][]job // pending work per chat; a key exists while its worker runs
	wg     sync.WaitGroup
	closed bool
}

type job struct {
	ctx  context.Context
	msg  chat.Message
	done func(error)
}

// NewRouter returns a router that calls h.
func NewRouter(h chat.Handler, log *slog.Logger) *Router {
	if log == nil {
		log = slog.Default()
	}
	return &Router{h: h, log: log, queues: map[chat.ChatRef][]job{}}
}

// Submit queues m for handling. done, if not nil, is called with the handler's result once m has
// been handled: a transport acknowledges the update only then. Submit returns false after Close.
func (r *Router) Submit(ctx context.Context, m chat.Message, done func(error)) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return false
	}
	q, running := r.queues[m.Chat]
	r.queues[m.Chat] = append(q, job{ctx: ctx, msg: m, done: done})
	if !running {
		r.wg.Add(1)
		go r.work(m.Chat)
	}
	return true
}

// Handle submits m and waits until it has been handled, for transports that work one message at a
// time (the console).
func (r *Router) Handle(ctx context.Context, m chat.Message) error {
	ch := make(chan error, 1)
	if !r.Submit(ctx, m, func(err error) { ch <- err }) {
		return context.Canceled
	}
	return <-ch
}

func (r *Router) work(chat chat.ChatRef) {
	defer r.wg.Done()
	for {
		r.mu.Lock()
		q := r.queues[chat]
		if len(q) == 0 {
			delete(r.queues, chat)
			r.mu.Unlock()
			return
		}
		j := q[0]
		r.queues[chat] = q[1:]
		r.mu.Unlock()

		err := r.safeHandle(j)
		if err != nil {
			r.log.Error("handle message", "chat", chat.String(), "msg", j.msg.ID, "err", err)
		}
		if j.done != nil {
			j.done(err)
		}
	}
}

// safeHandle turns a panic in a flow into an error, so that one bad message cannot take the bot
// down or leave its chat's queue stuck.
func (r *Router) safeHandle(j job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &panicError{p}
		}
	}()
	return r.h.Handle(j.ctx, j.msg)
}

type panicError struct{ v any }

func (p *panicError) Error() string { return "panic in handler: " + slogValue(p.v) }

func slogValue(v any) string { return slog.AnyValue(v).String() }

// Close stops accepting messages and waits for the queued ones to be handled.
func (r *Router) Close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.wg.Wait()
}
