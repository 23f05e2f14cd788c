package flows_test

import (
	"bytes"
	"image"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/bot/console"
)

// Evidence photos are people's work documents: the file is readable by the bot's user alone, and
// so is every folder they are kept in, whatever the umask (a 0 umask must not widen them).
func TestEvidencePrivate(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	h := newHarness(t)
	var buf bytes.Buffer
	png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 2, 2)))
	got := strings.Join(h.send(console.Message(budi, "/lapor 1 Cek ruang server #1", &bot.Photo{Name: "b.png", Data: buf.Bytes()}, h.clock.Now())), "\n")
	expect(t, got, "Laporan tercatat")
	files := 0
	err := filepath.WalkDir(filepath.Join(h.dir, "evidence"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := os.Stat(path)
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		} else {
			files++
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s has mode %o, want %o", path, info.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil || files != 1 {
		t.Fatalf("walk evidence: %v, %d files", err, files)
	}
}
