package config

import (
	"math"
	"strings"
	"testing"

	"github.com/lapkin-id/lapkin/calendar"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(c *Config)
		want   []string // substrings of the error; none means valid
	}{
		{name: "defaults", change: func(*Config) {}},
		{name: "other zone", change: func(c *Config) { c.App.Timezone = "Asia/Makassar" }},
		{name: "bad timezone", change: func(c *Config) { c.App.Timezone = "Asia/Jakrta" },
			want: []string{`app.timezone: unknown time zone "Asia/Jakrta"`}},
		{name: "empty timezone", change: func(c *Config) { c.App.Timezone = "" }, want: []string{"app.timezone:"}},
		{name: "bad language", change: func(c *Config) { c.App.Language = "jv" }, want: []string{`app.language: must be "id" or "en"`}},
		{name: "empty data dir", change: func(c *Config) { c.App.DataDir = "" }, want: []string{"app.data_dir:"}},
		{name: "weights sum below 1", change: func(c *Config) { c.Evaluation.WeightCompliance = 0.3 },
			want: []string{"evaluation.w_c: w_c + w_k must be 1"}},
		{name: "weights with float error sum to 1", change: func(c *Config) {
			c.Evaluation.WeightAchievement, c.Evaluation.WeightCompliance = 0.7, 0.3 // 0.7+0.3 = 0.9999999999999999
		}},
		{name: "negative weight", change: func(c *Config) {
			c.Evaluation.WeightAchievement, c.Evaluation.WeightCompliance = 1.5, -0.5
		}, want: []string{"evaluation.w_k: must be 0 or more"}},
		{name: "NaN weight", change: func(c *Config) { c.Evaluation.WeightAchievement = math.NaN() },
			want: []string{"evaluation.w_c: must be 0 or more", "w_c + w_k must be 1"}},
		{name: "one weight only", change: func(c *Config) {
			c.Evaluation.WeightAchievement, c.Evaluation.WeightCompliance = 1, 0
		}},
		{name: "bands not descending", change: func(c *Config) { c.Evaluation.Bands.Baik = 95 },
			want: []string{"evaluation.bands.baik: must be lower than evaluation.bands.sangat_baik"}},
		{name: "equal bands", change: func(c *Config) { c.Evaluation.Bands.Kurang = 61 },
			want: []string{"evaluation.bands.kurang: must be lower than evaluation.bands.butuh_perbaikan"}},
		{name: "band above 100", change: func(c *Config) { c.Evaluation.Bands.SangatBaik = 101 },
			want: []string{"evaluation.bands.sangat_baik: must be between 0 and 100"}},
		{name: "band below 0", change: func(c *Config) { c.Evaluation.Bands.Kurang = -1 },
			want: []string{"evaluation.bands.kurang: must be between 0 and 100"}},
		{name: "pass score above 100", change: func(c *Config) { c.Evaluation.PassScore = 100.5 },
			want: []string{"evaluation.pass_score:"}},
		{name: "no reminder", change: func(c *Config) { c.Schedule.Reminder = nil }, want: []string{"schedule.reminder: needs at least one"}},
		{name: "empty reminder entry", change: func(c *Config) { c.Schedule.Reminder = []string{"0 14 * * 1-5", " "} },
			want: []string{"schedule.reminder[1]: must not be empty"}},
		{name: "empty job spec", change: func(c *Config) { c.Schedule.EvaluationDue = "" },
			want: []string{"schedule.evaluation_due: must not be empty"}},
		{name: "malformed cron is left to the scheduler", change: func(c *Config) { c.Schedule.Digest = "TZ=0" }},
		{name: "zero holiday after a good one", change: func(c *Config) {
			c.Holidays.Dates = []Holiday{{Date: calendar.New(2026, 12, 25)}, {Name: "tanpa tanggal"}}
		}, want: []string{"holidays.dates[1]:"}},
		{name: "zero holiday", change: func(c *Config) { c.Holidays.Dates = []Holiday{{Name: "x"}} }, want: []string{"holidays.dates[0]:"}},
		{name: "bad admin nip", change: func(c *Config) { c.Admin.NIPs = []string{"198501012010011001", "19850101"} },
			want: []string{`admin.nips[1]: "19850101" is not an 18-digit NIP`}},
		{name: "max text zero", change: func(c *Config) { c.Reports.MaxText = 0 }, want: []string{"reports.max_text:"}},
		{name: "photo too large", change: func(c *Config) { c.Reports.MaxPhotoMB = 51 }, want: []string{"reports.max_photo_mb:"}},
		{name: "photo zero", change: func(c *Config) { c.Reports.MaxPhotoMB = 0 }, want: []string{"reports.max_photo_mb:"}},
		{name: "bad http listen", change: func(c *Config) { c.HTTP.Listen = "9090" }, want: []string{"http.listen:"}},
		{name: "every problem reported at once", change: func(c *Config) {
			c.App.Timezone = "Mars/Olympus"
			c.Evaluation.WeightAchievement = 0.5
			c.Evaluation.Bands.Kurang = 70
			c.Reports.MaxText = -1
		}, want: []string{"app.timezone:", "evaluation.w_c:", "evaluation.bands.kurang:", "reports.max_text:"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			tc.change(c)
			err := c.Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want error containing %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to contain %q", err, w)
				}
			}
			// Each problem is on its own line and starts with its key.
			for _, line := range strings.Split(err.Error(), "\n") {
				if key, _, ok := strings.Cut(line, ": "); !ok || strings.ContainsAny(key, " \"") {
					t.Errorf("problem %q does not start with a key", line)
				}
			}
		})
	}
}
