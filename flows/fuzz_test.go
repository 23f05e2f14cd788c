package flows

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseDate: any text given as a date (/cuti, /libur) parses without panicking, and an accepted
// date is a plausible civil date that reads back to itself in the ISO form.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-11-23", "23-11-2026", "3-1-2026", "23/11/2026", "2026-02-30", "31-04-2026",
		"1999-12-31", "2101-01-01", "", "  2026-11-23  ", "2026-11-23T09:00", "٢٠٢٦-١١-٢٣", "23.11.2026"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseDate(s)
		if !ok {
			return
		}
		if d.Year() < 2000 || d.Year() > 2100 || d.Hour() != 0 || d.Minute() != 0 || d.Location().String() != "UTC" {
			t.Fatalf("ParseDate(%q) = %v", s, d)
		}
		if back, ok := ParseDate(d.Format("2006-01-02")); !ok || !back.Equal(d) {
			t.Fatalf("ParseDate(%q) = %v does not read back", s, d)
		}
	})
}

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
