package whatsapp_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/lapkin-id/lapkin/bot/whatsapp"
)

// examplePath is config.example.toml at the repository root, which documents every key.
var examplePath = filepath.Join("..", "..", "config.example.toml")

// section is the [whatsapp] section of a TOML text, a chat.Section decoded as config.Load hands
// a network its section: over what v holds, naming a key v does not have.
type section string

func (s section) Decode(v any) error {
	var all map[string]toml.Primitive
	md, err := toml.Decode(string(s), &all)
	if err != nil {
		return err
	}
	if err := md.PrimitiveDecode(all["whatsapp"], v); err != nil {
		return fmt.Errorf("whatsapp: %w", err)
	}
	var errs []error
	for _, k := range md.Undecoded() {
		if len(k) > 1 && k[0] == "whatsapp" {
			errs = append(errs, fmt.Errorf("%s: unknown key", k))
		}
	}
	return errors.Join(errs...)
}

func TestConfigure(t *testing.T) {
	example, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		file    string
		want    func(s *whatsapp.Settings)
		wantErr []string // substrings
	}{
		{name: "no section gives defaults", file: "", want: func(*whatsapp.Settings) {}},
		{name: "the example gives defaults", file: string(example), want: func(*whatsapp.Settings) {}},
		{
			name: "overrides keep other defaults",
			file: "[whatsapp]\nsend_interval = \"500ms\"\n",
			want: func(s *whatsapp.Settings) { s.SendInterval = whatsapp.Duration{Duration: 500 * time.Millisecond} },
		},
		{
			name: "every key",
			file: "[whatsapp]\nenabled = true\nsession_db = \"/srv/wa.db\"\nsend_interval = \"0s\"\ndaily_cap = 0\n",
			want: func(s *whatsapp.Settings) {
				s.Enabled, s.SessionDB, s.SendInterval, s.DailyCap = true, "/srv/wa.db", whatsapp.Duration{}, 0
			},
		},
		{
			name:    "bad duration names the key",
			file:    "[whatsapp]\nsend_interval = 3\n",
			wantErr: []string{"whatsapp", "send_interval"},
		},
		{
			name:    "unknown key",
			file:    "[whatsapp]\nsession = \"x\"\n",
			wantErr: []string{"whatsapp.session: unknown key"},
		},
		{
			name:    "negative send interval",
			file:    "[whatsapp]\nsend_interval = \"-1s\"\n",
			wantErr: []string{"whatsapp.send_interval: must not be negative"},
		},
		{
			name:    "negative daily cap",
			file:    "[whatsapp]\ndaily_cap = -1\n",
			wantErr: []string{"whatsapp.daily_cap: must not be negative (0 = no cap), got -1"},
		},
		{
			name:    "every problem reported at once",
			file:    "[whatsapp]\nsend_interval = \"-1s\"\ndaily_cap = -1\n",
			wantErr: []string{"whatsapp.send_interval:", "\nwhatsapp.daily_cap:"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			setup, err := whatsapp.Network{}.Configure(section(tc.file))
			if len(tc.wantErr) > 0 {
				if err == nil {
					t.Fatalf("Configure succeeded, want error containing %q", tc.wantErr)
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not contain %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Configure: %v", err)
			}
			want := whatsapp.DefaultSettings()
			tc.want(&want)
			if got := setup.(*whatsapp.Setup).Settings; got != want {
				t.Errorf("settings\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

// An empty session_db is whatsapp.db in the data directory the network is opened with; one that
// is set is used as written.
func TestSessionPath(t *testing.T) {
	tests := []struct {
		name          string
		dataDir, sess string
		want          string
	}{
		{"defaults", "./data", "", filepath.Join("data", "whatsapp.db")},
		{"data dir moves it", "/var/lib/lapkin", "", "/var/lib/lapkin/whatsapp.db"},
		{"explicit path wins", "/var/lib/lapkin", "/srv/wa.db", "/srv/wa.db"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &whatsapp.Setup{Settings: whatsapp.DefaultSettings()}
			s.SessionDB = tc.sess
			if got := s.SessionPath(tc.dataDir); got != tc.want {
				t.Errorf("SessionPath(%q) = %q, want %q", tc.dataDir, got, tc.want)
			}
		})
	}
}

// config.example.toml documents every key of [whatsapp], in lower snake case.
func TestExampleHasEveryKey(t *testing.T) {
	var all map[string]any
	md, err := toml.DecodeFile(examplePath, &all)
	if err != nil {
		t.Fatal(err)
	}
	inFile := map[string]bool{}
	for _, k := range md.Keys() {
		inFile[k.String()] = true
	}
	typ := reflect.TypeOf(whatsapp.Settings{})
	for i := range typ.NumField() {
		tag, _, _ := strings.Cut(typ.Field(i).Tag.Get("toml"), ",")
		if tag == "" || tag != strings.ToLower(tag) || strings.ContainsAny(tag, " -") {
			t.Errorf("field %s: tag %q is not lower snake case", typ.Field(i).Name, tag)
		}
		if !inFile["whatsapp."+tag] {
			t.Errorf("%s lacks key %q", examplePath, "whatsapp."+tag)
		}
	}
}
