package flows

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lapkin-id/lapkin/calendar"
	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/parse"
	"github.com/lapkin-id/lapkin/store"
)

// cmdHoliday manages the holidays every OPD observes (admin): "/libur <tanggal> <keterangan>" adds
// or renames one, bare "/libur" or "/libur daftar" (cmdHolidayList) lists the next twelve months
// from the config and the database, "/libur hapus <tanggal>" (cmdHolidayDelete) deletes one added
// in chat.
func cmdHoliday(r *request, args string) error {
	words := strings.Fields(args)
	if len(words) == 0 {
		return r.listHolidays()
	}
	d, ok := parse.Date(words[0])
	if !ok {
		if dateLike.MatchString(words[0]) {
			return invalid("holiday.bad_date", r.holidayExample(catalog.Args{"Token": words[0]}))
		}
		return invalid("holiday.format", r.holidayExample(nil))
	}
	name := strings.Join(words[1:], " ")
	if name == "" {
		return invalid("holiday.no_name", catalog.Args{"Date": dateKey(d)})
	}
	if utf8.RuneCountInString(name) > maxHolidayName {
		return invalid("holiday.name_too_long", catalog.Args{"Max": maxHolidayName})
	}
	// Last year (a cuti bersama entered late corrects the compliance shown for it) to the end of
	// next year (the government's decree for next year comes out in autumn).
	first := time.Date(r.today.Year()-1, 1, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(r.today.Year()+1, 12, 31, 0, 0, 0, 0, time.UTC)
	if d.Before(first) || d.After(last) {
		return invalid("holiday.out_of_range", catalog.Args{"Date": FormatDate(r.lang, d),
			"First": FormatDate(r.lang, first), "Last": FormatDate(r.lang, last)})
	}
	key := dateKey(d)
	long := FormatLongDate(r.lang, d)
	if h, ok := r.configHoliday(key); ok {
		return conflict("holiday.in_config", catalog.Args{"Date": long, "Name": h.Name})
	}
	if err := r.checkHolidayMonthOpen(d); err != nil {
		return err
	}
	old, err := r.tx.HolidaysBetween(r.ctx, key, key)
	if err != nil {
		return err
	}
	if err := r.tx.AddHoliday(r.ctx, store.Holiday{Date: calendar.Of(d), Name: name}, r.who.NIP, r.now); err != nil {
		return err
	}
	if len(old) > 0 {
		r.say("holiday.updated", catalog.Args{"Date": long, "Name": name, "Old": old[0].Name})
		return nil
	}
	r.say("holiday.added", catalog.Args{"Date": long, "Name": name})
	return nil
}

// holidayExample gives the format messages of /libur the year of the next 24 December, so that
// the example date can be sent as it is.
func (r *request) holidayExample(args catalog.Args) catalog.Args {
	if args == nil {
		args = catalog.Args{}
	}
	year := r.today.Year()
	if r.today.After(time.Date(year, 12, 24, 0, 0, 0, 0, time.UTC)) {
		year++
	}
	args["Year"] = year
	return args
}

// configHoliday returns the holiday the config file sets on date, if any.
func (r *request) configHoliday(date string) (store.Holiday, bool) {
	for _, h := range r.e.opt.Holidays {
		if h.Date.String() == date {
			return h, true
		}
	}
	return store.Holiday{}, false
}

// listHolidays shows the holidays of the next twelve months, those of the config marked: they can
// be changed only in the config file.
// cmdHolidayList is /libur daftar.
func cmdHolidayList(r *request, _ string) error { return r.listHolidays() }

// cmdHolidayDelete is /libur hapus <tanggal>.
func cmdHolidayDelete(r *request, args string) error { return r.deleteHoliday(strings.Fields(args)) }

func (r *request) listHolidays() error {
	from, to := r.today, r.today.AddDate(1, 0, -1)
	city, err := r.cityCalendar(from, to)
	if err != nil {
		return err
	}
	hs := city.Between(calendar.Of(from), calendar.Of(to))
	window := catalog.Args{"From": FormatDate(r.lang, from), "To": FormatDate(r.lang, to)}
	if len(hs) == 0 {
		r.say("holiday.list_empty", window)
		return nil
	}
	lines := []string{r.t("holiday.list_title", window)}
	anyConfig := false
	for _, h := range hs {
		d := h.Date.Time()
		config := h.Source == calendar.SourceConfig
		anyConfig = anyConfig || config
		lines = append(lines, r.t("holiday.list_item", catalog.Args{
			"Day": dayAbbrev(r.lang, d.Weekday()) + ", " + FormatDate(r.lang, d), "Name": h.Name, "Config": config}))
	}
	lines = append(lines, r.t("holiday.list_footer", catalog.Args{"Config": anyConfig}))
	r.sayText(strings.Join(lines, "\n"))
	return nil
}

// deleteHoliday deletes a holiday added in chat. One from the config file is refused: deleting it
// here would not survive the next restart, so the admin is told where it lives.
func (r *request) deleteHoliday(words []string) error {
	if len(words) != 1 {
		return invalid("holiday.delete_format", r.holidayExample(nil))
	}
	d, ok := parse.Date(words[0])
	if !ok {
		return invalid("holiday.delete_format", r.holidayExample(nil))
	}
	key := dateKey(d)
	long := FormatLongDate(r.lang, d)
	if h, ok := r.configHoliday(key); ok {
		return conflict("holiday.config_only", catalog.Args{"Date": long, "Name": h.Name})
	}
	if err := r.checkHolidayMonthOpen(d); err != nil {
		return err
	}
	old, err := r.tx.HolidaysBetween(r.ctx, key, key)
	if err != nil {
		return err
	}
	if len(old) == 0 {
		return notFound("holiday.not_found", catalog.Args{"Date": long})
	}
	if err := r.tx.DeleteHoliday(r.ctx, key); err != nil {
		return err
	}
	r.say("holiday.deleted", catalog.Args{"Date": long, "Name": old[0].Name})
	return nil
}
