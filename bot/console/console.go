// Package console is the stdin/stdout transport: the demo's chat and the harness that tests drive
// conversations through. Every delivered message is printed with its recipient, so a script's
// output shows the whole conversation.
package console

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/lapkin-id/lapkin/chat"
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
	filesDir string // where photos and documents are written; "" prints their names only
	render   func(chat.Reply) string
}

var _ chat.Transport = (*Console)(nil)

// New returns a console transport printing to out.
func New(out io.Writer, names Namer) *Console {
	return &Console{out: out, names: names, received: map[string][]string{}}
}

// SaveFiles makes the console write every photo and document it delivers into dir (created when
// needed) and announce it by its path, so that the demo's charts and exports can be opened.
func (c *Console) SaveFiles(dir string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.filesDir = dir
}

// save writes data as name under the files directory and returns its path. The same bytes under
// the same name are written once; different bytes get "-2", "-3"… before the extension.
func (c *Console) save(name string, data []byte) (string, error) {
	if err := os.MkdirAll(c.filesDir, 0o750); err != nil {
		return "", fmt.Errorf("console: save %s: %w", name, err)
	}
	base := filepath.Base(filepath.Clean("/" + name))
	ext := filepath.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	for i := 1; ; i++ {
		path := filepath.Join(c.filesDir, base)
		if i > 1 {
			path = filepath.Join(c.filesDir, fmt.Sprintf("%s-%d%s", stem, i, ext))
		}
		old, err := os.ReadFile(path)
		if err == nil && bytes.Equal(old, data) {
			return path, nil
		}
		if errors.Is(err, fs.ErrNotExist) {
			if err := os.WriteFile(path, data, 0o640); err != nil {
				return "", fmt.Errorf("console: save %s: %w", name, err)
			}
			return path, nil
		}
		if err != nil {
			return "", fmt.Errorf("console: save %s: %w", name, err)
		}
	}
}

// Net is Net.
func (c *Console) Net() string { return Net }

// SetRender makes the console show replies as another network would (the demo's `--net wa`):
// render turns a reply into the text shown. nil restores the console's own view.
func (c *Console) SetRender(render func(chat.Reply) string) {
	c.mu.Lock()
	c.render = render
	c.mu.Unlock()
}

// Send prints the reply as "--> <Nama> [<NIP>]" or "--> grup <KODE>" followed by its text; a photo
// shows as "[foto: <file>]".
func (c *Console) Send(ctx context.Context, r chat.Reply) error {
	c.mu.Lock()
	render := c.render
	if r.Photo != nil {
		if r.PhotoName == "" {
			r.PhotoName = "foto.png"
		}
		if c.filesDir != "" {
			path, err := c.save(r.PhotoName, r.Photo)
			if err != nil {
				c.mu.Unlock()
				return err
			}
			r.PhotoName = path
		}
	}
	if r.Document != nil && c.filesDir != "" {
		path, err := c.save(r.DocumentName, r.Document)
		if err != nil {
			c.mu.Unlock()
			return err
		}
		r.DocumentName = path
	}
	c.mu.Unlock()
	if render != nil {
		return c.print(ctx, r.To.ID, render(r))
	}
	text := r.Text
	if r.Photo != nil {
		text = fmt.Sprintf("[foto: %s]\n%s", r.PhotoName, text)
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
func Message(from, text string, photo *chat.Photo, at time.Time) chat.Message {
	ref := chat.ChatRef{Net: Net, ID: from}
	return chat.Message{ID: newID(), Chat: ref, Sender: ref, Text: text, Photo: photo, Time: at}
}

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
