// Package console is the stdin/stdout transport: the demo's chat and the harness that tests drive
// conversations through. Every delivered message is printed with its recipient, so a script's
// output shows the whole conversation.
package console

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/lapkin-id/lapkin/bot"
)

// GroupPrefix starts the chat id of a console group: "grup:DISKOMINFO".
const GroupPrefix = "grup:"

// GroupID returns the console chat id of an OPD's group.
func GroupID(opd string) string { return GroupPrefix + opd }

// Namer returns how a recipient is shown: "Siti Rahmawati [198503122010012003]". ok is false for
// a chat the roster does not know.
type Namer func(ctx context.Context, chatID string) (name string, ok bool)

// Console delivers replies by printing them, and keeps what each chat received.
type Console struct {
	mu       sync.Mutex
	out      io.Writer
	names    Namer
	received map[string][]string
	render   func(bot.Reply) string
}

var _ bot.Transport = (*Console)(nil)

// New returns a console transport printing to out.
func New(out io.Writer, names Namer) *Console {
	return &Console{out: out, names: names, received: map[string][]string{}}
}

// Net is bot.NetConsole.
func (c *Console) Net() string { return bot.NetConsole }

// SetRender makes the console show replies as another network would (the demo's `--net wa`):
// render turns a reply into the text shown. nil restores the console's own view.
func (c *Console) SetRender(render func(bot.Reply) string) {
	c.mu.Lock()
	c.render = render
	c.mu.Unlock()
}

// Send prints the reply as "--> <Nama> [<NIP>]" or "--> grup <KODE>" followed by its text; a photo
// shows as "[foto: <file>]".
func (c *Console) Send(ctx context.Context, r bot.Reply) error {
	c.mu.Lock()
	render := c.render
	c.mu.Unlock()
	if render != nil {
		return c.print(ctx, r.To.ID, render(r))
	}
	text := r.Text
	if r.Photo != nil {
		name := r.PhotoName
		if name == "" {
			name = "foto.png"
		}
		text = fmt.Sprintf("[foto: %s]\n%s", name, text)
	}
	if r.Document != nil {
		text = fmt.Sprintf("[berkas: %s, %d byte]\n%s", r.DocumentName, len(r.Document), text)
	}
	return c.print(ctx, r.To.ID, text)
}

func (c *Console) print(ctx context.Context, to, text string) error {
	label := c.label(ctx, to)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.received[to] = append(c.received[to], text)
	_, err := fmt.Fprintf(c.out, "--> %s\n%s\n", label, strings.TrimRight(text, "\n"))
	return err
}

func (c *Console) label(ctx context.Context, id string) string {
	if opd, ok := strings.CutPrefix(id, GroupPrefix); ok {
		return "grup " + opd
	}
	if c.names != nil {
		if name, ok := c.names(ctx, id); ok {
			return fmt.Sprintf("%s [%s]", name, id)
		}
	}
	return "[" + id + "]"
}

// Received returns the texts chat id has received so far.
func (c *Console) Received(id string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.received[id]...)
}

// Message builds the inbound message a console user types. Its id is random, so a restarted demo
// on the same database is never mistaken for a redelivery.
func Message(from, text string, photo *bot.Photo, at time.Time) bot.Message {
	ref := bot.ChatRef{Net: bot.NetConsole, ID: from}
	return bot.Message{ID: newID(), Chat: ref, Sender: ref, Text: text, Photo: photo, Time: at}
}

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
