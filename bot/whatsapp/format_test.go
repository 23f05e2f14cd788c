package whatsapp

import (
	"strings"
	"testing"

	"github.com/lapkin-id/lapkin/bot"
)

func TestFormat(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Kirim /lapor untuk melaporkan kegiatan.", "Kirim lapor untuk melaporkan kegiatan."},
		{"/bantuan – daftar perintah", "bantuan – daftar perintah"},
		{"Contoh: /lapor 3 Verifikasi SPJ #2\n/hapus 12", "Contoh: lapor 3 Verifikasi SPJ #2\nhapus 12"},
		{"(ketik /batal)", "(ketik batal)"},
		{"«/daftar <NIP> <KODE>»", "«daftar <NIP> <KODE>»"},
		// Not commands: a date, a fraction, a path, a link, "dan/atau".
		{"tenggat 2026/12/31, 3/4 selesai", "tenggat 2026/12/31, 3/4 selesai"},
		{"lihat https://lapkin.example.go.id/panduan dan/atau /var/lib", "lihat https://lapkin.example.go.id/panduan dan/atau /var/lib"},
	}
	for _, tt := range tests {
		if got := Format(tt.in); got != tt.want {
			t.Errorf("Format(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRenderShowsNoButtons(t *testing.T) {
	t.Parallel()
	r := bot.Reply{Text: "Periksa laporan Anda:\nBalas 1 untuk menyimpan, 2 untuk membatalkan.",
		Buttons: [][]bot.Button{{{Label: "Simpan", Data: "save"}, {Label: "Batal", Data: "cancel"}}}}
	if got := Render(r); got != r.Text || strings.Contains(got, "Simpan") {
		t.Errorf("Render = %q, want the text alone (its choices are numbered)", got)
	}
	photo := Render(bot.Reply{Text: "📊 Rekap /rekap", Photo: []byte{1}, PhotoName: "rekap.png"})
	if photo != "[foto: rekap.png]\n📊 Rekap rekap" {
		t.Errorf("Render(photo) = %q", photo)
	}
}
