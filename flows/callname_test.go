package flows_test

import (
	"context"
	"testing"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/store"
)

// Issue 26, item 8: a Balinese "Ni Luh Putu …" is greeted "Ibu Ni Luh", never "Bapak Ni", even
// with a NIP whose sex digit says otherwise; the roster's sapaan, when given, is used as written.
func TestGreetingFollowsTheName(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	const luh = "199001012015031005" // a male sex digit, as a mistyped NIP would have
	save := func(call string) {
		t.Helper()
		err := h.st.Update(ctx, func(tx *store.Tx) error {
			if err := tx.UpsertEmployee(ctx, store.Employee{NIP: luh, Name: "Ni Luh Putu Ayu Kadek Sari, S.E.", Position: "Analis",
				OPDCode: "DISKOMINFO", SupervisorNIP: kepala, CallName: call}, rosterDay); err != nil {
				return err
			}
			return tx.LinkIdentity(ctx, bot.NetConsole, luh, luh, rosterDay)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	save("")
	got := h.say(luh, "/start")
	expect(t, got, "Ibu Ni Luh")
	reject(t, got, "Bapak")
	save("Bu Luh")
	expect(t, h.say(luh, "/start"), "Bu Luh")
	// An import without a sapaan keeps it; "-" clears it.
	save("")
	expect(t, h.say(luh, "/start"), "Bu Luh")
	save("-")
	expect(t, h.say(luh, "/start"), "Ibu Ni Luh")
	// Notices to her use it too.
	h.say(luh, "/bahasa en")
	expect(t, h.say(luh, "/start"), "Ms Ni Luh")
}
