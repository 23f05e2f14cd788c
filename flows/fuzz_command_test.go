package flows

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseCommand: any message text is either no command or one known command with arguments
// that are a trimmed part of the text; inside a flow (slashOnly) a bare word other than "batal"
// is never a command, so an answer can never be taken for one.
func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"/lapor 3 Verifikasi SPJ #2", "lapor", "/LAPOR", "/lapor@LapkinTestBot 2 rapat", "batal",
		"batal rapat", "/batal", "/bantuan\nlagi", "/", "", "  /riwayat 7 ", "/evaluate semua 2026-11", "/hubungkan DISKOMINFO",
		"/lapor\t3", "/x@", "@/lapor", "/lapor@", "\u200b/lapor"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, slashOnly := range []bool{false, true} {
			cmd, args, ok := parseCommand(s, slashOnly)
			if !ok {
				if cmd != nil || args != "" {
					t.Fatalf("parseCommand(%q) not ok but returned %v %q", s, cmd, args)
				}
				continue
			}
			if cmd == nil || lookupCommand(cmd.name) == nil || lookupCommand(cmd.name).name != cmd.name {
				t.Fatalf("parseCommand(%q) = unknown command %v", s, cmd)
			}
			if args != strings.TrimSpace(args) || !utf8.ValidString(args) && utf8.ValidString(s) {
				t.Fatalf("parseCommand(%q) args %q", s, args)
			}
			slash := strings.HasPrefix(strings.TrimSpace(s), "/")
			if slashOnly && !slash && (cmd.name != "batal" || args != "") {
				t.Fatalf("inside a flow, %q was taken for /%s", s, cmd.name)
			}
		}
	})
}
