package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types/events"
	"rsc.io/qr"
)

// LoginOptions are what `lapkin whatsapp-login` gives Login.
type LoginOptions struct {
	// SessionDB is the session file to link ([whatsapp] session_db).
	SessionDB string
	// Phone, when set, asks for a pairing code for this number instead of a QR code. It must be
	// international, digits only ("6281234567890"): WhatsApp refuses a leading 0.
	Phone string
	// Out receives the QR code drawn in the terminal.
	Out io.Writer
	// Say tells the operator what is happening; key and args are from the message catalog
	// (whatsapp.*.toml, keys wa_login.*).
	Say func(key string, args map[string]any)
	// PNG is where the QR code is also written as an image, for a terminal that cannot show it;
	// default whatsapp-qr.png next to the session file. It is removed when Login returns.
	PNG string
	// DialTimeout bounds reaching WhatsApp's server (default 20 s), so that an unreachable network
	// is reported at once rather than after the system's TCP timeout.
	DialTimeout time.Duration
	// HTTPClient, when set, is the client the websocket is opened with (tests; a proxy).
	HTTPClient *http.Client
	Log        *slog.Logger
}

// LoginError is a failed link, with the catalog key that explains it to the operator.
type LoginError struct {
	Key  string
	Args map[string]any
	Err  error
}

func (e *LoginError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("whatsapp login: %s: %v", e.Key, e.Err)
	}
	return "whatsapp login: " + e.Key
}

func (e *LoginError) Unwrap() error { return e.Err }

// Login links the bot's WhatsApp number to the session file, as a new linked device: it shows a
// QR code to scan in WhatsApp (Settings → Linked devices → Link a device), renewed every 20 s
// for about 160 s, or, with Phone, a pairing code to type on the phone instead. A session that is
// already linked, a network that cannot reach WhatsApp, and a window that ran out each return a
// LoginError saying so.
func Login(ctx context.Context, opt LoginOptions) error {
	if opt.Log == nil {
		opt.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opt.Say == nil {
		opt.Say = func(string, map[string]any) {}
	}
	if opt.DialTimeout == 0 {
		opt.DialTimeout = 20 * time.Second
	}
	if opt.PNG == "" {
		opt.PNG = filepath.Join(filepath.Dir(opt.SessionDB), "whatsapp-qr.png")
	}
	sess, err := OpenSession(ctx, opt.SessionDB, opt.Log)
	if err != nil {
		return &LoginError{Key: "wa_login.session", Args: map[string]any{"File": opt.SessionDB}, Err: err}
	}
	defer sess.Close()
	if sess.Linked() {
		return &LoginError{Key: "wa_login.already", Args: map[string]any{"Number": "+" + sess.Device.ID.User, "File": opt.SessionDB}}
	}

	cli := whatsmeow.NewClient(sess.Device, newWALog(opt.Log, "Login"))
	hc := opt.HTTPClient
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.DialContext = (&net.Dialer{Timeout: opt.DialTimeout, KeepAlive: 30 * time.Second}).DialContext
		tr.TLSHandshakeTimeout = opt.DialTimeout
		hc = &http.Client{Transport: tr}
	}
	cli.SetPreLoginHTTPClient(hc)
	cli.SetWebsocketHTTPClient(hc)
	connected := make(chan struct{}, 1)
	cli.AddEventHandler(func(evt any) {
		if _, ok := evt.(*events.Connected); ok {
			select {
			case connected <- struct{}{}:
			default:
			}
		}
	})

	// The QR channel must exist before connecting; the websocket lives as long as this login.
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	qrs, err := cli.GetQRChannel(lctx)
	if err != nil {
		return &LoginError{Key: "wa_login.failed", Err: err}
	}
	if err := cli.ConnectContext(lctx); err != nil {
		return &LoginError{Key: "wa_login.unreachable", Args: map[string]any{"Error": err.Error()}, Err: err}
	}
	defer cli.Disconnect()
	defer os.Remove(opt.PNG)

	asked := false
	for {
		var item whatsmeow.QRChannelItem
		var ok bool
		select {
		case <-ctx.Done():
			return &LoginError{Key: "wa_login.cancelled", Err: ctx.Err()}
		case item, ok = <-qrs:
		}
		if !ok {
			return &LoginError{Key: "wa_login.timeout"}
		}
		switch item.Event {
		case whatsmeow.QRChannelEventCode:
			if opt.Phone != "" {
				if asked {
					continue
				}
				asked = true
				code, err := cli.PairPhone(lctx, opt.Phone, true, whatsmeow.PairClientChrome, "Chrome (Linux)")
				if err != nil {
					return &LoginError{Key: "wa_login.pair_failed", Args: map[string]any{"Phone": "+" + opt.Phone, "Error": err.Error()}, Err: err}
				}
				opt.Say("wa_login.pair_code", map[string]any{"Code": code, "Phone": "+" + opt.Phone})
				continue
			}
			RenderQR(opt.Out, item.Code)
			if err := WriteQRPNG(opt.PNG, item.Code); err != nil {
				opt.Log.Warn("write QR image", "file", opt.PNG, "err", err)
			}
			opt.Say("wa_login.scan", map[string]any{"File": opt.PNG, "Seconds": int(item.Timeout.Seconds())})
		case whatsmeow.QRChannelSuccess.Event:
			// WhatsApp closes the stream after pairing and whatsmeow reconnects with the new
			// keys; wait for that, so that the first real connection has been made once.
			select {
			case <-connected:
			case <-time.After(30 * time.Second):
			case <-ctx.Done():
			}
			number := ""
			if cli.Store.ID != nil {
				number = "+" + cli.Store.ID.User
			}
			opt.Say("wa_login.done", map[string]any{"Number": number, "File": opt.SessionDB})
			return nil
		case whatsmeow.QRChannelTimeout.Event:
			return &LoginError{Key: "wa_login.timeout"}
		case whatsmeow.QRChannelClientOutdated.Event:
			return &LoginError{Key: "wa_login.outdated"}
		case whatsmeow.QRChannelScannedWithoutMultidevice.Event:
			return &LoginError{Key: "wa_login.failed", Err: errors.New("scanned by a phone without multi-device")}
		default:
			err := item.Error
			if err == nil {
				err = errors.New(item.Event)
			}
			return &LoginError{Key: "wa_login.failed", Err: err}
		}
	}
}

// quietZone is the light margin around a QR code, in modules, that the standard asks for.
const quietZone = 4

// RenderQR draws a QR code in the terminal with half blocks: two rows of modules per line, so
// that it fits an 80×24 terminal and scans from the screen. Light modules are drawn ("█") and dark
// ones left blank, for a terminal's dark background, inside a quiet zone of 4 modules.
func RenderQR(w io.Writer, code string) {
	c, err := qr.Encode(code, qr.L)
	if err != nil {
		fmt.Fprintf(w, "(the QR code cannot be drawn: %v)\n", err)
		return
	}
	n := c.Size + 2*quietZone
	dark := func(x, y int) bool { return y < n && c.Black(x-quietZone, y-quietZone) } // false outside the code
	var b strings.Builder
	for y := 0; y < n; y += 2 {
		for x := range n {
			switch top, bottom := dark(x, y), dark(x, y+1); {
			case top && bottom:
				b.WriteString(" ")
			case top:
				b.WriteString("▄")
			case bottom:
				b.WriteString("▀")
			default:
				b.WriteString("█")
			}
		}
		b.WriteString("\n")
	}
	_, _ = io.WriteString(w, b.String())
}

// WriteQRPNG writes the QR code as a PNG image of at least 512 pixels a side, quiet zone included,
// readable only by its owner (a QR code links the number for whoever scans it first).
func WriteQRPNG(path, code string) error {
	c, err := qr.Encode(code, qr.M)
	if err != nil {
		return err
	}
	n := c.Size + 2*quietZone
	c.Scale = (512 + n - 1) / n
	return os.WriteFile(path, c.PNG(), 0o600)
}
