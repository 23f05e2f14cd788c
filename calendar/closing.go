package calendar

// Closing is the rule of the month that closes ([kinerja] close_day): a month closes at the end
// of day Closing of the month after it, and from then on nothing about it changes (its recap is
// final and goes to payroll). Closing 0 is a city whose months never close.
type Closing int

// LastOpen returns the last day on which m is still open; the zero Date when months never close.
// A close day past the end of a short month is that month's last day.
func (c Closing) LastOpen(m Month) Date {
	if c <= 0 {
		return 0
	}
	return m.Next().Day(int(c))
}

// Closed reports whether m is closed on today.
func (c Closing) Closed(m Month, today Date) bool {
	return c > 0 && today > c.LastOpen(m)
}

// FirstOpen returns the first day of the oldest month still open on today: the previous month's
// first day until its close day has passed, then this month's. The zero Date when months never
// close (every day is open).
func (c Closing) FirstOpen(today Date) Date {
	if c <= 0 {
		return 0
	}
	this := MonthOf(today)
	if prev := this.Prev(); !c.Closed(prev, today) {
		return prev.First()
	}
	return this.First()
}
