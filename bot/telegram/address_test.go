package telegram

import "testing"

// A command addressed to this bot reaches the flows without the address; one addressed to
// another bot, or a text that is no command, is left as it is.
func TestUnaddressed(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"/hubungkan@LapkinTestBot diskominfo", "/hubungkan diskominfo"},
		{"/rekap@lapkintestbot", "/rekap"},
		{"/lapor@LapkinTestBot\n3 rapat", "/lapor\n3 rapat"},
		{"/lapor@OtherBot 3 rapat", "/lapor@OtherBot 3 rapat"},
		{"rapat @LapkinTestBot", "rapat @LapkinTestBot"},
		{"/lapor 3 rapat@LapkinTestBot", "/lapor 3 rapat@LapkinTestBot"},
		{"/", "/"},
	} {
		if got := unaddressed(c.in, "LapkinTestBot"); got != c.want {
			t.Errorf("unaddressed(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := unaddressed("/rekap@LapkinTestBot", ""); got != "/rekap@LapkinTestBot" {
		t.Errorf("before getMe answered: %q", got)
	}
}
