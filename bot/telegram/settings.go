package telegram

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/lapkin-id/lapkin/chat"
)

// Bounds of the sender's settings.
const (
	maxSendConcurrency = 64
	// A long poll holds the HTTP client for up to 50 s and its timeout is 65 s: a send's own
	// deadline must come well before, or a swallowed send holds its chat that long.
	maxSendTimeout = time.Minute
	// minWebhookSecret is the shortest webhook secret accepted: 16 characters of a 64-letter
	// alphabet are 96 bits when chosen at random.
	minWebhookSecret = 16
)

// Validate checks the settings and returns every problem found, joined with errors.Join, each on
// its own line starting with the key it concerns ("telegram.token: …"). The token, the webhook
// URL and the listen address are only required of an enabled network.
func (t Settings) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("telegram.%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if t.Mode != "polling" && t.Mode != "webhook" {
		bad("mode", "must be \"polling\" or \"webhook\", got %q", t.Mode)
	}
	// "%s/" is not a valid URL escape, so parse the URL with the verbs filled in, as the Bot API
	// client will.
	filled := strings.ReplaceAll(t.APIEndpoint, "%s", "x")
	if u, err := url.Parse(filled); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		strings.Count(t.APIEndpoint, "%s") != 2 || strings.Count(t.APIEndpoint, "%") != 2 {
		bad("api_endpoint", "must be an http(s) URL with two %%s (token, method), such as \"http://host:8081/bot%%s/%%s\"")
	}
	// Empty is fine: webhook mode then generates a secret on the first start and keeps it in the
	// database (WebhookSecret). One that is set must be hard to guess.
	if t.WebhookSecret != "" && !isWebhookSecret(t.WebhookSecret) {
		bad("webhook_secret", "must be 1 to 256 characters from A-Z, a-z, 0-9, _ and -")
	} else if t.WebhookSecret != "" && len(t.WebhookSecret) < minWebhookSecret {
		bad("webhook_secret", "must be at least %d characters, or empty to let Lapkin generate one", minWebhookSecret)
	}
	if t.SendRate < 0 {
		bad("send_rate", "must be 0 (no limit) or more, got %d; Telegram allows 30", t.SendRate)
	}
	if t.SendPrivateInterval.Duration < 0 {
		bad("send_private_interval", "must not be negative, got %s; Telegram allows one message a second to a person (\"1s\")", t.SendPrivateInterval)
	}
	if t.SendGroupPerMinute < 0 {
		bad("send_group_per_minute", "must be 0 (no limit) or more, got %d; Telegram allows 20", t.SendGroupPerMinute)
	}
	if t.SendConcurrency < 1 || t.SendConcurrency > maxSendConcurrency {
		bad("send_concurrency", "must be between 1 and %d, got %d", maxSendConcurrency, t.SendConcurrency)
	}
	if d := t.SendTimeout.Duration; d <= 0 || d > maxSendTimeout {
		bad("send_timeout", "must be more than 0 and at most %s, got %s", maxSendTimeout, t.SendTimeout)
	}
	if !t.Enabled {
		return errors.Join(errs...)
	}
	if t.Token == "" {
		bad("token", "required when telegram.enabled is true; set telegram.token or %s", EnvToken)
	}
	if t.Mode == "webhook" {
		if t.WebhookURL == "" {
			bad("webhook_url", "required when telegram.mode is \"webhook\"")
		} else if u, err := url.Parse(t.WebhookURL); err != nil || u.Scheme != "https" || u.Host == "" {
			bad("webhook_url", "%q is not an https URL; Telegram only calls HTTPS webhooks", t.WebhookURL)
		}
		if _, _, err := net.SplitHostPort(t.Listen); err != nil {
			bad("listen", "%q is not a host:port address such as \"127.0.0.1:8443\"", t.Listen)
		}
	}
	return errors.Join(errs...)
}

// isWebhookSecret reports whether s is a secret_token Telegram accepts.
func isWebhookSecret(s string) bool {
	if len(s) < 1 || len(s) > 256 {
		return false
	}
	for _, r := range s {
		ok := r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-'
		if !ok {
			return false
		}
	}
	return true
}

// Duration is a duration in the section, written as a Go duration string ("3s", "500ms").
type Duration = chat.Duration
