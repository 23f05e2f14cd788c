package bot

import (
	"context"
	"strings"
	"testing"
	"time"
)

var wib = time.FixedZone("WIB", 7*3600)

func TestSchedulerRefusesBadSpecByKey(t *testing.T) {
	t.Parallel()
	for _, spec := range []string{"0 14 * * 1-5 *", "TZ=0", "61 14 * * *", "nanti"} {
		_, err := NewScheduler(wib, NewManualClock(time.Now()), []JobSpec{{Name: "reminder", Key: "schedule.reminder[1]", Spec: spec}}, nil, nil, nil)
		if err == nil || !strings.Contains(err.Error(), "schedule.reminder[1]") {
			t.Errorf("spec %q: %v", spec, err)
		}
	}
}

func TestSchedulerDueAndCatchUp(t *testing.T) {
	t.Parallel()
	var ran []string
	run := func(ctx context.Context, job string, at time.Time) error {
		ran = append(ran, job+" "+at.Format("Mon 15:04"))
		return nil
	}
	// The digest's period is the ISO week; the reminder's the day.
	current := func(job string, at, now time.Time) bool {
		if job == "digest" {
			y1, w1 := at.ISOWeek()
			y2, w2 := now.ISOWeek()
			return y1 == y2 && w1 == w2
		}
		return at.YearDay() == now.YearDay()
	}
	jobs := []JobSpec{
		{Name: "reminder", Key: "schedule.reminder[0]", Spec: "0 14 * * 1-5"},
		{Name: "reminder", Key: "schedule.reminder[1]", Spec: "0 16 * * 1-5"},
		{Name: "digest", Key: "schedule.digest", Spec: "0 16 * * 5"},
	}
	clock := NewManualClock(time.Date(2026, 11, 27, 18, 0, 0, 0, wib)) // Friday 18:00
	s, err := NewScheduler(wib, clock, jobs, run, current, nil)
	if err != nil {
		t.Fatal(err)
	}
	due := s.Due(time.Date(2026, 11, 27, 9, 0, 0, 0, wib), time.Date(2026, 11, 27, 18, 0, 0, 0, wib))
	if len(due) != 3 || due[0].Job != "reminder" || due[0].At.Hour() != 14 || due[1].Job != "reminder" || due[2].Job != "digest" {
		t.Fatalf("due %+v", due)
	}
	// Down at Friday 16:00, up at 18:00: the digest goes out, and the 16:00 reminder once.
	if err := s.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	if strings.Join(ran, ", ") != "reminder Fri 16:00, digest Fri 16:00" {
		t.Fatalf("caught up %v", ran)
	}
	// Up on Monday: last week's digest and Friday's reminders are no longer current.
	ran = nil
	clock.Set(time.Date(2026, 11, 30, 8, 0, 0, 0, wib))
	s.CatchUp(context.Background())
	if len(ran) != 0 {
		t.Fatalf("caught up on Monday: %v", ran)
	}
	// :time runs what fell due, in order.
	ran = nil
	s.Tick(context.Background(), time.Date(2026, 11, 30, 8, 0, 0, 0, wib), time.Date(2026, 12, 4, 17, 0, 0, 0, wib))
	if len(ran) != 11 || ran[0] != "reminder Mon 14:00" || ran[10] != "digest Fri 16:00" {
		t.Fatalf("tick ran %v", ran)
	}
}
