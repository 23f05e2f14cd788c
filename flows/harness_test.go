package flows_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/bot/console"
	"github.com/lapkin-id/lapkin/calendar"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/store"
)

// The people of the test roster. Budi and Siti are linked to the console under their NIP; Rina is
// in the roster but has never registered.
const (
	admin  = "197803152005011002" // Hendra, BKPPD admin
	kepala = "197001011995031001" // Ahmad, head of DISKOMINFO
	budi   = "198806202014031004" // staff, has a signed contract
	siti   = "199002142015032001" // staff, no contract
	rina   = "199505052020122003" // staff, not registered
)

var jakarta = mustLoc("Asia/Jakarta")

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// harness is a running Lapkin on a real SQLite file with the console transport.
type harness struct {
	t      testing.TB
	path   string
	dir    string
	st     *store.Store
	clock  *bot.ManualClock
	out    *bytes.Buffer
	con    *console.Console
	eng    *flows.Engine
	sender *bot.Sender
	router *bot.Router
	opt    flows.Options
}

// Monday 23 November 2026, 09:00 in Jakarta.
var monday = time.Date(2026, 11, 23, 9, 0, 0, 0, jakarta)

// rosterDay is when the test city imported its roster into Lapkin, before the contracts.
var rosterDay = time.Date(2026, 1, 2, 8, 0, 0, 0, jakarta)

func newHarness(t testing.TB) *harness { return newHarnessWith(t, nil) }

// newHarnessWith is newHarness with options changed by tweak before the engine starts.
func newHarnessWith(t testing.TB, tweak func(*flows.Options)) *harness {
	t.Helper()
	dir := t.TempDir()
	h := &harness{t: t, dir: dir, path: filepath.Join(dir, "lapkin.db"), clock: bot.NewManualClock(monday), out: &bytes.Buffer{}}
	h.opt = flows.Options{Location: jakarta, Language: "id", EvidenceDir: filepath.Join(dir, "evidence"),
		Holidays: []store.Holiday{{Date: calendar.New(2026, 12, 25), Name: "Hari Raya Natal"}}}
	if tweak != nil {
		tweak(&h.opt)
	}
	h.start()
	h.seed()
	return h
}

func (h *harness) start() {
	h.t.Helper()
	st, err := store.Open(context.Background(), h.path)
	if err != nil {
		h.t.Fatal(err)
	}
	h.st = st
	h.con = console.New(h.out, nil)
	h.eng = flows.New(st, h.clock, catalog.Must(), h.opt, nil)
	h.sender = bot.NewSender(st, h.clock, nil, h.con)
	h.router = bot.NewRouter(h.eng, nil)
	h.t.Cleanup(h.stop)
}

func (h *harness) stop() {
	if h.st == nil {
		return
	}
	h.router.Close()
	h.st.Close()
	h.st = nil
}

// restart stops the bot and starts a new one on the same database, as a process restart would.
func (h *harness) restart() {
	h.stop()
	h.start()
}

func (h *harness) seed() {
	ctx := context.Background()
	now := rosterDay
	err := h.st.Update(ctx, func(tx *store.Tx) error {
		for _, o := range []store.OPD{{Code: "BKPPD", Name: "Badan Kepegawaian"}, {Code: "DISKOMINFO", Name: "Dinas Komunikasi dan Informatika"}} {
			if err := tx.UpsertOPD(ctx, o, now); err != nil {
				return err
			}
		}
		emps := []store.Employee{
			{NIP: admin, Name: "Hendra Gunawan", Position: "Analis SDM", OPDCode: "BKPPD", Role: store.RoleAdmin},
			{NIP: kepala, Name: "Drs. Ahmad Fauzi, M.Si.", Position: "Kepala Dinas", OPDCode: "DISKOMINFO", Role: store.RoleKepala, Phone: "6281100000001"},
			{NIP: budi, Name: "Budi Santoso", Position: "Pranata Komputer", OPDCode: "DISKOMINFO", SupervisorNIP: kepala, Phone: "6281200000002"},
			{NIP: siti, Name: "Siti Rahma", Position: "Pengelola Keuangan", OPDCode: "DISKOMINFO", SupervisorNIP: kepala},
			{NIP: rina, Name: "Rina Wulandari", Position: "Arsiparis", OPDCode: "DISKOMINFO", SupervisorNIP: kepala, Phone: "6281300000003"},
		}
		for _, e := range emps {
			if err := tx.UpsertEmployee(ctx, e, now); err != nil {
				return err
			}
		}
		for _, nip := range []string{admin, kepala, budi, siti} {
			if err := tx.LinkIdentity(ctx, bot.NetConsole, nip, nip, now); err != nil {
				return err
			}
		}
		signed := time.Date(2026, 1, 5, 10, 0, 0, 0, jakarta)
		_, err := tx.AddContract(ctx, store.Contract{NIP: budi, Year: 2026, Status: store.ContractSigned, SignedAt: &signed,
			Targets: []store.Target{
				{Description: "Pemeliharaan server", Quantity: 12, Unit: "laporan", DueDate: "2026-12-31"},
				{Description: "Verifikasi SPJ", Quantity: 120, Unit: "dokumen", DueDate: "2026-12-31"},
			}}, now)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// send delivers msg as if typed, has it handled, delivers the outbox, and returns what the sender's
// chat received meanwhile.
func (h *harness) send(msg bot.Message) []string {
	h.t.Helper()
	before := len(h.con.Received(msg.Chat.ID))
	if err := h.router.Handle(context.Background(), msg); err != nil {
		h.t.Fatalf("handle %q: %v", msg.Text, err)
	}
	if _, err := h.sender.Flush(context.Background()); err != nil {
		h.t.Fatalf("deliver: %v", err)
	}
	return h.con.Received(msg.Chat.ID)[before:]
}

// say sends text as who and returns the replies, joined.
func (h *harness) say(who, text string) string {
	h.t.Helper()
	return strings.Join(h.send(console.Message(who, text, nil, h.clock.Now())), "\n---\n")
}

// expect fails unless got contains every want.
func expect(t *testing.T, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Fatalf("reply lacks %q:\n%s", w, got)
		}
	}
}

// reject fails if got contains any of bad.
func reject(t *testing.T, got string, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(got, b) {
			t.Fatalf("reply should not contain %q:\n%s", b, got)
		}
	}
}

// reports returns who's reports dated from..to that were not deleted.
func (h *harness) reports(who string) []store.Report {
	h.t.Helper()
	var out []store.Report
	err := h.st.View(context.Background(), func(tx *store.Tx) (err error) {
		out, err = tx.ReportsBetween(context.Background(), who, "2000-01-01", "2100-01-01")
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return out
}
