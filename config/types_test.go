package config

import (
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/calendar"
)

func TestDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{in: "3s", want: 3 * time.Second},
		{in: "500ms", want: 500 * time.Millisecond},
		{in: "1m30s", want: 90 * time.Second},
		{in: "0s", want: 0},
		{in: "0", want: 0}, // time.ParseDuration accepts a bare zero
		{in: "-1s", want: -time.Second},
		{in: "3", wantErr: true},
		{in: "", wantErr: true},
		{in: "3 detik", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			var d Duration
			err := d.UnmarshalText([]byte(tc.in))
			if tc.wantErr {
				if err == nil {
					t.Fatalf("UnmarshalText(%q) = %v, want error", tc.in, d)
				}
				return
			}
			if err != nil {
				t.Fatalf("UnmarshalText(%q): %v", tc.in, err)
			}
			if d.Duration != tc.want {
				t.Fatalf("UnmarshalText(%q) = %v, want %v", tc.in, d.Duration, tc.want)
			}
			text, _ := d.MarshalText()
			var back Duration
			if err := back.UnmarshalText(text); err != nil || back != d {
				t.Errorf("round trip through %q gave %v, %v", text, back, err)
			}
		})
	}
}

func TestParseHoliday(t *testing.T) {
	t.Parallel()
	day := calendar.New
	tests := []struct {
		in      string
		want    Holiday
		wantErr bool
	}{
		{in: "2026-12-25", want: Holiday{Date: day(2026, 12, 25)}},
		{in: "2026-08-17 HUT RI", want: Holiday{Date: day(2026, 8, 17), Name: "HUT RI"}},
		{in: "  2026-01-01   Tahun Baru Masehi  ", want: Holiday{Date: day(2026, 1, 1), Name: "Tahun Baru Masehi"}},
		{in: "2026-05-01\tHari Buruh", want: Holiday{Date: day(2026, 5, 1), Name: "Hari Buruh"}},
		{in: "2028-02-29 kabisat", want: Holiday{Date: day(2028, 2, 29), Name: "kabisat"}},
		{in: "2026-02-29", wantErr: true},
		{in: "25-12-2026", wantErr: true},
		{in: "2026-12-5", wantErr: true},
		{in: "Natal", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseHoliday(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("ParseHoliday(%q) = %v, want error", tc.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseHoliday(%q): %v", tc.in, err)
			}
			if got.Date != tc.want.Date || got.Name != tc.want.Name {
				t.Fatalf("ParseHoliday(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
			back, err := ParseHoliday(got.String())
			if err != nil || back != got {
				t.Errorf("round trip through %q gave %+v, %v", got.String(), back, err)
			}
		})
	}
}

func TestHolidayUnmarshalTOML(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      any
		want    Holiday
		wantErr bool
	}{
		{name: "string", in: "2026-12-25 Natal", want: Holiday{Date: calendar.New(2026, 12, 25), Name: "Natal"}},
		{name: "local date", in: time.Date(2026, 12, 25, 0, 0, 0, 0, time.FixedZone("date-local", 7*3600)),
			want: Holiday{Date: calendar.New(2026, 12, 25)}},
		{name: "datetime", in: time.Date(2026, 12, 25, 8, 0, 0, 0, time.UTC), wantErr: true},
		{name: "number", in: int64(20261225), wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var h Holiday
			err := h.UnmarshalTOML(tc.in)
			if tc.wantErr != (err != nil) {
				t.Fatalf("UnmarshalTOML(%v) error = %v, want error %v", tc.in, err, tc.wantErr)
			}
			if !tc.wantErr && h != tc.want {
				t.Errorf("UnmarshalTOML(%v) = %+v, want %+v", tc.in, h, tc.want)
			}
		})
	}
}
