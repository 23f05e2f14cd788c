package chart

import (
	"fmt"
	"testing"
)

// BenchmarkPNG renders a five-day week for 20 people, a typical OPD's weekly chart.
func BenchmarkPNG(b *testing.B) {
	d := Digest{Title: "Rekap Mingguan DISKOMINFO, 16 Nov 2026 – 20 Nov 2026", Lang: "id",
		Labels: Labels{ReportsPerDay: "Laporan per hari", ReportersPerDay: "Pegawai yang melapor / jumlah pegawai",
			Compliance: "Kepatuhan per pegawai", Percent: "% hari kerja dengan laporan", NoData: "Belum ada data", More: "lainnya"}}
	for i, day := range []string{"Sen 16/11", "Sel 17/11", "Rab 18/11", "Kam 19/11", "Jum 20/11"} {
		d.Days = append(d.Days, Day{Label: day, Reports: 10 + 3*i, Reporters: 12 + i, Headcount: 20})
	}
	for i := 0; i < 20; i++ {
		d.People = append(d.People, Person{Name: fmt.Sprintf("Pegawai Contoh %d", i+1), Pct: float64(100 - 5*i)})
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := PNG(d); err != nil {
			b.Fatal(err)
		}
	}
}
