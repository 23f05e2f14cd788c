package flows

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lapkin-id/lapkin/catalog"
)

// declaredKeys is every catalog key the command declarations name, with where it is named.
func declaredKeys() map[string]string {
	keys := map[string]string{"flow.name.other": "flowTitle", "help.command_title": "helpCommand"}
	for _, c := range commands() {
		for what, k := range map[string]string{"help": c.help, "menu": c.menu} {
			if k != "" {
				keys[k] = "/" + c.name + " " + what
			}
		}
		for _, v := range c.verbs {
			if v.help != "" {
				keys[v.help] = "/" + c.name + " " + v.names[0] + " help"
			}
		}
		if c.flow != nil {
			keys[c.flow.title] = "/" + c.name + " flow"
		}
	}
	for _, f := range textFlows() {
		keys[f.title] = "flow " + f.name
	}
	return keys
}

// Every catalog key a declaration names exists in both catalogs: a missing one would show as
// "[key]" in /bantuan or a menu. The keys are written whole in the declarations, so this sees
// them all (TestNoBuiltCommandKeys keeps it so).
func TestDeclaredKeys(t *testing.T) {
	cat := catalog.Must()
	keys := declaredKeys()
	if len(keys) < 40 {
		t.Fatalf("only %d declared keys: are the declarations read?", len(keys))
	}
	for k, where := range keys {
		for _, lang := range catalog.Languages {
			if !cat.Has(lang, k) {
				t.Errorf("%s names %q, which the %s catalog lacks", where, k, lang)
			}
		}
	}
	// And the other way: a command's help or menu line nobody declares is a command half removed.
	for _, k := range cat.Keys("id") {
		if (strings.HasPrefix(k, "help.cmd.") || strings.HasPrefix(k, "help.verb.") || strings.HasPrefix(k, "menu.") ||
			strings.HasPrefix(k, "flow.name.")) && keys[k] == "" {
			t.Errorf("catalog key %q is declared by no command", k)
		}
	}
}

// builtKey is a command's catalog key made by joining strings: "help.cmd."+c.name.
var builtKey = regexp.MustCompile(`"(help|menu|flow\.name)\.[a-z_.]*"\s*\+|\+\s*"(help|menu|flow\.name)\.`)

// No command key is built by concatenation any more: such a key is invisible to TestDeclaredKeys
// and shows as "[key]" only at run time.
func TestNoBuiltCommandKeys(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if builtKey.MatchString(line) {
				t.Errorf("%s:%d builds a command's catalog key: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}

// Names and aliases are unique, so a word always means one command, and each sub-verb word one
// verb of its command.
func TestDeclarationsUnique(t *testing.T) {
	t.Parallel()
	seen := map[string]string{}
	for _, c := range commands() {
		for _, n := range append([]string{c.name}, c.aliases...) {
			if n != strings.ToLower(n) {
				t.Errorf("/%s: name %q is not lower case", c.name, n)
			}
			if o, ok := seen[n]; ok {
				t.Errorf("%q names both /%s and /%s", n, o, c.name)
			}
			seen[n] = c.name
		}
		verbs := map[string]bool{}
		for _, v := range c.verbs {
			if v.run == nil || len(v.names) < 2 {
				t.Errorf("/%s %v: a verb needs a handler and its Indonesian and English names", c.name, v.names)
			}
			for _, n := range v.names {
				if verbs[strings.ToLower(n)] {
					t.Errorf("/%s: verb word %q twice", c.name, n)
				}
				verbs[strings.ToLower(n)] = true
			}
		}
	}
}

// One verb per meaning across commands (issue 22): whatever a verb's English name says it does,
// its Indonesian name is the one word for that; older words stay only as aliases after them.
func TestOneVerbPerMeaning(t *testing.T) {
	t.Parallel()
	word := map[string]string{"approve": "setujui", "reject": "tolak", "delete": "hapus", "cancel": "batal", "list": "daftar"}
	for _, c := range commands() {
		for _, v := range c.verbs {
			if want, ok := word[v.names[1]]; ok && v.names[0] != want {
				t.Errorf("/%s %s (%s): means %s, so it is /%s %s", c.name, v.names[0], v.names[1], v.names[1], c.name, want)
			}
			for _, alias := range v.names[2:] {
				if w, ok := word[alias]; ok && w != v.names[0] {
					t.Logf("/%s %s keeps %q as an alias (older form)", c.name, v.names[0], alias)
				}
			}
		}
	}
}

// Every step flow a command leads or free text keeps is found by its stored name.
func TestStepFlowsDeclared(t *testing.T) {
	for _, name := range []string{flowReport, flowEvaluate, flowFree} {
		if f := findFlow(name); f == nil || f.step == nil {
			t.Errorf("flow %q is not declared", name)
		}
	}
	if findFlow("no-such-flow") != nil {
		t.Error("an unknown flow was found")
	}
}

// The declarations give the menus and short help lists the table, dailyCommands and the name
// tests gave before them (issue 22 changes where they are said, not what they are).
func TestMenusAndDailyUnchanged(t *testing.T) {
	t.Parallel()
	e := &Engine{cat: catalog.Must()}
	var menu []string
	for _, c := range e.MenuCommands("id") {
		menu = append(menu, c.Name)
	}
	want := "bantuan lapor riwayat hapus progres kontrak target ajukan tandatangani cuti bahasa batal"
	if got := strings.Join(menu, " "); got != want {
		t.Errorf("menu %q, want %q", got, want)
	}
	var en []string
	for _, c := range e.MenuCommands("en") {
		en = append(en, c.Name)
		if strings.HasPrefix(c.Description, "[") {
			t.Errorf("menu %s: %q", c.Name, c.Description)
		}
	}
	if got := strings.Join(en, " "); got != "help report history delete progress contract target submit sign leave language cancel" {
		t.Errorf("English menu %q", got)
	}
	for role, want := range map[string]string{
		"asn":    "lapor riwayat hapus progres kontrak cuti batal",
		"kepala": "lapor progres cuti tim setujui validasi ingatkan rekap",
		"admin":  "lapor progres evaluate kode libur umumkan",
	} {
		var got []string
		for _, c := range commands() {
			if c.isDaily(role) {
				got = append(got, c.name)
			}
		}
		if strings.Join(got, " ") != want {
			t.Errorf("daily %s: %q, want %q", role, strings.Join(got, " "), want)
		}
	}
}
