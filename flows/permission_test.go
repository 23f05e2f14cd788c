package flows_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lapkin-id/lapkin/bot"
)

// The outcome classes of the permission matrix, told apart by the words of the reply.
const (
	allowed  = "allowed"
	noRole   = "no-role" // "tidak tersedia untuk peran Anda"
	outScope = "scope"   // "tidak ditemukan" or "bukan pegawai OPD Anda": someone outside the sender's reach, not even confirmed to exist
	unknown  = "unknown" // "belum terdaftar"
	silent   = "silent"  // no reply at all (a stranger in a group)
)

func outcome(reply string) string {
	switch {
	case reply == "":
		return silent
	case strings.Contains(reply, "tidak tersedia untuk peran Anda"), strings.Contains(reply, "hanya kepala OPD"):
		return noRole
	case strings.Contains(reply, "akun Anda belum terdaftar"):
		return unknown
	case strings.Contains(reply, "tidak ditemukan"), strings.Contains(reply, "bukan pegawai OPD Anda"):
		return outScope
	}
	return allowed
}

// TestPermissionMatrix runs every command as every role, on someone of the sender's own OPD and
// of another, and checks each refusal. The roles: staff (Budi, DISKOMINFO), the head of
// DISKOMINFO (Ahmad), an admin (Hendra, BKPPD), and someone not registered. "own" targets Siti
// (DISKOMINFO); "other" targets Hendra (BKPPD).
func TestPermissionMatrix(t *testing.T) {
	t.Parallel()
	type row struct {
		cmd                        string // %s is the target's NIP
		staff, head, admin, nobody string // outcomes on the own-OPD target
		headOther                  string // the head on the other OPD's person
	}
	rows := []row{
		// Everyone's own business.
		{"/lapor Rapat koordinasi", allowed, allowed, allowed, unknown, ""},
		{"/riwayat", allowed, allowed, allowed, unknown, ""},
		{"/progres", allowed, allowed, allowed, unknown, ""},
		{"/kontrak", allowed, allowed, allowed, unknown, ""},
		{"/cuti", allowed, allowed, allowed, unknown, ""},
		{"/bahasa id", allowed, allowed, allowed, allowed, ""}, // SPEC: for all, registered or not
		{"/hapus 999999", outScope, outScope, outScope, unknown, ""},
		// Supervisors' tools, scoped to the own OPD and own subordinates.
		{"/tim", noRole, allowed, allowed, unknown, ""},
		{"/ingatkan", noRole, allowed, allowed, unknown, ""},
		{"/validasi", noRole, allowed, allowed, unknown, ""},
		{"/pegawai %s", noRole, allowed, allowed, unknown, outScope},
		{"/setujui %s", noRole, allowed, allowed, unknown, outScope},
		{"/tolak %s Belum terukur", noRole, allowed, allowed, unknown, outScope},
		{"/evaluate %s 2026-11", noRole, allowed, allowed, unknown, outScope},
		// Admins only.
		{"/kode %s", noRole, noRole, allowed, unknown, noRole},
		{"/libur 2026-12-24 Cuti bersama", noRole, noRole, allowed, unknown, ""},
		{"/umumkan DISKOMINFO Rapat pukul 13.00", noRole, noRole, allowed, unknown, ""},
		{"/putus %s", noRole, noRole, allowed, unknown, noRole},
	}
	h := newHarness(t)
	say := func(who, cmd, target string) string {
		if strings.Contains(cmd, "%s") {
			cmd = fmt.Sprintf(cmd, target)
		}
		return h.say(who, cmd)
	}
	for _, r := range rows {
		for _, c := range []struct{ who, want, target string }{
			{budi, r.staff, siti}, {kepala, r.head, siti}, {admin, r.admin, siti}, {"orang-asing", r.nobody, siti},
			{kepala, r.headOther, admin},
		} {
			if c.want == "" {
				continue
			}
			got := say(c.who, r.cmd, c.target)
			if o := outcome(got); o != c.want {
				t.Errorf("%s as %s on %s: %s, want %s\n%s", r.cmd, c.who, c.target, o, c.want, got)
			}
		}
	}

	// /hubungkan in a group: the head for his own OPD only, an admin for any; staff never; a
	// stranger gets no reply in the group.
	group := bot.ChatRef{Net: bot.NetConsole, ID: "grup:x"}
	n := 0
	inGroup := func(who, text string) string {
		n++
		return strings.Join(h.send(bot.Message{ID: fmt.Sprint("perm", n), Chat: group, Sender: bot.ChatRef{Net: bot.NetConsole, ID: who}, Group: true, Text: text}), "\n")
	}
	for _, c := range []struct{ who, opd, want string }{
		{budi, "DISKOMINFO", noRole}, {kepala, "DISKOMINFO", allowed}, {kepala, "BKPPD", noRole},
		{admin, "DISKOMINFO", allowed}, {admin, "BKPPD", allowed}, {"orang-asing", "DISKOMINFO", silent},
	} {
		if o := outcome(inGroup(c.who, "/hubungkan "+c.opd)); o != c.want {
			t.Errorf("/hubungkan %s as %s: %s, want %s", c.opd, c.who, o, c.want)
		}
	}
}
