package flows_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/flows"
	"github.com/lapkin-id/lapkin/store"
)

var update = flag.Bool("update", false, "rewrite golden files")

func (h *harness) lastTo(who string) string {
	got := h.con.Received(who)
	if len(got) == 0 {
		return ""
	}
	return got[len(got)-1]
}

func (h *harness) contracts(nip string) []store.Contract {
	h.t.Helper()
	var out []store.Contract
	rows, err := h.st.DB().Query(`SELECT id FROM contracts WHERE nip = ? ORDER BY version`, nip)
	if err != nil {
		h.t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		h.st.View(context.Background(), func(tx *store.Tx) error {
			c, err := tx.ContractByID(context.Background(), id)
			out = append(out, c)
			return err
		})
	}
	return out
}

func TestContractLifecycle(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	expect(t, h.say(siti, "/kontrak"), "belum memiliki kontrak kinerja tahun 2026", "/target")

	// Drafting, with every refusal saying what is expected.
	expect(t, h.say(siti, "/target Rekonsiliasi kas"), "Format belum sesuai", "/target <uraian> | <jumlah> <satuan> | <tenggat>")
	expect(t, h.say(siti, "/target Rekonsiliasi kas | nol laporan | 31-12-2026"), "Jumlah target")
	expect(t, h.say(siti, "/target Rekonsiliasi kas | 12 | 31-12-2026"), "Satuan target")
	expect(t, h.say(siti, "/target Rekonsiliasi kas | 12 laporan | 2027-01-31"), "dalam tahun kontrak 2026")
	expect(t, h.say(siti, "/target Rekonsiliasi kas | 12 laporan | 2026-11-20"), "sudah lewat")
	expect(t, h.say(siti, "/target Rekonsiliasi kas | 12 laporan | 32-12-2026"), "Tenggat \"32-12-2026\" belum sesuai")
	expect(t, h.say(siti, "/submit"), "belum memiliki target")
	expect(t, h.say(siti, "/target Rekonsiliasi kas bulanan | 12 laporan | 31-12-2026"), "Target 1 ditambahkan", "1. Rekonsiliasi kas bulanan: 12 laporan, tenggat 31 Des 2026")
	expect(t, h.say(siti, "/target Salah ketik | 1 berkas | 31-12-2026"), "Target 2 ditambahkan")
	expect(t, h.say(siti, "/target Penyusunan LPJ | 4 dokumen | 30-12-2026 | bobot 2"), "Target 3 ditambahkan", "bobot 2")
	got := h.say(siti, "/target hapus 2")
	expect(t, got, "Target 2 dihapus", "2. Penyusunan LPJ: 4 dokumen")
	reject(t, got, "Salah ketik")
	expect(t, h.say(siti, "/target hapus 9"), "Target nomor 9 tidak ada")

	// Submit: the supervisor (atasan_nip = the head) gets the content.
	expect(t, h.say(siti, "/ajukan"), "diajukan kepada Drs. Ahmad Fauzi")
	expect(t, h.lastTo(kepala), "Bapak Ahmad, kontrak kinerja 2026 versi 1 dari Siti Rahma", "1. Rekonsiliasi kas bulanan", "/setujui "+siti)
	expect(t, h.say(siti, "/target Tambahan | 1 berkas | 31-12-2026"), "menunggu persetujuan atasan")
	expect(t, h.say(siti, "/ajukan"), "sudah diajukan")

	// Refusals: staff may not decide; a head may not decide his own.
	expect(t, h.say(budi, "/setujui "+siti), "tidak tersedia untuk peran Anda")
	expect(t, h.say(kepala, "/tolak "+siti), "Format belum sesuai")
	expect(t, h.say(kepala, "/setujui"), "1 kontrak menunggu", "Siti Rahma")

	// Reject with a reason; she revises and submits again.
	expect(t, h.say(kepala, "/tolak "+siti+" Target 1 perlu tenggat per triwulan"), "dikembalikan")
	expect(t, h.lastTo(siti), "dikembalikan oleh Drs. Ahmad Fauzi", "Alasan: Target 1 perlu tenggat per triwulan")
	expect(t, h.say(siti, "/kontrak"), "dikembalikan untuk diperbaiki", "Alasan dikembalikan: Target 1 perlu tenggat per triwulan")
	expect(t, h.say(siti, "/tandatangani"), "hanya dapat ditandatangani setelah disetujui")
	expect(t, h.say(siti, "/target Rekonsiliasi kas triwulan IV | 3 laporan | 31-12-2026"), "Target 3 ditambahkan")
	expect(t, h.say(siti, "/ajukan"), "diajukan")
	expect(t, h.say(kepala, "/setujui "+siti), "disetujui")
	expect(t, h.lastTo(siti), "disetujui oleh Drs. Ahmad Fauzi", "/tandatangani")

	// Sign: the receipt is the SHA-256 of the canonical text, recomputable from the database.
	h.clock.Set(time.Date(2026, 11, 23, 10, 30, 0, 0, jakarta))
	got = h.say(siti, "/tandatangani")
	expect(t, got, "ditandatangani pada Senin, 23 November 2026 10.30", "SHA-256")
	hash := regexp.MustCompile(`[0-9a-f]{64}`).FindString(got)
	cs := h.contracts(siti)
	if len(cs) != 1 || cs[0].Status != store.ContractSigned || cs[0].SHA256 != hash {
		t.Fatalf("contracts %+v, receipt %s", cs, hash)
	}
	var emp, sup store.Employee
	var opd store.OPD
	h.st.View(context.Background(), func(tx *store.Tx) error {
		emp, _ = tx.Employee(context.Background(), siti)
		sup, _ = tx.Employee(context.Background(), kepala)
		opd, _ = tx.OPD(context.Background(), "DISKOMINFO")
		return nil
	})
	sum := sha256.Sum256([]byte(flows.CanonicalContract(&cs[0], &emp, &opd, &sup, cs[0].SignedAt.In(jakarta))))
	if hex.EncodeToString(sum[:]) != hash {
		t.Fatal("the receipt does not match the canonical text recomputed from the database")
	}
	expect(t, h.lastTo(kepala), "telah menandatangani kontrak kinerja versi 1")

	// A signed contract is never changed in place, not even by SQL.
	if _, err := h.st.DB().Exec(`UPDATE targets SET quantity = 1 WHERE contract_id = ?`, cs[0].ID); err == nil {
		t.Fatal("a signed target was changed")
	}
	if _, err := h.st.DB().Exec(`UPDATE contracts SET sha256 = 'x' WHERE id = ?`, cs[0].ID); err == nil {
		t.Fatal("a signed contract was changed")
	}

	// Reports count against the signed targets; a revision after signing is a new version and the
	// signed one stays in force until the revision is signed.
	h.say(siti, "/lapor 2 Rekonsiliasi kas Oktober #1")
	got = h.say(siti, "/target Pelaporan pajak | 12 dokumen | 31-12-2026")
	expect(t, got, "Revisi dimulai sebagai versi 2", "Versi 1 yang sudah ditandatangani tetap berlaku", "4. Pelaporan pajak")
	expect(t, h.say(siti, "/kontrak"), "versi 2: draf", "Yang berlaku saat ini: versi 1")
	expect(t, h.say(siti, "/lapor 1 Rekonsiliasi kas #1"), "Realisasi target #1: 3 dari 12 laporan")
	expect(t, h.say(siti, "/lapor 1 Pajak #4"), "Target #4 tidak ada")
	h.say(siti, "/ajukan")
	h.say(kepala, "/setujui "+siti)
	h.clock.Advance(time.Hour)
	h.say(siti, "/tandatangani")
	cs = h.contracts(siti)
	if len(cs) != 2 || cs[0].Status != store.ContractSuperseded || cs[1].Status != store.ContractSigned || cs[0].SHA256 != hash {
		t.Fatalf("after the revision: %+v", cs)
	}
	// The reports made against version 1 still count for the carried target.
	expect(t, h.say(siti, "/lapor 1 Rekonsiliasi kas #1"), "Realisasi target #1: 4 dari 12 laporan")
	expect(t, h.say(siti, "/lapor 1 SPT masa #4"), "Realisasi target #4: 1 dari 12 dokumen")
}

func TestContractRefusals(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// A head of another OPD, and the head deciding for himself, are refused; an admin may decide.
	expect(t, h.say(kepala, "/setujui "+admin), "tidak ditemukan")
	expect(t, h.say(kepala, "/setujui 12345"), "18 angka")
	expect(t, h.say(kepala, "/setujui "+siti), "Tidak ada kontrak Siti Rahma yang menunggu")
	h.say(siti, "/target Rekonsiliasi kas | 12 laporan | 31-12-2026")
	h.say(siti, "/ajukan")
	expect(t, h.say(admin, "/setujui "+siti), "disetujui")
	expect(t, h.say(siti, "/ajukan"), "sudah disetujui")
	// Editing an approved contract sends it back to draft.
	expect(t, h.say(siti, "/target Laporan pajak | 12 dokumen | 31-12-2026"), "kembali menjadi draf")
	expect(t, h.say(siti, "/tandatangani"), "Status kontrak Anda: draf")
}

func TestCanonicalContractGolden(t *testing.T) {
	t.Parallel()
	decided := time.Date(2026, 1, 6, 8, 15, 0, 0, time.UTC)
	c := &store.Contract{Year: 2026, Version: 2, Decision: store.ContractDecision{DecidedBy: "197001011995031001", DecidedAt: &decided},
		Targets: []store.Target{
			{N: 1, Description: "Pemeliharaan server dan jaringan", Quantity: 12, Unit: "laporan", DueDate: "2026-12-31", Weight: 1},
			{N: 2, Description: "Verifikasi dokumen SPJ", Quantity: 120.5, Unit: "dokumen", DueDate: "2026-06-30", Weight: 2},
		}}
	emp := &store.Employee{NIP: "198806202014031004", Name: "Budi Santoso", Position: "Pranata Komputer", OPDCode: "DISKOMINFO"}
	opd := &store.OPD{Code: "DISKOMINFO", Name: "Dinas Komunikasi dan Informatika"}
	sup := &store.Employee{NIP: "197001011995031001", Name: "Drs. Ahmad Fauzi, M.Si."}
	text := flows.CanonicalContract(c, emp, opd, sup, time.Date(2026, 1, 7, 9, 30, 0, 0, jakarta))
	sum := sha256.Sum256([]byte(text))
	got := text + "SHA-256: " + hex.EncodeToString(sum[:]) + "\n"
	const golden = "testdata/contract.golden"
	if *update {
		os.WriteFile(golden, []byte(got), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Fatalf("canonical contract changed (every future receipt would differ):\n%s", got)
	}
	if !strings.Contains(got, "2. Verifikasi dokumen SPJ | 120.5 dokumen | tenggat 2026-06-30 | bobot 2") {
		t.Fatal("targets not in canonical form")
	}
}

// A supervisor named as atasan_nip who is not the head of an OPD (a sekretaris, a kabid) decides
// the contracts of their own direct reports, and sees only them.
func TestAtasanWhoIsNotHead(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// Budi reports to Siti (staff role in the roster) instead of the head.
	if _, err := h.st.DB().Exec(`UPDATE employees SET supervisor_nip = ? WHERE nip = ?`, siti, budi); err != nil {
		t.Fatal(err)
	}
	h.say(budi, "/target Rekap kepegawaian | 4 laporan | 31-12-2026")
	expect(t, h.say(budi, "/ajukan"), "diajukan kepada Siti Rahma")
	expect(t, h.lastTo(siti), "menunggu persetujuan Anda", "/setujui "+budi)
	expect(t, h.say(siti, "/bantuan"), "/setujui <NIP>", "/tim")
	expect(t, h.say(siti, "/tim"), "Budi Santoso")
	reject(t, h.say(siti, "/tim"), "Rina")
	expect(t, h.say(siti, "/pegawai "+rina), "tidak ditemukan")
	expect(t, h.say(siti, "/setujui "+budi), "disetujui")
	expect(t, h.lastTo(budi), "disetujui oleh Siti Rahma")
	// Her own staff role still bars the admin's and the head's own business.
	expect(t, h.say(siti, "/kode "+rina), "tidak tersedia untuk peran Anda")
	// Budi, who supervises no one, still has no supervisor's commands.
	expect(t, h.say(budi, "/tim"), "tidak tersedia untuk peran Anda")
}
