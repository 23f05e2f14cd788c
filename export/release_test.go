package export

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// A flushed sheet that spilled to its temporary file gives its buffer back and the workbook is
// whole; one that never spilled keeps its buffer, which is its data. If excelize renames the
// fields releaseStreamBuffer reaches for, this fails: look at stream.go again.
func TestStreamBufferReleased(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	long := strings.Repeat("x", 30000) // under Excel's 32,767 characters a cell
	const bigRows = 600                // 18 MB: past excelize's 16 MB before it spills
	big, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= bigRows; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i)
		if err := big.SetRow(cell, []any{long, i}); err != nil {
			t.Fatal(err)
		}
	}
	if err := big.Flush(); err != nil {
		t.Fatal(err)
	}
	if !releaseStreamBuffer(big) {
		t.Fatal("the buffer of a sheet that spilled to its file was not released: has excelize's StreamWriter changed?")
	}
	if _, err := f.NewSheet("Kecil"); err != nil {
		t.Fatal(err)
	}
	small, err := f.NewStreamWriter("Kecil")
	if err != nil {
		t.Fatal(err)
	}
	if err := small.SetRow("A1", []any{"satu", 1}); err != nil {
		t.Fatal(err)
	}
	if err := small.Flush(); err != nil {
		t.Fatal(err)
	}
	if releaseStreamBuffer(small) {
		t.Fatal("the buffer of a sheet that never spilled (its only copy) was released")
	}
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	g, err := excelize.OpenReader(&out)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	rows, err := g.GetRows("Sheet1")
	if err != nil || len(rows) != bigRows || rows[bigRows-1][1] != "600" || rows[0][0] != long {
		t.Fatalf("Sheet1 read back: %d rows, err %v", len(rows), err)
	}
	if v, err := g.GetCellValue("Kecil", "A1"); err != nil || v != "satu" {
		t.Fatalf("Kecil!A1 = %q, %v", v, err)
	}
}
