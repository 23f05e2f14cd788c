package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lapkin-id/lapkin/chat"
)

// Session is the console chat: it reads lines, turns them into messages from the current speaker,
// has them handled, and prints what was delivered. Lines starting with ':' are session commands:
//
//	:as <NIP>                speak as someone
//	:group <KODE>            show what an OPD's group has received
//	:time <YYYY-MM-DDTHH:MM> move the clock and fire the jobs that fell due
//	:foto <file> [caption]   send a photo, the caption being the message text
//	:net tg|wa               show replies as on Telegram (the console's own view) or WhatsApp
//	:quit                    leave
type Session struct {
	In      io.Reader
	Out     io.Writer
	Console *Console
	// Handle handles one message and returns once its effects are committed.
	Handle func(ctx context.Context, m chat.Message) error
	// Deliver sends what is due in the outbox.
	Deliver func(ctx context.Context) error
	Clock   *chat.ManualClock
	Loc     *time.Location
	// Tick, when set, runs the jobs that fell due between two clock positions (issue: scheduler).
	Tick func(ctx context.Context, from, to time.Time) error
	// Script echoes each input line as "<<< line", for a conversation read from a file or pipe.
	Script bool
	// Speaker is who is talking: a console chat id (an NIP for roster members).
	Speaker string
	// Describe names a speaker in the prompt and after :as.
	Describe func(ctx context.Context, id string) string
	// T renders the session's own lines from the message catalog (keys console.*).
	T func(key string, args map[string]any) string
	// SetNet switches how replies are shown (:net); it returns false for a network it does not
	// know. nil: :net is not offered.
	SetNet func(net string) bool
}

// usageError is a session command typed wrongly: its text is a catalog key.
type usageError struct {
	key  string
	args map[string]any
}

func (e *usageError) Error() string { return e.key }

func (s *Session) say(key string, args map[string]any) {
	fmt.Fprintln(s.Out, "*** "+s.T(key, args))
}

// Run reads lines until the input ends, :quit, or ctx is done.
func (s *Session) Run(ctx context.Context) error {
	sc := bufio.NewScanner(s.In)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	s.prompt()
	for sc.Scan() {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		line := strings.TrimSpace(sc.Text())
		if s.Script {
			if line == "" || strings.HasPrefix(line, "#") {
				continue // blank lines and comments structure a script
			}
			fmt.Fprintf(s.Out, "<<< %s\n", line)
		}
		if line == "" {
			s.prompt()
			continue
		}
		quit, err := s.line(ctx, line)
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(s.Out, "!!! "+s.T(ue.key, ue.args))
		} else if err != nil {
			fmt.Fprintf(s.Out, "!!! %v\n", err)
		}
		if quit {
			return nil
		}
		s.prompt()
	}
	return sc.Err()
}

func (s *Session) prompt() {
	if !s.Script {
		fmt.Fprintf(s.Out, "[%s] %s> ", s.Clock.Now().In(s.Loc).Format("2006-01-02 15:04"), s.Speaker)
	}
}

// line handles one input line and reports whether the session should end.
func (s *Session) line(ctx context.Context, line string) (bool, error) {
	if !strings.HasPrefix(line, ":") {
		return false, s.send(ctx, line, nil)
	}
	cmd, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	switch cmd {
	case ":quit", ":q", ":keluar":
		return true, nil
	case ":as":
		if arg == "" {
			return false, &usageError{key: "console.usage_as"}
		}
		s.Speaker = arg
		if s.Describe != nil {
			s.say("console.now_as", map[string]any{"Who": s.Describe(ctx, arg)})
		}
		return false, nil
	case ":group", ":grup":
		if arg == "" {
			return false, &usageError{key: "console.usage_group"}
		}
		got := s.Console.Received(GroupID(strings.ToUpper(arg)))
		s.say("console.group_received", map[string]any{"OPD": strings.ToUpper(arg), "Count": len(got)})
		for _, m := range got {
			fmt.Fprintf(s.Out, "%s\n---\n", strings.TrimRight(m, "\n"))
		}
		return false, nil
	case ":time", ":waktu":
		t, err := time.ParseInLocation("2006-01-02T15:04", arg, s.Loc)
		if err != nil {
			return false, &usageError{key: "console.usage_time"}
		}
		from := s.Clock.Now()
		s.Clock.Set(t)
		s.say("console.time_now", map[string]any{"Time": t.Format("2006-01-02 15:04 MST")})
		if s.Tick != nil && t.After(from) {
			if err := s.Tick(ctx, from, t); err != nil {
				return false, err
			}
		}
		return false, s.Deliver(ctx)
	case ":net":
		if s.SetNet == nil || !s.SetNet(strings.ToLower(arg)) {
			return false, &usageError{key: "console.usage_net"}
		}
		s.say("console.net_now", map[string]any{"Net": strings.ToLower(arg)})
		return false, nil
	case ":foto", ":photo":
		file, caption, _ := strings.Cut(arg, " ")
		if file == "" {
			return false, &usageError{key: "console.usage_photo"}
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return false, &usageError{key: "console.photo_unreadable", args: map[string]any{"File": file}}
		}
		p := &chat.Photo{Name: filepath.Base(file), MIME: http.DetectContentType(data), Data: data}
		return false, s.send(ctx, strings.TrimSpace(caption), p)
	}
	return false, &usageError{key: "console.unknown", args: map[string]any{"Command": cmd}}
}

func (s *Session) send(ctx context.Context, text string, p *chat.Photo) error {
	if err := s.Handle(ctx, Message(s.Speaker, text, p, s.Clock.Now())); err != nil {
		return err
	}
	return s.Deliver(ctx)
}
