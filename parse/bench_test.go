package parse

import "testing"

func BenchmarkParseQuickReport(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := QuickReport("3 Verifikasi SPJ belanja perjalanan dinas #2 1j30m"); err != nil {
			b.Fatal(err)
		}
	}
}
