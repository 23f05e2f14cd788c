package outbox

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/store"
)

type fakeTransport struct {
	mu   sync.Mutex
	sent []chat.Reply
	errs []error // returned by successive sends, then nil
}

func (f *fakeTransport) Net() string { return "fake" }
func (f *fakeTransport) Send(ctx context.Context, r chat.Reply) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.errs) > 0 {
		err := f.errs[0]
		f.errs = f.errs[1:]
		if err != nil {
			return err
		}
	}
	f.sent = append(f.sent, r)
	return nil
}

func queue(t *testing.T, st *store.Store, now time.Time, replies ...chat.Reply) {
	t.Helper()
	ctx := context.Background()
	if err := st.Update(ctx, func(tx *store.Tx) error {
		for _, r := range replies {
			if err := Enqueue(ctx, tx, r, now, chat.Capabilities{}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func TestOutboxSurvivesRestartAndRetries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lapkin.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	to := chat.ChatRef{Net: "fake", ID: "42"}
	queue(t, st, now,
		chat.Reply{To: to, Text: "satu", Buttons: [][]chat.Button{{{Label: "Ya", Data: "y"}}}},
		chat.Reply{To: to, Text: "dua", Photo: []byte{0x89, 'P', 'N', 'G'}, PhotoName: "rekap.png"},
		chat.Reply{To: to, Text: "tiga", Document: []byte("PK\x03\x04"), DocumentName: "evaluasi.xlsx"})
	st.Close() // the process stops before anything is sent

	st, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clock := chat.NewManualClock(now)
	ft := &fakeTransport{errs: []error{&chat.Error{Code: chat.RetryLater, Wait: 30 * time.Second}}}
	s := NewSender(st, clock, nil, ft)
	n, err := s.Flush(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The first message met a 429: it waits its 30 s, and the chat's later messages wait behind
	// it, so the chat reads them in the order they were written.
	if n != 0 || len(ft.sent) != 0 {
		t.Fatalf("first flush sent %d: %+v", n, ft.sent)
	}
	clock.Advance(29 * time.Second)
	if n, _ := s.Flush(ctx); n != 0 {
		t.Fatalf("sent %d before retry_after elapsed", n)
	}
	clock.Advance(time.Second)
	if n, _ := s.Flush(ctx); n != 3 || ft.sent[0].Text != "satu" || ft.sent[0].Buttons[0][0].Data != "y" {
		t.Fatalf("retry: %d %+v", n, ft.sent)
	}
	if ft.sent[1].Text != "dua" || string(ft.sent[1].Photo) != "\x89PNG" || ft.sent[1].PhotoName != "rekap.png" {
		t.Fatalf("photo sent as %+v", ft.sent[1])
	}
	if string(ft.sent[2].Document) != "PK\x03\x04" || ft.sent[2].DocumentName != "evaluasi.xlsx" || ft.sent[2].Photo != nil {
		t.Fatalf("document sent as %+v", ft.sent[2])
	}
	if n, _ := s.Flush(ctx); n != 0 {
		t.Fatalf("a sent message was sent again")
	}
}

func TestOutboxUnreachableAndGiveUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "lapkin.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	queue(t, st, now, chat.Reply{To: chat.ChatRef{Net: "fake", ID: "blocked"}, Text: "x"}, chat.Reply{To: chat.ChatRef{Net: "fake", ID: "flaky"}, Text: "y"})
	ft := &fakeTransport{errs: []error{&chat.Error{Code: chat.Unreachable}}}
	for i := 0; i < 20; i++ {
		ft.errs = append(ft.errs, errors.New("connection reset"))
	}
	clock := chat.NewManualClock(now)
	s := NewSender(st, clock, nil, ft)
	s.MaxAttempts = 3
	for i := 0; i < 5; i++ {
		if _, err := s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Hour)
	}
	var pending, sent, failed int
	st.View(ctx, func(tx *store.Tx) (err error) { pending, sent, failed, err = tx.OutboxCounts(ctx); return })
	if pending != 0 || sent != 0 || failed != 2 {
		t.Fatalf("pending %d sent %d failed %d, want 0 0 2", pending, sent, failed)
	}
}
