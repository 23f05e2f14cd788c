package parse

import (
	"strconv"
	"strings"
	"testing"
)

// FuzzQuantity: the answer to the guided /lapor's "how much" step and the quantity of a
// /target line (ParseNumber) never panic; an accepted quantity is in (0, MaxQuantity], and a
// quantity is exactly the number ParseNumber reads. The quick form's quantities and durations are
// fuzzed by FuzzQuickReport.
func FuzzQuantity(f *testing.F) {
	for _, s := range []string{"3", "2,5", "2.5", "1.250", "1.250,5", "0", "-1", "100000", "100001", "1e3", "inf", "NaN",
		"", " 7 ", "1,2,3", "\uff13", "0,0001", "99999,99999", ".5", "5.", "1_000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, okN := Number(s)
		if okN && (n < 0 || n != n) {
			t.Fatalf("Number(%q) = %v", s, n)
		}
		q, ok := Quantity(s)
		if !ok {
			return
		}
		if !(q > 0 && q <= MaxQuantity) {
			t.Fatalf("Quantity(%q) = %v, outside (0, %d]", s, q, MaxQuantity)
		}
		if !okN || n != q {
			t.Fatalf("Quantity(%q) = %v but ParseNumber gives %v, %v", s, q, n, okN)
		}
		// What was accepted reads back to the same number when written the Indonesian way, with a
		// decimal comma (a dot before three digits groups thousands, so "0.001" is 1 by design).
		if back, ok := Number(strings.Replace(strconv.FormatFloat(q, 'f', -1, 64), ".", ",", 1)); !ok || back != q {
			t.Fatalf("Quantity(%q) = %v does not read back (%v, %v)", s, q, back, ok)
		}
	})
}
