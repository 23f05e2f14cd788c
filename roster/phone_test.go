package roster

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string // when key is ""
		key  string
	}{
		// 0 812 3456 789: the trunk 0 becomes the country code 62.
		{"0812-3456-789", "628123456789", ""},
		{"628123456789", "628123456789", ""},
		{"+62 812-3456-789", "628123456789", ""},
		{"812 3456 789", "628123456789", ""}, // the 0 left out, or dropped by Excel
		{"+62 (0)812 3456 789", "628123456789", ""},
		{"0062 812 3456 789", "628123456789", ""},
		{"0812.3456.789", "628123456789", ""},
		{" 0812\u00a03456789 ", "628123456789", ""},
		// 0 81234567 -> 62 81234567: 10 digits, the shortest accepted.
		{"081234567", "6281234567", ""},
		// 628123456789012: 15 digits, the longest E.164 allows.
		{"628123456789012", "628123456789012", ""},

		{"", "", keyPhoneEmpty},
		{"0812", "", keyPhoneLength},                // 62812: 5 digits
		{"08123456", "", keyPhoneLength},            // 628123456: 9 digits
		{"6281234567890123", "", keyPhoneLength},    // 16 digits
		{"+", "", keyPhoneLength},                   // no digits at all
		{"021-5551234", "", keyPhoneNotMobile},      // Jakarta landline -> 62215551234
		{"(0741) 123456", "", keyPhoneNotMobile},    // Jambi landline
		{"+1 202 555 0100", "", keyPhoneNotMobile},  // not Indonesian
		{"0812-3456-789a", "", keyPhoneChars},       // a letter
		{"0812 3456 789 / 0813", "", keyPhoneChars}, // two numbers in one cell
		{"62+8123456789", "", keyPhoneChars},        // + not at the start
		{"tidak ada", "", keyPhoneChars},
	}
	for _, tt := range tests {
		got, err := NormalizePhone(tt.in)
		if tt.key == "" {
			if err != nil || got != tt.want {
				t.Errorf("NormalizePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			continue
		}
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Key != tt.key {
			t.Errorf("NormalizePhone(%q) = %q, %v; want error %s", tt.in, got, err, tt.key)
			continue
		}
		if fe.Args["Value"] != strings.TrimSpace(tt.in) {
			t.Errorf("NormalizePhone(%q): Value = %v, want the number as given", tt.in, fe.Args["Value"])
		}
	}
}

// FuzzNormalizePhone checks that no input panics, that every result has the documented shape and
// that normalising a normalised number gives itself.
func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"0812-3456-789", "+62 (0)812 3456 789", "0062812", "8", "+", "620", "6208", "00", "021-5551234", "٠٨١٢"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := NormalizePhone(s)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Key == "" {
				t.Fatalf("NormalizePhone(%q) error %v is not a keyed *FieldError", s, err)
			}
			return
		}
		if !strings.HasPrefix(p, "628") || len(p) < 10 || len(p) > 15 || strings.Trim(p, "0123456789") != "" {
			t.Fatalf("NormalizePhone(%q) = %q, not 62 8… with 10 to 15 digits", s, p)
		}
		again, err := NormalizePhone(p)
		if err != nil || again != p {
			t.Fatalf("NormalizePhone(%q) = %q, but NormalizePhone(%q) = %q, %v", s, p, p, again, err)
		}
	})
}
