package flows_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lapkin-id/lapkin/store"
)

// Budi's contract in the harness is signed 5 Jan 2026 with #1 12 laporan and #2 120 dokumen, both
// due 31 Dec 2026: a span of 360 days. The base scenario, evaluated over 2–13 Nov 2026:
//   - on 30 Oct (before the period) he reported 9 laporan for #1 and 52 dokumen for #2;
//   - he reported (text only) on 2, 3, 4, 5, 6, 9, 11 and 12 Nov: 8 of the 10 weekdays.
//
// At 13 Nov, 312 days of the 360 have elapsed (26+28+31+30+31+30+31+31+30+31 = 299 to 31 Oct,
// plus 13): expected #1 = 12 × 312/360 = 10,4 and #2 = 120 × 312/360 = 104.
//
//	C = ((9/10,4 = 86,538%) + (52/104 = 50%)) / 2 = 68,269%
var reportDays = []string{"2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06", "2026-11-09", "2026-11-11", "2026-11-12"}

func (h *harness) seedReports(nip string, status string, targets map[int]float64) {
	h.t.Helper()
	ctx := context.Background()
	err := h.st.Update(ctx, func(tx *store.Tx) error {
		emp, err := tx.Employee(ctx, nip)
		if err != nil {
			return err
		}
		var c store.Contract
		if len(targets) > 0 {
			if c, err = tx.SignedContract(ctx, nip, 2026); err != nil {
				return err
			}
		}
		for n, q := range targets {
			for _, t := range c.Targets {
				if t.N == n {
					id, qty := t.ID, q
					if _, err := tx.AddReport(ctx, store.Report{NIP: nip, OPDCode: emp.OPDCode, LocalDate: "2026-10-30", Text: "Rekap",
						Quantity: &qty, TargetID: &id, CreatedAt: monday, Status: status}); err != nil {
						return err
					}
				}
			}
		}
		for _, d := range reportDays {
			if _, err := tx.AddReport(ctx, store.Report{NIP: nip, OPDCode: emp.OPDCode, LocalDate: d, Text: "Kegiatan harian", CreatedAt: monday, Status: status}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

func TestEvaluateTable(t *testing.T) {
	t.Parallel()
	const period = "2026-11-02..2026-11-13"
	cases := []struct {
		name  string
		setup func(h *harness)
		who   string // evaluated NIP (Budi unless set)
		per   string // period (the base period unless set)
		want  []string
		none  bool // no score (a free date range records none anyway: TestEvaluateFreeRangeIsAPreview)
	}{{
		// K = 8/10 = 80%; N = 0,6 × 68,269 + 0,4 × 80 = 40,962 + 32 = 72,96 → 73 (Butuh Perbaikan, < 76).
		name: "base",
		want: []string{"Nilai N = 73, predikat Butuh Perbaikan. Belum memenuhi standar", "Kepatuhan K = 80% (8 dari 10 hari kerja).",
			"Capaian C = 68,3%", "#1 Pemeliharaan server: realisasi 9 dari seharusnya 10,4 laporan, 86,5%",
			"#2 Verifikasi SPJ: realisasi 52 dari seharusnya 104 dokumen, 50%", "N = 0,6 × C + 0,4 × K = 0,6 × 68,3 + 0,4 × 80 = 73"},
	}, {
		// Leave on 10 and 13 Nov (the two days without a report): 8 working days, all reported.
		// K = 100%; N = 40,962 + 40 = 80,96 → 81 (Baik, meets 76).
		name: "leave",
		setup: func(h *harness) {
			h.st.Update(context.Background(), func(tx *store.Tx) error {
				_, err := tx.AddLeave(context.Background(), store.Leave{NIP: budi, Kind: store.LeaveCuti, StartDate: "2026-11-10", EndDate: "2026-11-10"}, monday)
				if err == nil {
					_, err = tx.AddLeave(context.Background(), store.Leave{NIP: budi, Kind: store.LeaveSakit, StartDate: "2026-11-13", EndDate: "2026-11-13"}, monday)
				}
				return err
			})
		},
		want: []string{"Nilai N = 81, predikat Baik. Memenuhi standar", "Kepatuhan K = 100% (8 dari 8 hari kerja; 2 hari cuti tidak dihitung)."},
	}, {
		// A holiday on 13 Nov: 9 working days, 8 reported. K = 88,889%;
		// N = 40,962 + 35,556 = 76,517 → 76,5 (Baik, meets 76).
		name:  "holiday",
		setup: func(h *harness) { h.say(admin, "/libur 2026-11-13 Cuti bersama") },
		want:  []string{"Nilai N = 76,5, predikat Baik. Memenuhi standar", "Kepatuhan K = 88,9% (8 dari 9 hari kerja; 1 hari libur tidak dihitung)."},
	}, {
		// A six-day OPD: Saturday 7 Nov is a working day too: 11 working days, 8 reported.
		// K = 72,727%; N = 40,962 + 29,091 = 70,053 → 70,1 (Butuh Perbaikan).
		name:  "six-day week",
		setup: func(h *harness) { h.st.DB().Exec(`UPDATE opds SET work_days = 6 WHERE code = 'DISKOMINFO'`) },
		want:  []string{"Nilai N = 70,1, predikat Butuh Perbaikan", "Kepatuhan K = 72,7% (8 dari 11 hari kerja)."},
	}, {
		// 6 more laporan for #1 (15 in all, expected 10,4): capped at 100%. C = (100 + 50)/2 = 75;
		// N = 45 + 32 = 77 (Baik, meets 76).
		name: "over-achievement capped",
		setup: func(h *harness) {
			h.seedReports(budi, store.ReportSubmitted, map[int]float64{1: 6})
		},
		want: []string{"Nilai N = 77, predikat Baik. Memenuhi standar", "realisasi 15 dari seharusnya 10,4 laporan, 100% (dibatasi 100%)", "Capaian C = 75%"},
	}, {
		// Siti's contract has no target: C cannot be measured and N = K. She reported on the same 8
		// of 10 days: K = 80%, N = 80 (Baik).
		name: "no targets",
		who:  siti,
		setup: func(h *harness) {
			signed := time.Date(2026, 1, 5, 10, 0, 0, 0, jakarta)
			h.st.Update(context.Background(), func(tx *store.Tx) error {
				_, err := tx.AddContract(context.Background(), store.Contract{NIP: siti, Year: 2026, Status: store.ContractSigned, SignedAt: &signed}, monday)
				return err
			})
			h.seedReports(siti, store.ReportSubmitted, nil)
		},
		want: []string{"Nilai N = 80, predikat Baik", "Capaian C tidak dapat diukur", "C tidak dapat diukur, sehingga N = K = 80"},
	}, {
		// A weekend only (7–8 Nov): no working day, N = C. At 8 Nov 307 of 360 days have elapsed:
		// expected #1 = 12 × 307/360 = 10,233 and #2 = 102,333; C = (87,948% + 50,814%)/2 = 69,381
		// → 69,4 (Butuh Perbaikan).
		name: "no working days",
		per:  "2026-11-07..2026-11-08",
		want: []string{"Kepatuhan K tidak dapat diukur", "Nilai N = 69,4, predikat Butuh Perbaikan", "K tidak dapat diukur, sehingga N = C = 69,4"},
	}, {
		name: "unsigned contract",
		who:  siti,
		want: []string{"Siti Rahma belum memiliki kontrak kinerja 2026 yang ditandatangani", "Tidak ada nilai yang dicatat"},
		none: true,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			if c.who == "" {
				h.seedReports(budi, store.ReportSubmitted, map[int]float64{1: 9, 2: 52})
			}
			if c.setup != nil {
				c.setup(h)
			}
			who, per := c.who, c.per
			if who == "" {
				who = budi
			}
			if per == "" {
				per = period
			}
			got := h.say(admin, "/evaluate "+who+" "+per)
			expect(t, got, c.want...)
			if !c.none {
				expect(t, got, "rentang tanggal bebas")
			}
			var n int
			h.st.DB().QueryRow(`SELECT COUNT(*) FROM evaluations WHERE nip = ?`, who).Scan(&n)
			if n != 0 {
				t.Fatalf("%d evaluation rows of a free date range", n)
			}
		})
	}
}

// With require_approval on, only validated reports count for achievement; compliance counts every
// report at once (see TestValidationDoesNotEraseCompliance).
func TestEvaluateRequireApproval(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.opt.RequireApproval = true
	h.restart()
	h.seedReports(budi, store.ReportSubmitted, map[int]float64{1: 9, 2: 52})
	// Nothing validated: K = 80%, C = 0, N = 0,4 × 80 = 32.
	expect(t, h.say(admin, "/evaluate "+budi+" 2026-11-02..2026-11-13"), "Nilai N = 32, predikat Sangat Kurang", "Kepatuhan K = 80% (8 dari 10 hari kerja)")
	expect(t, h.say(kepala, "/validasi setujui semua"), "10")
	// All validated: the base numbers (N = 73).
	expect(t, h.say(admin, "/evaluate "+budi+" 2026-11-02..2026-11-13"), "Nilai N = 73", "Kepatuhan K = 80%", "pratinjau")
}

// A completed 6-month checkpoint of an official (eselon IV) that misses the standard: the
// employee and the supervisor are told with the next step, the admins that the official falls
// under the resignation procedure; the stored row keeps inputs, outputs and parameters.
func TestEvaluateCheckpointMiss(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.st.DB().Exec(`UPDATE employees SET eselon = 'IV.a' WHERE nip = ?`, budi)
	// No report between 5 Jan and 4 Jul: K = 0, C = 0 → N = 0. Default period: 6b (reached 4 Jul).
	got := h.say(kepala, "/evaluate "+budi)
	expect(t, got, "Periode 6b: 5 Jan 2026 – 4 Jul 2026", "Nilai N = 0", "Belum memenuhi standar")
	expect(t, strings.Join(h.con.Received(budi), "\n"), "Yth. Bapak Budi", "prosedur pengunduran diri")
	expect(t, strings.Join(h.con.Received(admin), "\n"), "Budi Santoso (NIP "+budi+", eselon IV.a) belum memenuhi standar pada evaluasi 6 bulan")
	var inputs, outputs, params, evaluator, checkpoint string
	h.st.DB().QueryRow(`SELECT inputs, outputs, parameters, evaluator_nip, checkpoint FROM evaluations WHERE nip = ?`, budi).Scan(&inputs, &outputs, &params, &evaluator, &checkpoint)
	for _, want := range []string{`"work_days":`, `"as_of":"2026-07-04"`, `"fraction":0.5`} {
		if !strings.Contains(inputs, want) {
			t.Errorf("inputs lack %s: %s", want, inputs)
		}
	}
	if !strings.Contains(outputs, `"predicate":"Sangat Kurang"`) || !strings.Contains(params, `"PassScore":76`) || evaluator != kepala || checkpoint != "6b" {
		t.Fatalf("stored %s / %s / %s / %s", outputs, params, evaluator, checkpoint)
	}

	// A 3-month miss is a warning, and the admins are not told.
	before := len(h.con.Received(admin))
	h.say(kepala, "/evaluate "+budi+" 3b")
	expect(t, h.lastTo(budi), "peringatan")
	if len(h.con.Received(admin)) != before {
		t.Fatal("admins told of a 3-month miss")
	}
}

func TestEvaluateOPDAndScope(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedReports(budi, store.ReportSubmitted, map[int]float64{1: 9, 2: 52})
	got := h.say(kepala, "/evaluate DISKOMINFO 2026-11-02..2026-11-13")
	expect(t, got, "Evaluasi kinerja Dinas Komunikasi dan Informatika (DISKOMINFO): 1 pegawai dinilai",
		"1. Budi Santoso: 73 Butuh Perbaikan (belum memenuhi standar) [2026-11-02..2026-11-13, pratinjau]", "Sebaran: Sangat Baik 0 · Baik 0 · Butuh Perbaikan 1",
		"Belum ada kontrak ditandatangani (2)")
	expect(t, h.say(kepala, "/evaluate BKPPD"), "hanya dapat mengevaluasi pegawai OPD Anda sendiri")
	expect(t, h.say(kepala, "/evaluate semua"), "hanya dapat dilakukan admin")
	expect(t, h.say(kepala, "/evaluate "+admin), "bukan pegawai OPD Anda")
	expect(t, h.say(budi, "/evaluate "+budi), "tidak tersedia untuk peran Anda")
	expect(t, h.say(admin, "/evaluate semua 2026-11"), "seluruh OPD")
	expect(t, h.say(admin, "/evaluate "+budi+" 2026-13"), "Periode \"2026-13\" belum sesuai")
	expect(t, h.say(admin, "/evaluate "+budi+" 2025"), "belum memiliki kontrak kinerja 2025")
}

// An admin's /evaluate of an OPD comes with the ranking as an XLSX, which opens with its sheet.
func TestEvaluateAttachmentForAdmins(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedReports(budi, store.ReportSubmitted, map[int]float64{1: 9, 2: 52})
	reject(t, h.say(admin, "/evaluate DISKOMINFO 2026-10"), "[berkas:") // a preview has no file
	got := h.say(admin, "ya")
	expect(t, got, "[berkas: evaluasi-2026-11-23.xlsx", "Lampiran: hasil evaluasi")
	// The head gets the table without the file.
	h.say(kepala, "/evaluate DISKOMINFO 2026-10")
	reject(t, h.say(kepala, "ya"), "[berkas:")

	var book []byte
	h.st.DB().QueryRow(`SELECT photo FROM outbox WHERE payload LIKE '%document_name%'`).Scan(&book)
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); len(sheets) != 1 || sheets[0] != "Evaluasi" {
		t.Fatalf("sheets %v", sheets)
	}
	rows, _ := f.GetRows("Evaluasi")
	if len(rows) != 2 || !strings.Contains(strings.Join(rows[1], "|"), budi) || !strings.Contains(strings.Join(rows[1], "|"), "Sangat Kurang") {
		t.Fatalf("rows %q", rows)
	}
}
