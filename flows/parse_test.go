package flows

import "testing"

// ParseQuickReport gives the quick form's refusals (parse.QuickReport, tested in parse) as
// invalid-input flow errors whose arguments name the refused word, which the reply shows.
func TestParseQuickReportRefusalIsAFlowError(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]struct{ key, token string }{
		"Rapat #abc":  {"report.bad_target", "#abc"},
		"Rapat 30j":   {"report.bad_duration", "30j"},
		"0 Rapat":     {"report.bad_quantity", "0"},
		"#2":          {"report.empty_text", ""},
		"#1 #2 Rapat": {"report.two_targets", ""},
	} {
		_, err := ParseQuickReport(in)
		e, ok := asError(err)
		if !ok || e.Code != EINVALID || e.Key != want.key {
			t.Errorf("ParseQuickReport(%q) = %v, want invalid %s", in, err, want.key)
			continue
		}
		if tok, _ := e.Args["Token"].(string); tok != want.token {
			t.Errorf("ParseQuickReport(%q) Token = %q, want %q", in, tok, want.token)
		}
	}
	if q, err := ParseQuickReport("3 Verifikasi SPJ #2"); err != nil || q.Quantity != 3 || q.Target != 2 || q.Text != "Verifikasi SPJ" {
		t.Errorf("ParseQuickReport = %+v, %v", q, err)
	}
}
