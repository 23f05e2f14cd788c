package calendar

import (
	"testing"
	"time"
)

func TestDateRoundTrip(t *testing.T) {
	t.Parallel()
	jakarta, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	for d := New(1969, 12, 25); d < New(2031, 1, 10); d++ {
		back, err := Parse(d.String())
		if err != nil || back != d {
			t.Fatalf("%s: parsed back as %v (%v)", d, back, err)
		}
		if got := d.Time().Weekday(); got != d.Weekday() {
			t.Fatalf("%s: weekday %v, time says %v", d, d.Weekday(), got)
		}
		if Of(d.In(jakarta)) != d || Of(d.Time()) != d {
			t.Fatalf("%s: not its own date in Jakarta or UTC", d)
		}
	}
	// An instant just after midnight in Jakarta is that day there, and the day before in UTC.
	at := time.Date(2026, 11, 23, 0, 30, 0, 0, jakarta)
	if Of(at) != New(2026, 11, 23) || Of(at.UTC()) != New(2026, 11, 22) {
		t.Fatalf("Of(%v) = %s, UTC %s", at, Of(at), Of(at.UTC()))
	}
	if New(2026, 11, 31) != New(2026, 12, 1) {
		t.Fatal("31 November is not normalised to 1 December")
	}
	var zero Date
	if !zero.IsZero() || zero.String() != "" {
		t.Fatal("the zero Date is not empty")
	}
}

func TestParseRefuses(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "2026-2-01", "2026-02-30", "2026-13-01", "0000-01-01", "23-11-2026", "2026/11/23", "2026-11-2x", " 2026-11-23"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) accepted", s)
		}
	}
}

func TestMonth(t *testing.T) {
	t.Parallel()
	m, err := ParseMonth("2026-02")
	if err != nil {
		t.Fatal(err)
	}
	if m.First() != New(2026, 2, 1) || m.Last() != New(2026, 2, 28) || m.Next().String() != "2026-03" || m.Prev().String() != "2026-01" {
		t.Fatalf("February 2026: %s..%s, next %s, prev %s", m.First(), m.Last(), m.Next(), m.Prev())
	}
	if m.Day(31) != New(2026, 2, 28) || m.Day(5) != New(2026, 2, 5) {
		t.Fatal("Day does not clamp to the month")
	}
	if (Month{2026, 12}).Next().String() != "2027-01" {
		t.Fatal("December's next month")
	}
	for _, s := range []string{"2026-13", "2026-1", "202611", "2026-11-01"} {
		if _, err := ParseMonth(s); err == nil {
			t.Errorf("ParseMonth(%q) accepted", s)
		}
	}
}

func TestHolidayForms(t *testing.T) {
	t.Parallel()
	h, err := ParseHoliday("  2026-12-25   Hari Raya Natal ")
	if err != nil || h.Date != New(2026, 12, 25) || h.Name != "Hari Raya Natal" || h.String() != "2026-12-25 Hari Raya Natal" {
		t.Fatalf("got %+v, %v", h, err)
	}
	var bare Holiday
	if err := bare.UnmarshalTOML(time.Date(2026, 8, 17, 0, 0, 0, 0, time.Local)); err != nil || bare.Date != New(2026, 8, 17) {
		t.Fatalf("a bare TOML date: %+v, %v", bare, err)
	}
	if err := bare.UnmarshalTOML(time.Date(2026, 8, 17, 9, 0, 0, 0, time.UTC)); err == nil {
		t.Fatal("a date with a time was accepted")
	}
	if _, err := ParseHoliday("25-12-2026 Natal"); err == nil {
		t.Fatal("a day-first date was accepted in the config form")
	}
}

// November 2026 in a city with one holiday (Tuesday 17 November, a test day) and the config's
// name winning over the database's for 25 December.
func TestCount(t *testing.T) {
	t.Parallel()
	cal := NewCalendar(
		[]Holiday{{Date: New(2026, 12, 25), Name: "Hari Raya Natal", Source: SourceConfig}},
		[]Holiday{{Date: New(2026, 11, 17), Name: "Libur uji", Source: SourceStored}, {Date: New(2026, 12, 25), Name: "Natal", Source: SourceStored}},
	)
	if h, _ := cal.Holiday(New(2026, 12, 25)); h.Name != "Hari Raya Natal" {
		t.Fatalf("the first source does not win: %+v", h)
	}
	leave := []Span{{New(2026, 11, 16), New(2026, 11, 18)}} // Monday to Wednesday, over the holiday
	reported := func(d Date) bool { return d.Day()%2 == 0 } // even days
	nov := MonthOf(New(2026, 11, 1))
	for _, tc := range []struct {
		name     string
		days     Days
		want     Count
		computed string
	}{
		// 1 Nov 2026 is a Sunday. Monday–Friday: 21 days (2–6, 9–13, 16–20, 23–27, 30), less the
		// holiday on the 17th = 20 working days. Even ones among them: 2, 4, 6, 10, 12, 16, 18, 20,
		// 24, 26, 30 = 11.
		{"five days", cal.Days(5), Count{Work: 20, Reported: 11, Holiday: 1}, "21 weekdays - 1 holiday"},
		// Saturdays 7, 14, 21, 28 added: 24 working days; even: 14 and 28 more = 13.
		{"six days", cal.Days(6), Count{Work: 24, Reported: 13, Holiday: 1}, "25 - 1"},
		// Leave 16–18 takes the 16th and 18th (the 17th stays a holiday): 18 working days,
		// even ones lose 16 and 18 = 9.
		{"five days with leave", cal.Days(5, leave...), Count{Work: 18, Reported: 9, Holiday: 1, Leave: 2}, "20 - 2 leave"},
	} {
		got := tc.days.Count(nov.First(), nov.Last(), reported)
		if got != tc.want {
			t.Errorf("%s (%s): got %+v, want %+v", tc.name, tc.computed, got, tc.want)
		}
		if n := len(tc.days.WorkingDays(nov.First(), nov.Last())); n != tc.want.Work {
			t.Errorf("%s: %d working days listed, counted %d", tc.name, n, tc.want.Work)
		}
	}
	d := cal.Days(5, leave...)
	for day, want := range map[Date]Kind{New(2026, 11, 15): Weekend, New(2026, 11, 14): Weekend, New(2026, 11, 16): Leave,
		New(2026, 11, 17): Off, New(2026, 11, 19): Work} {
		if got := d.Kind(day); got != want {
			t.Errorf("%s: %v, want %v", day, got, want)
		}
	}
	if cal.Days(6).Kind(New(2026, 11, 14)) != Work {
		t.Error("Saturday is a working day of a six-day OPD")
	}
}

func TestAddWorkingDays(t *testing.T) {
	t.Parallel()
	cal := NewCalendar([]Holiday{{Date: New(2026, 11, 26), Name: "Libur uji"}})
	five := cal.Days(5)
	// A report of Monday 23 November, 3 working days to check it: 24, 25, (26 holiday), 27.
	if got := five.AddWorkingDays(New(2026, 11, 23), 3); got != New(2026, 11, 27) {
		t.Fatalf("got %s, want 2026-11-27", got)
	}
	// From Friday 27: Monday 30, Tuesday 1 December.
	if got := five.AddWorkingDays(New(2026, 11, 27), 2); got != New(2026, 12, 1) {
		t.Fatalf("got %s, want 2026-12-01", got)
	}
	if got := cal.Days(6).AddWorkingDays(New(2026, 11, 27), 2); got != New(2026, 11, 30) {
		t.Fatalf("six days: got %s, want 2026-11-30 (Saturday 28, Monday 30)", got)
	}
	if got := five.AddWorkingDays(New(2026, 11, 23), 0); got != New(2026, 11, 23) {
		t.Fatal("zero working days moved the date")
	}
}

func TestStreak(t *testing.T) {
	t.Parallel()
	cal := NewCalendar([]Holiday{{Date: New(2026, 11, 19), Name: "Libur uji"}})
	days := cal.Days(5, Span{New(2026, 11, 12), New(2026, 11, 12)})
	rep := map[Date]bool{}
	for _, d := range []Date{New(2026, 11, 10), New(2026, 11, 11), New(2026, 11, 13), New(2026, 11, 16), New(2026, 11, 17), New(2026, 11, 18), New(2026, 11, 20)} {
		rep[d] = true
	}
	has := func(d Date) bool { return rep[d] }
	// Monday 23 not reported yet: from Friday 20 back over the holiday (19), the weekend and the
	// leave (12) to Tuesday 10; Monday 9 has none. 20, 18, 17, 16, 13, 11, 10 = 7.
	if n, open := days.Streak(New(2026, 11, 23), has, 60); n != 7 || open {
		t.Fatalf("streak %d open %v, want 7 closed", n, open)
	}
	// Five days back from Sunday 22: 22, 21 (weekend), 20, 19 (holiday), 18 = 2, and it goes on.
	if n, open := days.Streak(New(2026, 11, 23), has, 5); n != 2 || !open {
		t.Fatalf("within 5 days: streak %d open %v, want 2 open", n, open)
	}
}

func TestClosing(t *testing.T) {
	t.Parallel()
	c := Closing(5)
	nov := Month{2026, 11}
	if c.LastOpen(nov) != New(2026, 12, 5) {
		t.Fatalf("November is open until %s, want 2026-12-05", c.LastOpen(nov))
	}
	for day, want := range map[Date]bool{New(2026, 12, 5): false, New(2026, 12, 6): true, New(2026, 11, 30): false} {
		if got := c.Closed(nov, day); got != want {
			t.Errorf("November closed on %s: %v, want %v", day, got, want)
		}
	}
	if c.FirstOpen(New(2026, 12, 5)) != New(2026, 11, 1) || c.FirstOpen(New(2026, 12, 6)) != New(2026, 12, 1) {
		t.Fatal("FirstOpen around the close day")
	}
	// A close day past a short month's end is its last day: January closes on 28 February.
	if got := Closing(28).LastOpen(Month{2027, 1}); got != New(2027, 2, 28) {
		t.Fatalf("got %s", got)
	}
	if Closing(0).Closed(Month{2020, 1}, New(2026, 12, 6)) || !Closing(0).FirstOpen(New(2026, 12, 6)).IsZero() {
		t.Fatal("close day 0 closes something")
	}
}

func TestMondayCompareSQL(t *testing.T) {
	// 23 November 2026 is a Monday; its week runs to Sunday 29 November.
	for d := New(2026, 11, 23); d <= New(2026, 11, 29); d++ {
		if got := d.Monday(); got != New(2026, 11, 23) {
			t.Fatalf("Monday of %s = %s", d, got)
		}
	}
	if got := New(2026, 11, 30).Monday(); got != New(2026, 11, 30) {
		t.Fatalf("Monday of a Monday = %s", got)
	}
	// The formula the digest and the notices used: day - ((weekday + 6) % 7) days.
	for d := New(2025, 12, 20); d < New(2027, 1, 10); d++ {
		tm := d.Time()
		if want := Of(tm.AddDate(0, 0, -((int(tm.Weekday()) + 6) % 7))); d.Monday() != want {
			t.Fatalf("Monday of %s = %s, the formula says %s", d, d.Monday(), want)
		}
	}
	a, b := New(2026, 1, 1), New(2026, 1, 2)
	if a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Fatal("Compare")
	}
	jakarta, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	if got := OfIn(time.Date(2026, 11, 22, 17, 30, 0, 0, time.UTC), jakarta); got != New(2026, 11, 23) {
		t.Fatalf("OfIn = %s", got)
	}
	v, err := b.Value()
	if err != nil || v != "2026-01-02" {
		t.Fatalf("Value = %#v, %v", v, err)
	}
	if v, _ := Date(0).Value(); v != nil {
		t.Fatalf("zero Value = %#v", v)
	}
	var d Date
	for _, src := range []any{"2026-01-02", []byte("2026-01-02"), time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)} {
		d = 0
		if err := d.Scan(src); err != nil || d != b {
			t.Fatalf("Scan(%#v) = %s, %v", src, d, err)
		}
	}
	if err := d.Scan(nil); err != nil || !d.IsZero() {
		t.Fatalf("Scan(nil) = %s, %v", d, err)
	}
	for _, src := range []any{"2026-02-30", "", 42} {
		if err := d.Scan(src); err == nil {
			t.Fatalf("Scan(%#v) took it", src)
		}
	}
}

func TestWeekEnd(t *testing.T) {
	// The week of Monday 23 November 2026: Friday 27th for five days, Saturday 28th for six.
	for d := New(2026, 11, 23); d <= New(2026, 11, 29); d++ {
		if got := WeekEnd(d, 5); got != New(2026, 11, 27) {
			t.Fatalf("WeekEnd(%s, 5) = %s", d, got)
		}
		if got := WeekEnd(d, 6); got != New(2026, 11, 28) {
			t.Fatalf("WeekEnd(%s, 6) = %s", d, got)
		}
	}
	// The digest's formula from a Monday: Monday + workDays - 1.
	for m := New(2025, 12, 29); m < New(2027, 1, 4); m += 7 {
		for _, wd := range []int{5, 6} {
			if got := WeekEnd(m, wd); got != m.AddDays(wd-1) {
				t.Fatalf("WeekEnd(%s, %d) = %s", m, wd, got)
			}
		}
	}
}
