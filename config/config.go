// Package config reads Lapkin's TOML configuration file and checks it.
//
// Every key has a default (see [Default]) so that an empty file, or no file
// at all, runs the console demo; a file only needs the keys an operator
// wants to change. The key names are part of the product contract in
// SPEC.md and are spelled out in config.example.toml at the repository
// root.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/BurntSushi/toml"

	// Embed the time zone database so that Asia/Jakarta loads on minimal
	// hosts and containers that ship without /usr/share/zoneinfo.
	_ "time/tzdata"
)

// Config is the whole configuration of one Lapkin instance. Each field is one
// TOML section; the zero value is not useful, start from [Default] or [Load].
type Config struct {
	App        App        `toml:"app"`
	Schedule   Schedule   `toml:"schedule"`
	Evaluation Evaluation `toml:"evaluation"`
	Holidays   Holidays   `toml:"holidays"`
	Admin      Admin      `toml:"admin"`
	Reports    Reports    `toml:"reports"`
	Intake     Intake     `toml:"intake"`
	Digest     Digest     `toml:"digest"`
	HTTP       HTTP       `toml:"http"`
	Retention  Retention  `toml:"retention"`
	Backup     Backup     `toml:"backup"`
	Kinerja    Kinerja    `toml:"kinerja"`
	Roster     Roster     `toml:"roster"`
	Retry      Retry      `toml:"retry"`

	// loc caches the time zone loaded from App.Timezone by Default or
	// Validate, so that Location does not reread the zone database on every
	// call.
	loc *time.Location
	// file is the configuration file's text, and sections the networks'
	// sections in it, which this package leaves to the networks; overlay
	// holds the networks' keys given by Set (sections.go).
	file     string
	sections []string
	overlay  map[string]any
}

// App is the [app] section: settings that concern the whole program rather
// than one transport.
type App struct {
	// Timezone is the IANA zone in which cron specs fire and days begin and
	// end; regional governments work on local time, not UTC.
	Timezone string `toml:"timezone"`
	// Language is the default reply language ("id" or "en") for people who
	// have not chosen one with /bahasa.
	Language string `toml:"language"`
	// DataDir is the directory that holds the databases unless their paths
	// are set explicitly.
	DataDir string `toml:"data_dir"`
	// Database is the SQLite file; empty means <data_dir>/lapkin.db. Use
	// [Config.DatabasePath] rather than reading it directly.
	Database string `toml:"database"`
}

// Schedule is the [schedule] section: one five-field cron spec per scheduled
// job, in the configured time zone. The specs are only checked for being
// non-empty here; the scheduler parses them and reports a bad one by key.
type Schedule struct {
	// Reminder lists the times at which people who have not reported today
	// are reminded; several specs give several reminders a day.
	Reminder []string `toml:"reminder"`
	// Deadline is when people whose targets are due soon and behind are
	// warned.
	Deadline string `toml:"deadline"`
	// Contract is when unsigned and unapproved contracts are chased.
	Contract string `toml:"contract"`
	// Digest is when each OPD's group receives its weekly digest.
	Digest string `toml:"digest"`
	// EvaluationDue is when admins and supervisors are told which contracts
	// reach their 3- or 6-month checkpoint this week.
	EvaluationDue string `toml:"evaluation_due"`
	// Maintenance is when the daily upkeep runs: old outbox attachments are
	// dropped and old processed-inbound ids pruned ([retention]).
	Maintenance string `toml:"maintenance"`
	// Review is when supervisors are reminded of validations due today and
	// overdue ones are escalated ([reports] review_days, require_approval).
	Review string `toml:"review"`
	// MonthlyRecap is when each OPD's group gets the monthly recap of a
	// month that closed the day before ([kinerja] close_day).
	MonthlyRecap string `toml:"monthly_recap"`
}

// Evaluation is the [evaluation] section: the parameters of the /evaluate
// score N = w_c·C + w_k·K.
type Evaluation struct {
	// WeightAchievement is w_c, the weight of achievement C.
	WeightAchievement float64 `toml:"w_c"`
	// WeightCompliance is w_k, the weight of reporting compliance K.
	WeightCompliance float64 `toml:"w_k"`
	// PassScore is the lowest score that meets the standard; below it a
	// 6-month checkpoint starts the resignation procedure.
	PassScore float64 `toml:"pass_score"`
	// Bands are the lower bounds of the predicates.
	Bands Bands `toml:"bands"`
	// Checkpoints is when officials are evaluated, which the evaluation_due job announces and
	// /evaluate takes as its default period: "3b, 6b" (3 and 6 months after signing, Bekasi's
	// rule), "bulanan" (every calendar month) or "triwulan" (every quarter; Bengkulu's rule).
	Checkpoints string `toml:"checkpoints"`
}

// Bands holds the lowest score of each predicate (PermenPANRB 6/2022 names);
// a score below Kurang is Sangat Kurang. They live in [evaluation.bands] so
// that a region with its own regulation can move them.
type Bands struct {
	SangatBaik     float64 `toml:"sangat_baik"`
	Baik           float64 `toml:"baik"`
	ButuhPerbaikan float64 `toml:"butuh_perbaikan"`
	Kurang         float64 `toml:"kurang"`
}

// Holidays is the [holidays] section: days off declared in the config, on
// top of those added with /libur, which never count as working days.
type Holidays struct {
	Dates []Holiday `toml:"dates"`
}

// Admin is the [admin] section.
type Admin struct {
	// NIPs are the 18-digit NIPs that have the admin role whatever the
	// roster says, so that the first BKPPD operator can bootstrap the bot.
	NIPs []string `toml:"nips"`
}

// Reports is the [reports] section: rules for daily reports.
type Reports struct {
	// RequireApproval makes supervisors validate reports (/validasi) before
	// they count towards achievement.
	RequireApproval bool `toml:"require_approval"`
	// ReviewDays is how many working days a supervisor has to validate a
	// report (with require_approval): the supervisor is reminded once on the
	// last day, then the report is escalated to the OPD head (or, for a
	// head's own reports, the admins). 0 = no deadline.
	ReviewDays int `toml:"review_days"`
	// MaxText is the longest report text accepted, in characters.
	MaxText int `toml:"max_text"`
	// MaxPhotoMB is the largest evidence photo accepted, in megabytes.
	MaxPhotoMB int `toml:"max_photo_mb"`
	// BackdateDays is how many working days back a report may be dated ("kemarin …", "tgl
	// 18 …"), within the open month; 0 allows none. Default 3, the e-Kinerja practice.
	BackdateDays int `toml:"backdate_days"`
	// Abbreviations are the city's own short forms, for reading reports written in free text:
	// short = "long form" ("sp2d" = "surat perintah pencairan dana"), beside Lapkin's own list.
	Abbreviations map[string]string `toml:"abbreviations"`
}

// Intake is the [intake] section: how many messages one sender may send in a short time before
// their replies are paused, so that one person (or one stranger) flooding the bot cannot make
// everyone else wait behind their replies.
type Intake struct {
	// MaxMessages is how many messages one sender may send within Window and still get every
	// reply. Beyond it their messages are still handled and stored (nothing received is lost),
	// but the replies are coalesced into one short notice until the burst ends. 0 turns the
	// limit off.
	MaxMessages int `toml:"max_messages"`
	// Window is the sliding window MaxMessages counts over.
	Window Duration `toml:"window"`
	// StrangerRepliesPerHour caps the answers to people not registered, over all networks, in
	// any hour: past it a stranger's message gets no answer. Answers to strangers already wait
	// behind everyone registered; the cap bounds how many there can be. 0 turns it off.
	StrangerRepliesPerHour int `toml:"stranger_replies_per_hour"`
}

// Digest is the [digest] section: what the weekly digest shows.
type Digest struct {
	// ShowMissing lists by name the people who did not report at all; some
	// OPD heads prefer not to name them in a group chat.
	ShowMissing bool `toml:"show_missing"`
}

// HTTP is the [http] section: the operator's endpoints.
type HTTP struct {
	// Listen is the address for /healthz and /metrics; empty turns the
	// server off.
	Listen string `toml:"listen"`
}

// Retention is the [retention] section: how long data kept only for
// operations is kept, by the daily maintenance job ([schedule] maintenance).
type Retention struct {
	// AttachmentDays is how long a delivered outbox message keeps its
	// attachment's bytes (a photo, an export file). The evidence itself is
	// kept elsewhere; the outbox copy only served the delivery.
	AttachmentDays int `toml:"attachment_days"`
	// InboundDays is how long the ids of handled inbound messages are kept
	// to recognise a redelivery. Telegram keeps undelivered updates for 24
	// hours and WhatsApp redelivers within days, so a week is ample.
	InboundDays int `toml:"inbound_days"`
	// OutboxDays is how long a delivered (or given up) outgoing message is
	// kept at all: past it the row is deleted, so that a year of reminders
	// does not grow the database for nothing. Pending and parked messages
	// are never deleted.
	OutboxDays int `toml:"outbox_days"`
}

// Retry is the [retry] section: how long a failed call to a chat network waits before it is
// tried again.
type Retry struct {
	// Backoff is the first wait before a failed send (the outbox) or a failed poll of Telegram is
	// tried again; each further failure doubles it, up to 10 minutes. A 429 waits the time the
	// platform names instead.
	Backoff Duration `toml:"backoff"`
}

// Roster is the [roster] section: what `lapkin import` accepts.
type Roster struct {
	// MaxRows is the most data rows a roster file may have; a larger one is refused before it is
	// read whole.
	MaxRows int `toml:"max_rows"`
}

// Backup is the [backup] section: scheduled copies of the database, taken
// while the bot runs (like `lapkin backup`).
type Backup struct {
	// Schedule is a five-field cron spec; empty turns scheduled backups off.
	Schedule string `toml:"schedule"`
	// Dir is where the copies go; empty means <data_dir>/backups. Use
	// [Config.BackupDir].
	Dir string `toml:"dir"`
	// Keep is how many copies are kept; the oldest are removed.
	Keep int `toml:"keep"`
}

// Kinerja is the [kinerja] section: the practice of daily-activity reports that pay the
// performance allowance (TPP): effective minutes against a threshold, and the month that closes.
type Kinerja struct {
	// MinutesDay is the effective minutes expected of one working day (390 in one ministry's
	// design: 7.5 hours); 0 = no daily threshold.
	MinutesDay int `toml:"minutes_day"`
	// MinutesMonth is the effective minutes expected of one month; 0 = the daily threshold times
	// the person's working days of the month (or none, when minutes_day is 0 too).
	MinutesMonth int `toml:"minutes_month"`
	// MinutesCount says which reports' minutes count: "auto" (validated reports only when
	// [reports] require_approval is on, else all), "all" or "approved".
	MinutesCount string `toml:"minutes_count"`
	// CloseDay is the day of the next month on which a month closes (at its end): until then
	// late reports for it, validations and leave may still change it; afterwards nothing does,
	// and its recap is final. 1-28; 0 = months never close.
	CloseDay int `toml:"close_day"`
}

// Default returns a new configuration holding every default value. It is
// what an empty config file yields, and it runs the console demo. Each call
// returns a fresh value, so callers may modify it.
func Default() *Config {
	c := &Config{
		App: App{
			Timezone: "Asia/Jakarta",
			Language: "id",
			DataDir:  "./data",
		},
		Schedule: Schedule{
			Reminder:      []string{"0 14 * * 1-5", "0 16 * * 1-5"},
			Deadline:      "0 8 * * 1-5",
			Contract:      "0 9 * * 1",
			Digest:        "0 16 * * 5",
			EvaluationDue: "0 8 * * 1",
			Maintenance:   "30 1 * * *",
			Review:        "0 9 * * 1-6",
			MonthlyRecap:  "0 7 * * *",
		},
		Evaluation: Evaluation{
			WeightAchievement: 0.6,
			WeightCompliance:  0.4,
			PassScore:         76,
			Bands: Bands{
				SangatBaik:     91,
				Baik:           76,
				ButuhPerbaikan: 61,
				Kurang:         51,
			},
			Checkpoints: "3b, 6b",
		},
		// Empty rather than nil slices, because that is what an explicit
		// "dates = []" decodes to: the example file then equals Default.
		Holidays: Holidays{Dates: []Holiday{}},
		Admin:    Admin{NIPs: []string{}},
		Reports: Reports{
			ReviewDays:    3,
			MaxText:       1000,
			MaxPhotoMB:    5,
			BackdateDays:  3,
			Abbreviations: map[string]string{},
		},
		Intake: Intake{
			MaxMessages:            30,
			Window:                 Duration{Duration: time.Minute},
			StrangerRepliesPerHour: 1000,
		},
		Digest: Digest{
			ShowMissing: true,
		},
		Retention: Retention{
			AttachmentDays: 30,
			InboundDays:    7,
			OutboxDays:     90,
		},
		Roster: Roster{MaxRows: 100_000},
		Retry:  Retry{Backoff: Duration{Duration: 2 * time.Second}},
		Backup: Backup{
			Schedule: "0 1 * * *",
			Keep:     7,
		},
		Kinerja: Kinerja{
			MinutesCount: "auto",
			CloseDay:     5,
		},
	}
	// The zone database is embedded, so this cannot fail; if it somehow
	// did, Location would load the zone itself.
	c.loc, _ = time.LoadLocation(c.App.Timezone)
	return c
}

// Load reads the TOML file at path over the defaults and validates the
// result.
//
// An empty path means no file: the defaults are used. A path that is given
// but cannot be read is an error, because an operator who names a file
// expects it to be used. Keys that Lapkin does not know are an error naming
// each of them, so that a typo such as "languge" is not silently ignored.
//
// networks names the sections of the networks ([telegram], [whatsapp],
// [email]…), which their adapters read themselves (chat.Network.Section and
// Configure: their defaults, their environment variables such as
// LAPKIN_TELEGRAM_TOKEN, their checks): they are kept as the file wrote them,
// for [Config.Section], and their keys are the network's to check. Without
// them such a section is an unknown key.
func Load(path string, networks ...string) (*Config, error) {
	c := Default()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read config: %w", err)
		}
		md, err := toml.Decode(string(data), c)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		undecoded := md.Undecoded()
		if len(networks) > 0 {
			c.file = string(data)
			c.sections = networkSections(undecoded, networks)
			undecoded = withoutSections(undecoded, c.sections)
		}
		if err := unknownKeys(path, undecoded); err != nil {
			return nil, err
		}
	}
	if err := c.Validate(); err != nil {
		if path == "" {
			return nil, err
		}
		return nil, prefixEach(path, err)
	}
	return c, nil
}

// unknownKeys turns the keys the decoder did not use into one error per key.
// A key inside an unknown table is not repeated: a misspelt [telegarm]
// section is reported once, not once per key in it.
func unknownKeys(path string, keys []toml.Key) error {
	var errs []error
	var reported []toml.Key
	for _, k := range keys {
		if hasPrefix(k, reported) {
			continue
		}
		reported = append(reported, k)
		errs = append(errs, fmt.Errorf("%s: unknown key %q", path, k.String()))
	}
	return errors.Join(errs...)
}

// hasPrefix reports whether one of prefixes is k itself or a table that
// contains k.
func hasPrefix(k toml.Key, prefixes []toml.Key) bool {
next:
	for _, p := range prefixes {
		if len(p) > len(k) {
			continue
		}
		for i := range p {
			if p[i] != k[i] {
				continue next
			}
		}
		return true
	}
	return false
}

// prefixEach puts path in front of every problem of a joined validation
// error, so that each line of the message says which file it is about.
func prefixEach(path string, err error) error {
	var list interface{ Unwrap() []error }
	if !errors.As(err, &list) {
		return fmt.Errorf("%s: %w", path, err)
	}
	errs := list.Unwrap()
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = fmt.Errorf("%s: %w", path, e)
	}
	return errors.Join(out...)
}

// Location returns the configured time zone. Default and Validate load it
// once; Location only loads it again when App.Timezone was changed since.
// An invalid zone yields UTC, but Load never returns a configuration with
// one, because Validate rejects it.
func (c *Config) Location() *time.Location {
	if c.loc != nil && c.loc.String() == c.App.Timezone {
		return c.loc
	}
	loc, err := time.LoadLocation(c.App.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// DatabasePath returns the SQLite file to open: [app] database when set,
// otherwise lapkin.db inside the data directory.
func (c *Config) DatabasePath() string {
	if c.App.Database != "" {
		return c.App.Database
	}
	return filepath.Join(c.App.DataDir, "lapkin.db")
}

// BackupDir returns where scheduled backups go: [backup] dir when set,
// otherwise backups inside the data directory.
func (c *Config) BackupDir() string {
	if c.Backup.Dir != "" {
		return c.Backup.Dir
	}
	return filepath.Join(c.App.DataDir, "backups")
}

// Redacted returns Lapkin's own sections of the configuration as TOML,
// without the networks' sections, so that the effective configuration can be
// printed or logged without leaking credentials: the secrets (the Telegram
// token, the e-mail passwords) are in the networks' sections, which are their
// adapters' to read (sections.go) and are never printed.
func (c *Config) Redacted() string {
	r := *c
	var b bytes.Buffer
	enc := toml.NewEncoder(&b)
	enc.Indent = "" // the layout of config.example.toml
	if err := enc.Encode(r); err != nil {
		// Every field type encodes; this only guards against a future
		// field that does not, without ever printing the raw struct.
		return fmt.Sprintf("config: cannot encode: %v", err)
	}
	return b.String()
}

// String returns [Config.Redacted], so that printing a *Config with fmt
// never shows a secret of the networks' sections.
func (c *Config) String() string { return c.Redacted() }

// GoString returns [Config.Redacted], so that %#v does not bypass the
// redaction either.
func (c *Config) GoString() string { return c.Redacted() }

// LogValue summarises the configuration for log/slog without secrets; it
// keeps a JSON log handler from marshalling the raw struct, the networks'
// sections (and their secrets) included.
func (c *Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("timezone", c.App.Timezone),
		slog.String("language", c.App.Language),
		slog.String("database", c.DatabasePath()),
		slog.String("http_listen", c.HTTP.Listen),
		slog.Bool("require_approval", c.Reports.RequireApproval),
	)
}
