package config

import (
	"strings"
	"testing"
)

func TestCheckpointRule(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"3b, 6b": "3b6b", "3b,6b": "3b6b", " 3B ,  6b ": "3b6b", "bulanan": "bulanan",
		"Monthly": "bulanan", "triwulan": "triwulan", "QUARTERLY": "triwulan", "": "", "6b, 3b": "", "tahunan": "", "3b": ""} {
		got, ok := CheckpointRule(in)
		if got != want || ok != (want != "") {
			t.Errorf("CheckpointRule(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	c := Default()
	c.Evaluation.Checkpoints = "mingguan"
	c.Kinerja.CloseDay, c.Kinerja.MinutesCount, c.Reports.ReviewDays = 29, "semua", -1
	err := c.Validate()
	for _, key := range []string{"evaluation.checkpoints", "kinerja.close_day", "kinerja.minutes_count", "reports.review_days"} {
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s not refused: %v", key, err)
		}
	}
}
