package telegramtest

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Telegram's rules for commands and webhook secrets; compiled once, never changed.
var (
	commandPattern = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)
	secretPattern  = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
)

// Commands returns the commands last set for scope and language code ("" for all languages), as
// getMyCommands would; a zero scope means the default scope.
func (s *Server) Commands(scope tgbotapi.BotCommandScope, languageCode string) []tgbotapi.BotCommand {
	if scope.Type == "" {
		scope.Type = "default"
	}
	b, _ := json.Marshal(scope)
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands[string(b)+"\x00"+languageCode])
}

// Webhook returns the URL and secret token of the webhook set with setWebhook, empty when none.
func (s *Server) Webhook() (webhookURL, secretToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhookURL, s.webhookSecret
}

// commandsKey identifies the scope and language_code of a request.
func commandsKey(p url.Values) (string, *apiError) {
	scope := tgbotapi.BotCommandScope{Type: "default"}
	if raw := p.Get("scope"); raw != "" {
		if err := json.Unmarshal([]byte(raw), &scope); err != nil {
			return "", badRequest("can't parse BotCommandScope JSON object")
		}
	}
	switch scope.Type {
	case "default", "all_private_chats", "all_group_chats", "all_chat_administrators":
		scope.ChatID, scope.UserID = 0, 0
	case "chat", "chat_administrators", "chat_member":
	default:
		return "", badRequest("wrong scope type")
	}
	b, _ := json.Marshal(scope)
	return string(b) + "\x00" + p.Get("language_code"), nil
}

func (s *Server) setMyCommands(_ context.Context, p url.Values, _ map[string][]byte) (any, *apiError) {
	key, e := commandsKey(p)
	if e != nil {
		return nil, e
	}
	raw := p.Get("commands")
	if raw == "" {
		return nil, badRequest(`parameter "commands" is required`)
	}
	var cmds []tgbotapi.BotCommand
	if err := json.Unmarshal([]byte(raw), &cmds); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(cmds) > 100 {
		return nil, badRequest("too many commands")
	}
	for _, c := range cmds {
		if !commandPattern.MatchString(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := utf8.RuneCountInString(strings.TrimSpace(c.Description)); n == 0 || n > 256 {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(cmds) == 0 {
		delete(s.commands, key)
	} else {
		s.commands[key] = cmds
	}
	return true, nil
}

func (s *Server) deleteMyCommands(_ context.Context, p url.Values, _ map[string][]byte) (any, *apiError) {
	key, e := commandsKey(p)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.commands, key)
	return true, nil
}

func (s *Server) getMyCommands(_ context.Context, p url.Values, _ map[string][]byte) (any, *apiError) {
	key, e := commandsKey(p)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cmds := slices.Clone(s.commands[key])
	if cmds == nil {
		cmds = []tgbotapi.BotCommand{}
	}
	return cmds, nil
}

// setWebhook stores url and secret_token; the fake delivers nothing to the webhook, but while one
// is set getUpdates answers 409, as Telegram does. An empty url removes the webhook.
func (s *Server) setWebhook(_ context.Context, p url.Values, _ map[string][]byte) (any, *apiError) {
	u, secret := p.Get("url"), p.Get("secret_token")
	if u != "" && !strings.HasPrefix(u, "https://") {
		return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	if secret != "" && !secretPattern.MatchString(secret) {
		return nil, badRequest("bad webhook: secret token contains unallowed characters")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhookURL, s.webhookSecret = u, secret
	if u == "" {
		s.webhookSecret = ""
	}
	if p.Get("drop_pending_updates") == "true" {
		s.pending = nil
	}
	return true, nil
}

func (s *Server) deleteWebhook(_ context.Context, p url.Values, _ map[string][]byte) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhookURL, s.webhookSecret = "", ""
	if p.Get("drop_pending_updates") == "true" {
		s.pending = nil
	}
	return true, nil
}

func (s *Server) getWebhookInfo(context.Context, url.Values, map[string][]byte) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return tgbotapi.WebhookInfo{URL: s.webhookURL, PendingUpdateCount: len(s.pending)}, nil
}
