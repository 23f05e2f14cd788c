package flows

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/bot/console"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/store"
)

// The issue's Done-when: "Adding a command with two sub-verbs is one declaration, one handler file
// and its catalog lines." This throwaway command is declared here, through declare as the built-in
// ones are, and driven through the engine: parsing, aliases, the sub-verbs, the per-verb role, a
// conversation in progress and the slash-less form all come from the declaration alone. (Its
// replies are plain text because a test cannot add catalog lines; docs/commands.md shows the
// same command with its catalog lines.)
func TestDeclareThrowawayCommand(t *testing.T) {
	var notes []string // the "handler file": what /catatan keeps
	noteAdd := func(r *request, args string) error {
		if args == "" {
			return invalid("common.too_long", catalog.Args{"Max": 0}) // any coded refusal will do
		}
		notes = append(notes, args)
		r.sayText("noted: " + args)
		return nil
	}
	noteDelete := func(r *request, args string) error {
		notes = nil
		r.sayText("notes deleted")
		return nil
	}
	noteList := func(r *request, _ string) error {
		r.sayText("notes: " + strings.Join(notes, "; "))
		return nil
	}
	old := declared
	t.Cleanup(func() { declared = old })
	declare(&command{
		name: "catatan", aliases: []string{"note"}, role: store.RoleASN,
		run: noteList, keepsFlow: always,
		verbs: []*verb{
			{names: []string{"tambah", "add"}, args: anyArgs, run: noteAdd},
			{names: []string{"hapus", "delete"}, role: store.RoleKepala, run: noteDelete},
		},
	})

	e := newExampleEngine(t)
	send := func(who, text string) string { return e.say(who, text) }

	if got := send(exampleStaff, "/catatan tambah rapat koordinasi"); got != "noted: rapat koordinasi" {
		t.Fatalf("/catatan tambah: %q", got)
	}
	if got := send(exampleStaff, "/note add server check"); got != "noted: server check" {
		t.Fatalf("/note add: %q", got)
	}
	if got := send(exampleStaff, "catatan"); got != "notes: rapat koordinasi; server check" {
		t.Fatalf("slash-less catatan: %q", got)
	}
	// The second verb is a supervisor's: the role check reads the verb's declaration.
	if got := send(exampleStaff, "/catatan hapus"); !strings.Contains(got, "/catatan hapus") || len(notes) != 2 {
		t.Fatalf("staff /catatan hapus: %q, notes %v", got, notes)
	}
	// In the middle of /lapor, the command (keepsFlow) is answered and the report goes on.
	send(exampleStaff, "/lapor")
	if got := send(exampleStaff, "/catatan"); !strings.Contains(got, "notes: rapat koordinasi") || !strings.Contains(got, e.cat.T("id", "flow.pending", catalog.Args{"Flow": "laporan", "Title": "Laporan"})) {
		t.Fatalf("mid-flow /catatan: %q", got)
	}
	send(exampleStaff, "/batal")
	if got := send(exampleHead, "/catatan hapus"); got != "notes deleted" || notes != nil {
		t.Fatalf("head /catatan hapus: %q, notes %v", got, notes)
	}
	// Unknown to the person not registered, like every ASN command.
	if got := send("stranger", "/catatan"); !strings.Contains(got, e.cat.T("id", "register.unknown_person", nil)) {
		t.Fatalf("stranger: %q", got)
	}
}

const (
	exampleHead  = "197001011995031001"
	exampleStaff = "198806202014031004"
)

// exampleEngine is an engine on a fresh database with one head and one staff member linked to the
// console, for tests inside the package.
type exampleEngine struct {
	t      *testing.T
	cat    *catalog.Catalog
	st     *store.Store
	clock  *bot.ManualClock
	con    *console.Console
	eng    *Engine
	sender *bot.Sender
}

func newExampleEngine(t *testing.T) *exampleEngine {
	ctx := context.Background()
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "lapkin.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, loc)
	err = st.Update(ctx, func(tx *store.Tx) error {
		if err := tx.UpsertOPD(ctx, store.OPD{Code: "DISKOMINFO", Name: "Dinas Komunikasi dan Informatika"}, now); err != nil {
			return err
		}
		for _, emp := range []store.Employee{
			{NIP: exampleHead, Name: "Ahmad Fauzi", OPDCode: "DISKOMINFO", Role: store.RoleKepala},
			{NIP: exampleStaff, Name: "Budi Santoso", OPDCode: "DISKOMINFO", SupervisorNIP: exampleHead},
		} {
			if err := tx.UpsertEmployee(ctx, emp, now); err != nil {
				return err
			}
			if err := tx.LinkIdentity(ctx, bot.NetConsole, emp.NIP, emp.NIP, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	x := &exampleEngine{t: t, cat: catalog.Must(), st: st, clock: bot.NewManualClock(now), con: console.New(&bytes.Buffer{}, nil)}
	x.eng = New(st, x.clock, x.cat, Options{Location: loc, Language: "id", EvidenceDir: filepath.Join(t.TempDir(), "evidence")}, nil)
	x.sender = bot.NewSender(st, x.clock, nil, x.con)
	return x
}

// say hands text from who to the engine, delivers the outbox and returns what who's chat received.
func (x *exampleEngine) say(who, text string) string {
	x.t.Helper()
	before := len(x.con.Received(who))
	if err := x.eng.Handle(context.Background(), console.Message(who, text, nil, x.clock.Now())); err != nil {
		x.t.Fatalf("handle %q: %v", text, err)
	}
	if _, err := x.sender.Flush(context.Background()); err != nil {
		x.t.Fatal(err)
	}
	return strings.Join(x.con.Received(who)[before:], "\n---\n")
}
