package bot

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestRouterKeepsChatOrder(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	got := map[string][]string{}
	h := HandlerFunc(func(ctx context.Context, m Message) error {
		if m.Text == "0" {
			time.Sleep(5 * time.Millisecond) // a slow first message must not be overtaken
		}
		mu.Lock()
		got[m.Chat.ID] = append(got[m.Chat.ID], m.Text)
		mu.Unlock()
		return nil
	})
	r := NewRouter(h, nil)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		for _, chat := range []string{"a", "b", "c"} {
			wg.Add(1)
			r.Submit(context.Background(), Message{Chat: ChatRef{Net: "console", ID: chat}, Text: fmt.Sprint(i)}, func(error) { wg.Done() })
		}
	}
	wg.Wait()
	r.Close()
	for _, chat := range []string{"a", "b", "c"} {
		if len(got[chat]) != 20 {
			t.Fatalf("chat %s got %d messages", chat, len(got[chat]))
		}
		for i, s := range got[chat] {
			if s != fmt.Sprint(i) {
				t.Fatalf("chat %s out of order: %v", chat, got[chat])
			}
		}
	}
	if r.Submit(context.Background(), Message{}, nil) {
		t.Fatal("submit accepted after Close")
	}
}

func TestRouterRecoversPanic(t *testing.T) {
	t.Parallel()
	r := NewRouter(HandlerFunc(func(ctx context.Context, m Message) error { panic("boom") }), nil)
	defer r.Close()
	if err := r.Handle(context.Background(), Message{Chat: ChatRef{Net: "console", ID: "x"}}); err == nil {
		t.Fatal("panic not reported as an error")
	}
}
