package whatsapp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"image/png"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/types"
	"rsc.io/qr"
)

// A QR code as WhatsApp sends it: ref, noise key, identity key, adv secret, comma-separated.
const fixedCode = "2@Jk3o0yK1pO9ZlP0yT1c1Zc0Hq9n4c3w5Q0hQ7kYb0o3N5r1vB8mX2y==,CdYf8gK0mQ7ZlP0yT1c1Zc0Hq9n4c3w5Q0hQ7kYb0o8=,Vb3n9XyK1pO9ZlP0yT1c1Zc0Hq9n4c3w5Q0hQ7kYb0o=,q9ZlP0yT1c1Zc0Hq9n4c3w5Q0hQ7kYb0o3N5r1vB8mX="

func TestRenderQRDrawsTheCode(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	RenderQR(&buf, fixedCode)
	want, err := qr.Encode(fixedCode, qr.L)
	if err != nil {
		t.Fatal(err)
	}
	// Read the half blocks back into modules: each character is two rows, "█" both light,
	// " " both dark, "▀" light above dark, "▄" dark above light. The quiet zone is 4 modules.
	var rows [][]bool // true = dark
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		line := []rune(sc.Text())
		if len(line) == 0 {
			continue
		}
		top, bottom := make([]bool, len(line)), make([]bool, len(line))
		for i, c := range line {
			switch c {
			case '█':
			case ' ':
				top[i], bottom[i] = true, true
			case '▀':
				bottom[i] = true
			case '▄':
				top[i] = true
			default:
				t.Fatalf("unexpected character %q in the QR drawing", c)
			}
		}
		rows = append(rows, top, bottom)
	}
	const quiet = 4
	if len(rows) < want.Size+2*quiet-1 {
		t.Fatalf("%d rows drawn, want at least %d", len(rows), want.Size+2*quiet-1)
	}
	for y := 0; y < want.Size; y++ {
		for x := 0; x < want.Size; x++ {
			if got := rows[y+quiet][x+quiet]; got != want.Black(x, y) {
				t.Fatalf("module (%d,%d) drawn dark=%v, want %v: the terminal code would not scan", x, y, got, want.Black(x, y))
			}
		}
	}
}

func TestWriteQRPNG(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "whatsapp-qr.png")
	if err := WriteQRPNG(path, fixedCode); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600: a QR code links the number for whoever scans it", fi.Mode().Perm())
	}
	f, _ := os.Open(path)
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	q, err := qr.Encode(fixedCode, qr.M)
	if err != nil {
		t.Fatal(err)
	}
	const quiet = 4
	n := q.Size + 2*quiet // modules a side, with the quiet zone
	dark := func(x, y int) bool { return q.Black(x-quiet, y-quiet) }
	size := img.Bounds().Dx()
	if size < 512 || img.Bounds().Dy() != size {
		t.Fatalf("image %dx%d, want a square of at least 512 pixels", size, img.Bounds().Dy())
	}
	if size/n < 4 {
		t.Fatalf("image %dpx for %d modules: too small to scan from a screen", size, n)
	}
	// The library maps pixels to modules at a scale of size/n: sample each module's centre.
	at := func(m int) int { return int((float64(m) + 0.5) * float64(size) / float64(n)) }
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			r, _, _, _ := img.At(at(x), at(y)).RGBA()
			if got := r < 0x8000; got != dark(x, y) {
				t.Fatalf("module (%d,%d) dark=%v, want %v", x, y, got, dark(x, y))
			}
		}
	}
}

func TestLoginFailsClearlyWhenWhatsAppIsUnreachable(t *testing.T) {
	// Nothing listens on this port: the websocket cannot be opened, as on a server without
	// internet access or behind a firewall.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{Timeout: 2 * time.Second}).DialContext(ctx, network, addr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	err = Login(ctx, LoginOptions{SessionDB: filepath.Join(t.TempDir(), "whatsapp.db"), Out: &out, HTTPClient: &http.Client{Transport: tr}, Log: quiet})
	var le *LoginError
	if !errors.As(err, &le) || le.Key != "wa_login.unreachable" {
		t.Fatalf("Login = %v, want the unreachable error", err)
	}
	if !strings.Contains(le.Args["Error"].(string), "dial") {
		t.Errorf("error %q should say what failed", le.Args["Error"])
	}
	if out.Len() != 0 {
		t.Error("no QR code may be shown without a connection")
	}
}

func TestLoginRefusesALinkedSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "whatsapp.db")
	sess, err := OpenSession(ctx, path, quiet)
	if err != nil {
		t.Fatal(err)
	}
	// A paired device as whatsmeow saves it after a successful pairing.
	id := types.NewADJID("6281199990000", 0, 7)
	sess.Device.ID = &id
	sess.Device.Account = &waAdv.ADVSignedDeviceIdentity{Details: []byte{1}, AccountSignature: make([]byte, 64), AccountSignatureKey: make([]byte, 32), DeviceSignature: make([]byte, 64)}
	if err := sess.Device.Save(ctx); err != nil {
		t.Fatal(err)
	}
	sess.Close()
	err = Login(ctx, LoginOptions{SessionDB: path, Log: quiet})
	var le *LoginError
	if !errors.As(err, &le) || le.Key != "wa_login.already" || le.Args["Number"] != "+6281199990000" {
		t.Fatalf("Login = %v, want 'already linked' naming the number", err)
	}
}

func TestNewWithoutALinkIsAStateNotAnError(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w, err := New(ctx, Config{SessionDB: filepath.Join(t.TempDir(), "whatsapp.db"), Location: jakarta}, quiet)
	if err != nil {
		t.Fatalf("New on an unlinked session: %v (it must not stop the other networks)", err)
	}
	defer w.Close()
	h := w.Health()
	if h.State != "not_linked" || h.CanSend || !strings.Contains(h.Detail, "lapkin whatsapp-login") {
		t.Errorf("health %+v, want not_linked naming `lapkin whatsapp-login`", h)
	}
	if id := w.NewMessageID(); !strings.HasPrefix(id, "3EB0") || len(id) != 22 {
		t.Errorf("message id %q, want whatsmeow's form", id)
	}
	rctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if err := w.Receive(rctx, nil); err != nil {
		t.Errorf("Receive while not linked = %v, want it to wait and return nil at the end", err)
	}
}
