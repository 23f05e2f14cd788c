package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/store"
)

// Issue 26, item 3: answers to strangers are capped per hour over all networks; registered people
// are answered whatever strangers did; an hour later strangers are answered again. Each reply is
// queued with its priority.
func TestStrangerRepliesCappedPerHour(t *testing.T) {
	t.Parallel()
	h := newHarnessWith(t, func(o *flows.Options) { o.StrangerRepliesPerHour = 2 })
	for i, who := range []string{"asing-1", "asing-2", "asing-3", "asing-1"} {
		got := h.say(who, "halo")
		if i < 2 && !strings.Contains(got, "belum terdaftar") || i >= 2 && got != "" {
			t.Fatalf("stranger's message %d answered %q", i+1, got)
		}
	}
	expect(t, h.say(budi, "/bantuan"), "Perintah")
	expect(t, h.say(budi, "/cuti 2026-11-25 keperluan keluarga"), "Cuti tercatat")
	h.clock.Advance(time.Hour + time.Second)
	expect(t, h.say("asing-3", "halo"), "belum terdaftar")

	prio := map[string]int{}
	rows, err := h.st.DB().QueryContext(context.Background(), `SELECT chat_id, MAX(priority) FROM outbox GROUP BY chat_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var chat string
		var p int
		rows.Scan(&chat, &p)
		prio[chat] = p
	}
	if prio["asing-3"] != store.PriorityStranger || prio[budi] != store.PriorityReply || prio[kepala] != store.PriorityNotice {
		t.Fatalf("priorities %v", prio)
	}
}
