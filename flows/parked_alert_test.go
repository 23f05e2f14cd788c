package flows_test

import (
	"context"
	"strings"
	"testing"

	"github.com/lapkin-id/lapkin/bot"
)

// A parked message is told to the admins, with the command that sends it again; with only one
// network they are told on that network (unlike a transport alert, which avoids it), and staff
// hear nothing.
func TestParkedAlertTellsAdmins(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	if err := h.eng.ParkedAlert(ctx, bot.NetConsole, "retry_later: 502 Bad Gateway"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.sender.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(h.con.Received(admin), "\n")
	expect(t, got, "diparkir", "502 Bad Gateway", "lapkin outbox retry", "tidak hilang")
	if n := len(h.con.Received(budi)); n != 0 {
		t.Errorf("staff received %d alerts", n)
	}
}
