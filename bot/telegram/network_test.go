package telegram_test

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

	"github.com/lapkin-id/lapkin/bot/telegram"
)

// examplePath is config.example.toml at the repository root, which documents every key.
var examplePath = filepath.Join("..", "..", "config.example.toml")

// section is the [telegram] section of a TOML text, a chat.Section decoded as config.Load hands
// a network its section: over what v holds, naming a key v does not have.
type section string

func (s section) Decode(v any) error {
	var all map[string]toml.Primitive
	md, err := toml.Decode(string(s), &all)
	if err != nil {
		return err
	}
	if err := md.PrimitiveDecode(all["telegram"], v); err != nil {
		return fmt.Errorf("telegram: %w", err)
	}
	var errs []error
	for _, k := range md.Undecoded() {
		if len(k) > 1 && k[0] == "telegram" {
			errs = append(errs, fmt.Errorf("%s: unknown key", k))
		}
	}
	return errors.Join(errs...)
}

// configure configures Telegram from file, with LAPKIN_TELEGRAM_TOKEN set to env.
func configure(t *testing.T, file, env string) (telegram.Settings, error) {
	t.Helper()
	t.Setenv(telegram.EnvToken, env)
	setup, err := telegram.Network{}.Configure(section(file))
	if err != nil {
		return telegram.Settings{}, err
	}
	return setup.(*telegram.Setup).Settings, nil
}

func TestConfigure(t *testing.T) {
	example, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		file    string
		env     string // LAPKIN_TELEGRAM_TOKEN
		want    func(s *telegram.Settings)
		wantErr []string // substrings
	}{
		{name: "no section gives defaults", file: "", want: func(*telegram.Settings) {}},
		{name: "the example gives defaults", file: string(example), want: func(*telegram.Settings) {}},
		{
			name: "token from file",
			file: "[telegram]\nenabled = true\ntoken = \"111:file\"\n",
			want: func(s *telegram.Settings) { s.Enabled = true; s.Token = "111:file" },
		},
		{
			name: "env token overrides file token",
			file: "[telegram]\nenabled = true\ntoken = \"111:file\"\n",
			env:  "222:env",
			want: func(s *telegram.Settings) { s.Enabled = true; s.Token = "222:env" },
		},
		{
			name: "env token satisfies enabled telegram",
			file: "[telegram]\nenabled = true\n",
			env:  "222:env",
			want: func(s *telegram.Settings) { s.Enabled = true; s.Token = "222:env" },
		},
		{
			name: "env token without a section",
			env:  "222:env",
			want: func(s *telegram.Settings) { s.Token = "222:env" },
		},
		{
			name: "overrides keep other defaults",
			file: "[telegram]\nmode = \"webhook\"\nsend_private_interval = \"500ms\"\n",
			want: func(s *telegram.Settings) {
				s.Mode = "webhook"
				s.SendPrivateInterval = telegram.Duration{Duration: 500 * time.Millisecond}
			},
		},
		{
			name:    "enabled telegram without any token",
			file:    "[telegram]\nenabled = true\n",
			wantErr: []string{"telegram.token:", telegram.EnvToken},
		},
		{
			name:    "unknown key",
			file:    "[telegram]\ntokne = \"x\"\n",
			wantErr: []string{"telegram.tokne: unknown key"},
		},
		{
			name:    "bad duration names the key",
			file:    "[telegram]\nsend_timeout = 3\n",
			wantErr: []string{"telegram", "send_timeout"},
		},
		{
			name:    "bad duration text",
			file:    "[telegram]\nsend_private_interval = \"3 detik\"\n",
			wantErr: []string{"telegram", "send_private_interval", `invalid duration "3 detik"`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := configure(t, tc.file, tc.env)
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
			want := telegram.DefaultSettings()
			tc.want(&want)
			if got != want {
				t.Errorf("settings\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *telegram.Settings)
		want   []string // substrings of the error; none means valid
	}{
		{name: "defaults", change: func(*telegram.Settings) {}},
		{name: "bad mode", change: func(s *telegram.Settings) { s.Mode = "push" }, want: []string{`telegram.mode: must be "polling" or "webhook"`}},
		{name: "enabled telegram without token", change: func(s *telegram.Settings) { s.Enabled = true },
			want: []string{"telegram.token:", "set telegram.token or LAPKIN_TELEGRAM_TOKEN"}},
		{name: "disabled webhook without url is fine", change: func(s *telegram.Settings) { s.Mode = "webhook" }},
		{name: "enabled webhook without url", change: func(s *telegram.Settings) {
			s.Enabled, s.Token, s.Mode = true, "1:x", "webhook"
		}, want: []string{"telegram.webhook_url: required"}},
		{name: "webhook url not https", change: func(s *telegram.Settings) {
			s.Enabled, s.Token, s.Mode = true, "1:x", "webhook"
			s.WebhookURL = "http://bot.example.go.id/tg"
		}, want: []string{"telegram.webhook_url:", "not an https URL"}},
		{name: "good webhook", change: func(s *telegram.Settings) {
			s.Enabled, s.Token, s.Mode = true, "1:x", "webhook"
			s.WebhookURL = "https://bot.example.go.id/tg"
			s.WebhookSecret = "s3cret_-X-kota-harapan"
		}},
		{name: "bad listen", change: func(s *telegram.Settings) {
			s.Enabled, s.Token, s.Mode = true, "1:x", "webhook"
			s.WebhookURL = "https://bot.example.go.id/tg"
			s.Listen = "8443"
		}, want: []string{"telegram.listen:"}},
		{name: "bad webhook secret", change: func(s *telegram.Settings) { s.WebhookSecret = "has space" },
			want: []string{"telegram.webhook_secret:"}},
		{name: "short webhook secret", change: func(s *telegram.Settings) { s.WebhookSecret = "rahasia" },
			want: []string{"telegram.webhook_secret:", "at least 16"}},
		{name: "webhook without a secret is generated one", change: func(s *telegram.Settings) {
			s.Enabled, s.Token, s.Mode = true, "1:x", "webhook"
			s.WebhookURL = "https://bot.example.go.id/tg"
		}},
		{name: "self-hosted endpoint", change: func(s *telegram.Settings) { s.APIEndpoint = "http://127.0.0.1:8081/bot%s/%s" }},
		{name: "endpoint without verbs", change: func(s *telegram.Settings) { s.APIEndpoint = "https://api.telegram.org/bot" },
			want: []string{"telegram.api_endpoint:"}},
		{name: "telegram limits off", change: func(s *telegram.Settings) {
			s.SendRate, s.SendPrivateInterval, s.SendGroupPerMinute = 0, telegram.Duration{}, 0
		}},
		{name: "negative telegram limits", change: func(s *telegram.Settings) {
			s.SendRate, s.SendPrivateInterval, s.SendGroupPerMinute = -1, telegram.Duration{Duration: -time.Second}, -20
		}, want: []string{"telegram.send_rate: must be 0 (no limit) or more", "telegram.send_private_interval: must not be negative",
			"telegram.send_group_per_minute: must be 0 (no limit) or more"}},
		{name: "no send concurrency", change: func(s *telegram.Settings) { s.SendConcurrency = 0 },
			want: []string{"telegram.send_concurrency: must be between 1 and 64, got 0"}},
		{name: "send timeout beyond the HTTP timeout", change: func(s *telegram.Settings) { s.SendTimeout = telegram.Duration{Duration: 2 * time.Minute} },
			want: []string{"telegram.send_timeout: must be more than 0 and at most 1m0s"}},
		{name: "no send timeout", change: func(s *telegram.Settings) { s.SendTimeout = telegram.Duration{} },
			want: []string{"telegram.send_timeout:"}},
		{name: "every problem reported at once", change: func(s *telegram.Settings) {
			s.Enabled, s.Mode, s.SendConcurrency = true, "push", 0
		}, want: []string{"telegram.token:", "telegram.mode:", "telegram.send_concurrency:"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := telegram.DefaultSettings()
			tc.change(&s)
			err := s.Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want error containing %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to contain %q", err, w)
				}
			}
			// Each problem is on its own line and starts with its key.
			for _, line := range strings.Split(err.Error(), "\n") {
				if key, _, ok := strings.Cut(line, ": "); !ok || strings.ContainsAny(key, " \"") {
					t.Errorf("problem %q does not start with a key", line)
				}
			}
		})
	}
}

// config.example.toml documents every key of [telegram], in lower snake case.
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
	typ := reflect.TypeOf(telegram.Settings{})
	for i := range typ.NumField() {
		tag, _, _ := strings.Cut(typ.Field(i).Tag.Get("toml"), ",")
		if tag == "" || tag != strings.ToLower(tag) || strings.ContainsAny(tag, " -") {
			t.Errorf("field %s: tag %q is not lower snake case", typ.Field(i).Name, tag)
		}
		if !inFile["telegram."+tag] {
			t.Errorf("%s lacks key %q", examplePath, "telegram."+tag)
		}
	}
}
