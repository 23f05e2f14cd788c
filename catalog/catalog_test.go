package catalog

import (
	"strings"
	"testing"
)

// Every message must exist in every language: a missing English text would otherwise show up as a
// bracketed key in a reply, or an Indonesian one fall back silently.
func TestCatalogComplete(t *testing.T) {
	t.Parallel()
	c := Must()
	id, en := c.Keys("id"), c.Keys("en")
	if len(id) == 0 {
		t.Fatal("no Indonesian messages loaded")
	}
	for _, k := range id {
		if !c.Has("en", k) {
			t.Errorf("message %q has no English text", k)
		}
	}
	for _, k := range en {
		if !c.Has("id", k) {
			t.Errorf("message %q has no Indonesian text", k)
		}
	}
}

// Every template must render with empty data without a template error, in both languages.
func TestCatalogTemplatesParse(t *testing.T) {
	t.Parallel()
	c := Must()
	for _, lang := range Languages {
		for _, k := range c.Keys(lang) {
			if s := c.T(lang, k, Args{}); strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") && s == "["+k+"]" {
				t.Errorf("%s/%s does not render", lang, k)
			}
		}
	}
}

func TestMissingKeyVisible(t *testing.T) {
	t.Parallel()
	if got := Must().T("id", "no.such.key", nil); got != "[no.such.key]" {
		t.Fatalf("missing key rendered as %q", got)
	}
}

func TestNoDoubleStopAfterDegree(t *testing.T) {
	t.Parallel()
	c := Must()
	got := c.T("id", "submit.done", Args{"Supervisor": "Hj. Nurhayati Lubis, S.Sos., M.Si."})
	if strings.Contains(got, "M.Si..") || !strings.Contains(got, "M.Si.") {
		t.Fatalf("got %q", got)
	}
	// A date range in an example keeps its two dots.
	if got := c.T("id", "evaluate.format", nil); !strings.Contains(got, "2026-01-05..2026-04-04") {
		t.Fatalf("range mangled: %q", got)
	}
}

// English messages with a Count take its plural form; Indonesian has one form for every number.
func TestPluralForms(t *testing.T) {
	t.Parallel()
	c := Must()
	for _, tc := range []struct {
		lang  string
		count int
		want  string
	}{
		{"en", 1, "Budi (1 report)"},
		{"en", 2, "Budi (2 reports)"},
		{"en", 0, "Budi (0 reports)"},
		{"id", 1, "Budi (1 laporan)"},
		{"id", 2, "Budi (2 laporan)"},
	} {
		if got := c.T(tc.lang, "team.report_count", Args{"Name": "Budi", "Count": tc.count}); got != tc.want {
			t.Errorf("T(%s, team.report_count, %d) = %q, want %q", tc.lang, tc.count, got, tc.want)
		}
	}
}
