package config

import (
	"bytes"
	"encoding"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/lapkin-id/lapkin/calendar"
)

// examplePath is config.example.toml at the repository root, which
// operators copy; it must stay in step with Default.
var examplePath = filepath.Join("..", "config.example.toml")

// withoutCache returns a copy of c without the cached location, whose
// internal caches differ between two loads of the same zone.
func withoutCache(c *Config) Config {
	cc := *c
	cc.loc = nil
	cc.file, cc.sections, cc.overlay = "", nil, nil // the networks' sections, which their adapters check
	return cc
}

func assertEqualConfig(t *testing.T, got, want *Config) {
	t.Helper()
	if !reflect.DeepEqual(withoutCache(got), withoutCache(want)) {
		t.Errorf("config differs\n got: %s\nwant: %s", got.Redacted(), want.Redacted())
	}
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoad(t *testing.T) {
	example, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	// The example documents every network's section too; those this package leaves to the
	// networks' own adapters are handed to Load as cmd/lapkin's table does.
	var c Config
	md, err := toml.Decode(string(example), &c)
	if err != nil {
		t.Fatal(err)
	}
	var networks []string
	for _, k := range md.Undecoded() {
		if len(k) == 1 {
			networks = append(networks, k[0])
		}
	}
	const noFile = "\x00no file"
	tests := []struct {
		name    string
		file    string // noFile: Load(""); otherwise written to a temp file
		want    func(c *Config)
		wantErr []string // substrings; "PATH" stands for the file's path
		notErr  []string
	}{
		{name: "no path gives defaults", file: noFile, want: func(*Config) {}},
		{name: "empty file gives defaults", file: "", want: func(*Config) {}},
		{name: "comments only give defaults", file: "# nothing\n\n[app]\n", want: func(*Config) {}},
		{name: "example file gives defaults", file: string(example), want: func(*Config) {}},
		{
			name: "overrides keep other defaults",
			file: `
[app]
timezone = "Asia/Makassar"
[intake]
window = "500ms"
[schedule]
reminder = ["30 15 * * 1-6"]
[evaluation]
w_c = 0.7
w_k = 0.3
[evaluation.bands]
kurang = 50
[holidays]
dates = ["2026-08-17 HUT RI", 2026-12-25]
[admin]
nips = ["198501012010011001"]
[digest]
show_missing = false
[http]
listen = "127.0.0.1:9090"
`,
			want: func(c *Config) {
				c.App.Timezone = "Asia/Makassar"
				c.Intake.Window = Duration{Duration: 500 * time.Millisecond}
				c.Schedule.Reminder = []string{"30 15 * * 1-6"}
				c.Evaluation.WeightAchievement = 0.7
				c.Evaluation.WeightCompliance = 0.3
				c.Evaluation.Bands.Kurang = 50
				c.Holidays.Dates = []Holiday{
					{Date: calendar.New(2026, 8, 17), Name: "HUT RI"},
					{Date: calendar.New(2026, 12, 25)},
				}
				c.Admin.NIPs = []string{"198501012010011001"}
				c.Digest.ShowMissing = false
				c.HTTP.Listen = "127.0.0.1:9090"
			},
		},
		{
			// [telegram] is Telegram's, which config/ does not know: its keys are the network's
			// to check, once Load is told the network has it (bot/telegram tests them).
			name:    "a network's section without the network",
			file:    "[telegram]\ntoken = \"x\"\n",
			wantErr: []string{`PATH: unknown key "telegram"`},
		},
		{
			name:    "unknown top-level key",
			file:    "timezone = \"Asia/Jakarta\"\n",
			wantErr: []string{`PATH: unknown key "timezone"`},
		},
		{
			name:    "unknown section named once",
			file:    "[telegarm]\ntoken = \"x\"\nmode = \"polling\"\n",
			wantErr: []string{`PATH: unknown key "telegarm"`},
			notErr:  []string{"telegarm.token", "telegarm.mode"},
		},
		{
			name:    "every unknown key named",
			file:    "[app]\nlanguge = \"en\"\n[reports]\nmax_txt = 5\n[evaluation.bands]\nbaiks = 1\n",
			wantErr: []string{`unknown key "app.languge"`, `unknown key "reports.max_txt"`, `unknown key "evaluation.bands.baiks"`},
		},
		{
			name:    "validation problems name file and key",
			file:    "[app]\nlanguage = \"fr\"\n[reports]\nmax_text = 0\n",
			wantErr: []string{"PATH: app.language:", "PATH: reports.max_text:"},
		},
		{
			name:    "bad holiday names the key",
			file:    "[holidays]\ndates = [\"2026-02-30 Libur\"]\n",
			wantErr: []string{"PATH:", `"holidays.dates"`, "2026-02-30"},
		},
		{
			name:    "bad duration names the key",
			file:    "[intake]\nwindow = 3\n",
			wantErr: []string{"PATH:", `"intake.window"`},
		},
		{
			name:    "wrong type names the key",
			file:    "[schedule]\nreminder = \"0 14 * * 1-5\"\n",
			wantErr: []string{"PATH:", `"schedule.reminder"`},
		},
		{
			name:    "syntax error",
			file:    "[app\n",
			wantErr: []string{"PATH: toml: line"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := ""
			if tc.file != noFile {
				path = writeFile(t, tc.file)
			}
			var nets []string
			if tc.file == string(example) {
				nets = networks
			}
			got, err := Load(path, nets...)
			if len(tc.wantErr) > 0 {
				if err == nil {
					t.Fatalf("Load succeeded, want error containing %q", tc.wantErr)
				}
				for _, w := range tc.wantErr {
					w = strings.ReplaceAll(w, "PATH", path)
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not contain %q", err, w)
					}
				}
				for _, n := range tc.notErr {
					if strings.Contains(err.Error(), n) {
						t.Errorf("error %q contains %q", err, n)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			want := Default()
			tc.want(want)
			assertEqualConfig(t, got, want)
			if got.Location().String() != want.App.Timezone {
				t.Errorf("Location() = %s, want %s", got.Location(), want.App.Timezone)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nope.toml")
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("Load(%q) error = %v, want one naming the path", path, err)
	}
}

// leafKeys lists the dotted TOML key of every setting in t, recursing into
// sections but not into types that decode themselves (Duration, Holiday).
func leafKeys(t reflect.Type, prefix string) []string {
	var keys []string
	textType := reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		key := prefix + name
		if f.Type.Kind() == reflect.Struct && !reflect.PointerTo(f.Type).Implements(textType) {
			keys = append(keys, leafKeys(f.Type, key+".")...)
			continue
		}
		keys = append(keys, key)
	}
	return keys
}

func TestExampleHasEveryKey(t *testing.T) {
	t.Parallel()
	var c Config
	md, err := toml.DecodeFile(examplePath, &c)
	if err != nil {
		t.Fatal(err)
	}
	inFile := map[string]bool{}
	for _, k := range md.Keys() {
		inFile[k.String()] = true
	}
	keys := leafKeys(reflect.TypeOf(Config{}), "")
	if len(keys) < 30 {
		t.Fatalf("found only %d keys (%v): is every field tagged?", len(keys), keys)
	}
	for _, k := range keys {
		if !inFile[k] {
			t.Errorf("%s lacks key %q", examplePath, k)
		}
	}
}

func TestTOMLTagsAreSnakeCase(t *testing.T) {
	t.Parallel()
	for _, k := range leafKeys(reflect.TypeOf(Config{}), "") {
		for _, part := range strings.Split(k, ".") {
			if part == "" || part != strings.ToLower(part) || strings.ContainsAny(part, " -") {
				t.Errorf("key %q: part %q is not lower snake case (missing toml tag?)", k, part)
			}
		}
	}
}

func TestDefaultIsValidAndFresh(t *testing.T) {
	t.Parallel()
	a, b := Default(), Default()
	if err := a.Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
	a.Schedule.Reminder[0] = "changed"
	if b.Schedule.Reminder[0] == "changed" {
		t.Error("Default() values share the reminder slice")
	}
}

func TestPaths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		dataDir, db string
		wantDB      string
	}{
		// The WhatsApp session's path is bot/whatsapp's (TestSessionPath there).
		{"defaults", "./data", "", filepath.Join("data", "lapkin.db")},
		{"data dir moves it", "/var/lib/lapkin", "", "/var/lib/lapkin/lapkin.db"},
		{"explicit path wins", "/var/lib/lapkin", "/srv/db.sqlite", "/srv/db.sqlite"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			c.App.DataDir, c.App.Database = tc.dataDir, tc.db
			if got := c.DatabasePath(); got != tc.wantDB {
				t.Errorf("DatabasePath() = %q, want %q", got, tc.wantDB)
			}
		})
	}
}

func TestLocation(t *testing.T) {
	t.Parallel()
	c := Default()
	if got := c.Location().String(); got != "Asia/Jakarta" {
		t.Errorf("Default().Location() = %s", got)
	}
	// WIB is UTC+7 all year: Indonesia has no daylight saving time.
	if _, off := time.Date(2026, 7, 1, 12, 0, 0, 0, c.Location()).Zone(); off != 7*3600 {
		t.Errorf("Asia/Jakarta offset = %d, want %d", off, 7*3600)
	}
	c.App.Timezone = "Asia/Jayapura"
	if got := c.Location().String(); got != "Asia/Jayapura" {
		t.Errorf("after changing app.timezone, Location() = %s", got)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.loc == nil || c.loc.String() != "Asia/Jayapura" {
		t.Errorf("Validate did not cache the location: %v", c.loc)
	}
}

func TestRedacted(t *testing.T) {
	t.Parallel()
	const token = "123456789:AAHsecretTOKENvalue"
	const secret = "webhookSECRETvalue"
	// The secrets are in a network's section, from the file and from Set: the Config holds them
	// for the network and never prints them.
	path := writeFile(t, "[telegram]\nenabled = true\ntoken = \""+token+"\"\n")
	c, err := Load(path, "telegram")
	if err != nil {
		t.Fatal(err)
	}
	c.Set("telegram.webhook_secret", secret)

	var jsonLog, textLog bytes.Buffer
	slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("config", "config", c)
	slog.New(slog.NewTextHandler(&textLog, nil)).Info("config", "config", c)

	outputs := map[string]string{
		"Redacted":  c.Redacted(),
		"String":    c.String(),
		"%v":        fmt.Sprintf("%v", c),
		"%+v":       fmt.Sprintf("%+v", c),
		"%#v":       fmt.Sprintf("%#v", c),
		"%s":        fmt.Sprintf("%s", c),
		"slog json": jsonLog.String(),
		"slog text": textLog.String(),
	}
	for name, out := range outputs {
		if strings.Contains(out, token) || strings.Contains(out, "AAHsecret") {
			t.Errorf("%s shows the token: %s", name, out)
		}
		if strings.Contains(out, secret) {
			t.Errorf("%s shows the webhook secret: %s", name, out)
		}
	}
	if r := c.Redacted(); !strings.Contains(r, `timezone = "Asia/Jakarta"`) {
		t.Errorf("Redacted() should show the other settings:\n%s", r)
	}
	var tg struct {
		Enabled       bool   `toml:"enabled"`
		Token         string `toml:"token"`
		WebhookSecret string `toml:"webhook_secret"`
	}
	if err := c.Section("telegram").Decode(&tg); err != nil || tg.Token != token || tg.WebhookSecret != secret {
		t.Errorf("Redacted modified the configuration: %+v, %v", tg, err)
	}
}

func TestRedactedLoadsBack(t *testing.T) {
	want := Default()
	want.App.Timezone = "Asia/Makassar"
	want.Holidays.Dates = []Holiday{{Date: calendar.New(2026, 8, 17), Name: "HUT RI"}}
	want.Intake.Window = Duration{Duration: 1500 * time.Millisecond}
	got, err := Load(writeFile(t, want.Redacted()))
	if err != nil {
		t.Fatal(err)
	}
	assertEqualConfig(t, got, want)
}

// A section of a network the config package does not know is kept for the network, which
// decodes it over its own defaults and hears of a key it does not have.
func TestNetworkSection(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte("[email]\nenabled = true\nhost = \"imap.example.go.id\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "email") {
		t.Fatalf("an unknown section was accepted: %v", err)
	}
	c, err := Load(path, "email")
	if err != nil {
		t.Fatal(err)
	}
	type settings struct {
		Enabled bool   `toml:"enabled"`
		Host    string `toml:"host"`
		Port    int    `toml:"port"`
	}
	s := settings{Port: 993}
	if err := c.Section("email").Decode(&s); err != nil || !s.Enabled || s.Host != "imap.example.go.id" || s.Port != 993 {
		t.Fatalf("decoded %+v, %v", s, err)
	}
	var short struct {
		Enabled bool `toml:"enabled"`
	}
	if err := c.Section("email").Decode(&short); err == nil || !strings.Contains(err.Error(), "email.host") {
		t.Fatalf("a key the network does not have: %v", err)
	}
	if err := c.Section("sms").Decode(&short); err != nil {
		t.Fatalf("a section the file does not have: %v", err)
	}
}

// Set gives a network's keys over the file's, as the tests and `lapkin bench` configure a network
// without writing a file; nil takes a key back; a copy made before does not see it.
func TestSet(t *testing.T) {
	type imap struct {
		Host string `toml:"host"`
		Port int    `toml:"port"`
	}
	type settings struct {
		Enabled  bool     `toml:"enabled"`
		Host     string   `toml:"host"`
		Port     int      `toml:"port"`
		Interval Duration `toml:"interval"`
		IMAP     imap     `toml:"imap"`
	}
	path := writeFile(t, "[email]\nenabled = true\nhost = \"imap.example.go.id\"\n")
	c, err := Load(path, "email")
	if err != nil {
		t.Fatal(err)
	}
	before := *c
	c.Set("email.host", "mail.kota.go.id")
	c.Set("email.interval", "90s")
	c.Set("email.imap.port", 993)
	c.Set("sms.enabled", true)
	s := settings{Port: 25}
	if err := c.Section("email").Decode(&s); err != nil {
		t.Fatal(err)
	}
	want := settings{Enabled: true, Host: "mail.kota.go.id", Port: 25, Interval: Duration{Duration: 90 * time.Second}, IMAP: imap{Port: 993}}
	if s != want {
		t.Errorf("decoded %+v, want %+v", s, want)
	}
	var sms struct {
		Enabled bool `toml:"enabled"`
	}
	if err := c.Section("sms").Decode(&sms); err != nil || !sms.Enabled {
		t.Errorf("a section only Set gives: %+v, %v", sms, err)
	}
	var old settings
	if err := before.Section("email").Decode(&old); err != nil || old.Host != "imap.example.go.id" || old.IMAP.Port != 0 {
		t.Errorf("a copy made before Set sees it: %+v, %v", old, err)
	}
	c.Set("email.host", nil)
	s = settings{}
	if err := c.Section("email").Decode(&s); err != nil || s.Host != "imap.example.go.id" {
		t.Errorf("after Set(nil) the file's value should hold again: %+v, %v", s, err)
	}
	c.Set("email.hots", "x")
	if err := c.Section("email").Decode(&s); err == nil || !strings.Contains(err.Error(), "email.hots: unknown key") {
		t.Errorf("a key the network does not have, given by Set: %v", err)
	}
}
