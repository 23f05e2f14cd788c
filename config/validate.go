package config

import (
	"errors"
	"fmt"
	"math"
	"net"
	"strings"
	"time"
)

// weightTolerance is how far w_c + w_k may be from 1, to allow for decimal
// fractions that binary floating point cannot hold exactly.
const weightTolerance = 1e-9

// problems collects every validation failure, so that an operator fixes a
// config file in one round rather than one error per restart.
type problems []error

// addf records a problem with key, the TOML key it concerns.
func (p *problems) addf(key, format string, args ...any) {
	*p = append(*p, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
}

// Validate checks the whole configuration and returns every problem found,
// joined with errors.Join, each starting with the TOML key it concerns. On
// success it caches the time zone for [Config.Location]. Cron specs are only
// checked for being present: the scheduler parses them.
func (c *Config) Validate() error {
	var p problems
	c.validateApp(&p)
	c.validateSchedule(&p)
	c.validateEvaluation(&p)
	c.validateKinerja(&p)
	for i, h := range c.Holidays.Dates {
		if h.Date.IsZero() {
			p.addf(fmt.Sprintf("holidays.dates[%d]", i), "must be a date (YYYY-MM-DD), got none")
		}
	}
	for i, nip := range c.Admin.NIPs {
		if !isNIPShape(nip) {
			p.addf(fmt.Sprintf("admin.nips[%d]", i), "%q is not an 18-digit NIP", nip)
		}
	}
	if c.Reports.MaxText <= 0 {
		p.addf("reports.max_text", "must be greater than 0, got %d", c.Reports.MaxText)
	}
	if c.Reports.BackdateDays < 0 || c.Reports.BackdateDays > 31 {
		p.addf("reports.backdate_days", "must be between 0 and 31, got %d", c.Reports.BackdateDays)
	}
	for short, long := range c.Reports.Abbreviations {
		if strings.TrimSpace(short) == "" || len(strings.Fields(short)) > 1 || strings.TrimSpace(long) == "" {
			p.addf("reports.abbreviations", "%q = %q: the short form must be one word and the long form not empty", short, long)
		}
	}
	if c.Reports.MaxPhotoMB < 1 || c.Reports.MaxPhotoMB > 50 {
		p.addf("reports.max_photo_mb", "must be between 1 and 50, got %d", c.Reports.MaxPhotoMB)
	}
	if c.Intake.MaxMessages < 0 {
		p.addf("intake.max_messages", "must not be negative (0 turns the limit off), got %d", c.Intake.MaxMessages)
	}
	if c.Intake.StrangerRepliesPerHour < 0 {
		p.addf("intake.stranger_replies_per_hour", "must not be negative (0 turns the cap off), got %d", c.Intake.StrangerRepliesPerHour)
	}
	if c.Intake.MaxMessages > 0 && c.Intake.Window.Duration <= 0 {
		p.addf("intake.window", "must be a positive duration such as \"1m\", got %s", c.Intake.Window)
	}
	if c.Retention.AttachmentDays < 1 {
		p.addf("retention.attachment_days", "must be at least 1, got %d", c.Retention.AttachmentDays)
	}
	if c.Roster.MaxRows < 1 {
		p.addf("roster.max_rows", "must be at least 1, got %d", c.Roster.MaxRows)
	}
	if d := c.Retry.Backoff.Duration; d < 10*time.Millisecond || d > 10*time.Minute {
		p.addf("retry.backoff", "must be at least 10ms and at most 10m, got %s", c.Retry.Backoff)
	}
	if c.Retention.OutboxDays < 1 {
		p.addf("retention.outbox_days", "must be at least 1, got %d", c.Retention.OutboxDays)
	}
	if c.Retention.InboundDays < 2 {
		// Telegram redelivers an unconfirmed update for 24 hours: a shorter memory would take
		// a redelivery for a new message.
		p.addf("retention.inbound_days", "must be at least 2 (Telegram redelivers for 24 hours), got %d", c.Retention.InboundDays)
	}
	if c.Backup.Keep < 1 {
		p.addf("backup.keep", "must be at least 1, got %d", c.Backup.Keep)
	}
	if c.HTTP.Listen != "" {
		if _, _, err := net.SplitHostPort(c.HTTP.Listen); err != nil {
			p.addf("http.listen", "%q is not a host:port address such as \":9090\"", c.HTTP.Listen)
		}
	}
	return errors.Join(p...)
}

func (c *Config) validateApp(p *problems) {
	if c.App.Timezone == "" {
		p.addf("app.timezone", "must not be empty; the default is \"Asia/Jakarta\"")
	} else if loc, err := time.LoadLocation(c.App.Timezone); err != nil {
		p.addf("app.timezone", "unknown time zone %q; use an IANA name such as \"Asia/Jakarta\", \"Asia/Makassar\" or \"Asia/Jayapura\"", c.App.Timezone)
	} else {
		c.loc = loc
	}
	if c.App.Language != "id" && c.App.Language != "en" {
		p.addf("app.language", "must be \"id\" or \"en\", got %q", c.App.Language)
	}
	if c.App.DataDir == "" {
		p.addf("app.data_dir", "must not be empty; the default is \"./data\"")
	}
}

func (c *Config) validateSchedule(p *problems) {
	s := c.Schedule
	if len(s.Reminder) == 0 {
		p.addf("schedule.reminder", "needs at least one cron spec, such as \"0 14 * * 1-5\"")
	}
	for i, spec := range s.Reminder {
		if strings.TrimSpace(spec) == "" {
			p.addf(fmt.Sprintf("schedule.reminder[%d]", i), "must not be empty")
		}
	}
	for _, j := range []struct{ key, spec string }{
		{"schedule.deadline", s.Deadline},
		{"schedule.contract", s.Contract},
		{"schedule.digest", s.Digest},
		{"schedule.evaluation_due", s.EvaluationDue},
		{"schedule.maintenance", s.Maintenance},
		{"schedule.review", s.Review},
		{"schedule.monthly_recap", s.MonthlyRecap},
	} {
		if strings.TrimSpace(j.spec) == "" {
			p.addf(j.key, "must not be empty")
		}
	}
}

func (c *Config) validateEvaluation(p *problems) {
	e := c.Evaluation
	// Comparisons are written so that NaN, which TOML allows, fails them.
	wc, wk := e.WeightAchievement, e.WeightCompliance
	if !(wc >= 0) || math.IsInf(wc, 0) {
		p.addf("evaluation.w_c", "must be 0 or more, got %v", wc)
	}
	if !(wk >= 0) || math.IsInf(wk, 0) {
		p.addf("evaluation.w_k", "must be 0 or more, got %v", wk)
	}
	if !(math.Abs(wc+wk-1) <= weightTolerance) {
		p.addf("evaluation.w_c", "w_c + w_k must be 1, got %v + %v = %v", wc, wk, wc+wk)
	}
	if _, ok := CheckpointRule(e.Checkpoints); !ok {
		p.addf("evaluation.checkpoints", "must be \"3b, 6b\", \"bulanan\" or \"triwulan\", got %q", e.Checkpoints)
	}
	if !(e.PassScore >= 0 && e.PassScore <= 100) {
		p.addf("evaluation.pass_score", "must be between 0 and 100, got %v", e.PassScore)
	}
	b := e.Bands
	bands := []struct {
		key string
		v   float64
	}{
		{"evaluation.bands.sangat_baik", b.SangatBaik},
		{"evaluation.bands.baik", b.Baik},
		{"evaluation.bands.butuh_perbaikan", b.ButuhPerbaikan},
		{"evaluation.bands.kurang", b.Kurang},
	}
	for i, x := range bands {
		if !(x.v >= 0 && x.v <= 100) {
			p.addf(x.key, "must be between 0 and 100, got %v", x.v)
		}
		if i > 0 && !(bands[i-1].v > x.v) {
			p.addf(x.key, "must be lower than %s (%v), got %v", bands[i-1].key, bands[i-1].v, x.v)
		}
	}
}

// CheckpointRule reads [evaluation] checkpoints: "3b6b" for "3b, 6b" (spaces and case aside),
// "bulanan" (also "monthly") or "triwulan" (also "quarterly"); false for anything else.
func CheckpointRule(s string) (string, bool) {
	v := strings.ToLower(strings.Join(strings.Fields(strings.ReplaceAll(s, ",", " ")), ","))
	switch v {
	case "3b,6b":
		return "3b6b", true
	case "bulanan", "monthly":
		return "bulanan", true
	case "triwulan", "quarterly":
		return "triwulan", true
	}
	return "", false
}

// validateKinerja checks [kinerja] and [reports] review_days.
func (c *Config) validateKinerja(p *problems) {
	k := c.Kinerja
	if k.MinutesDay < 0 || k.MinutesDay > 24*60 {
		p.addf("kinerja.minutes_day", "must be between 0 (off) and 1440, got %d", k.MinutesDay)
	}
	if k.MinutesMonth < 0 || k.MinutesMonth > 31*24*60 {
		p.addf("kinerja.minutes_month", "must be between 0 (off) and 44640, got %d", k.MinutesMonth)
	}
	switch k.MinutesCount {
	case "auto", "all", "approved":
	default:
		p.addf("kinerja.minutes_count", "must be \"auto\", \"all\" or \"approved\", got %q", k.MinutesCount)
	}
	if k.CloseDay < 0 || k.CloseDay > 28 {
		p.addf("kinerja.close_day", "must be a day between 1 and 28 (or 0: months never close), got %d", k.CloseDay)
	}
	if c.Reports.ReviewDays < 0 || c.Reports.ReviewDays > 30 {
		p.addf("reports.review_days", "must be between 0 (no deadline) and 30 working days, got %d", c.Reports.ReviewDays)
	}
}

// isNIPShape reports whether s has the shape of a NIP: 18 digits. The full
// check (birth date, appointment month, sex) belongs to the roster import;
// here it is enough to catch a typo that would leave the bot without admins.
func isNIPShape(s string) bool {
	if len(s) != 18 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
