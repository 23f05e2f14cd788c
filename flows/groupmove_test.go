package flows_test

import (
	"context"
	"testing"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/store"
)

// kaban is the head of BKPPD, added by addBKPPDHead.
const kaban = "196807121994031003"

func (h *harness) addBKPPDHead() {
	h.t.Helper()
	ctx := context.Background()
	err := h.st.Update(ctx, func(tx *store.Tx) error {
		if err := tx.UpsertEmployee(ctx, store.Employee{NIP: kaban, Name: "Drs. Bambang Sutrisno, M.M.", Position: "Kepala Badan",
			OPDCode: "BKPPD", Role: store.RoleKepala}, rosterDay); err != nil {
			return err
		}
		return tx.LinkIdentity(ctx, bot.NetConsole, kaban, kaban, rosterDay)
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// Issue 26, item 6: the head of another OPD cannot take a bound group by confirming their own
// question: the move waits for the leaving OPD's head (told in private), who confirms it; an admin
// may still move a group alone.
func TestMovingAGroupNeedsTheLeavingHead(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.addBKPPDHead()
	g := &groupChat{h: h, ref: bot.ChatRef{Net: bot.NetConsole, ID: "grup:kominfo"}}
	expect(t, g.say(kepala, "/hubungkan DISKOMINFO"), "Grup ini terhubung dengan Dinas Komunikasi dan Informatika")

	ahmad := h.inbox(kepala)
	got := g.say(kaban, "/hubungkan BKPPD")
	expect(t, got, "perlu persetujuan kepala DISKOMINFO atau admin BKPPD", "/hubungkan BKPPD ya", "sudah diberi tahu")
	expect(t, ahmad(), "Bapak Bambang", "meminta grup", "/hubungkan BKPPD ya")
	// The asker's own "ya" is no consent.
	expect(t, g.say(kaban, "/hubungkan BKPPD ya"), "perlu persetujuan kepala DISKOMINFO")
	if g.bound() != "DISKOMINFO" {
		t.Fatalf("moved by the head of the OPD it goes to (now %q)", g.bound())
	}
	// The leaving head consents: moved.
	expect(t, g.say(kepala, "/hubungkan BKPPD ya"), "Grup ini terhubung dengan Badan Kepegawaian")
	if g.bound() != "BKPPD" {
		t.Fatalf("group bound to %q after consent", g.bound())
	}
	// Nothing is pending any more: the head of BKPPD (now the group's) may not be taken from
	// without his consent, and Ahmad's "ya" to nothing is refused.
	expect(t, g.say(kepala, "/hubungkan DISKOMINFO ya"), "perlu persetujuan kepala BKPPD")
	expect(t, g.say(kepala, "/hubungkan BKPPD ya"), "hanya kepala OPD BKPPD")
	// An admin moves it alone, after the usual question.
	expect(t, g.say(admin, "/hubungkan DISKOMINFO ya"), "Grup ini terhubung dengan Dinas Komunikasi dan Informatika")
}
