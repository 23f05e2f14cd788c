package chat

import (
	"fmt"
	"time"
)

// Duration is a time.Duration written in a config file as a Go duration string ("3s", "500ms",
// "1m30s"), because TOML has no duration type and a bare number would leave the unit to
// guesswork. Lapkin's own sections (package config) and every network's section use it.
type Duration struct {
	time.Duration
}

// UnmarshalText parses a duration string such as "3s" or "500ms".
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := time.ParseDuration(string(text))
	if err != nil {
		return fmt.Errorf("invalid duration %q: write a number with a unit, such as \"3s\" or \"500ms\"", text)
	}
	d.Duration = v
	return nil
}

// MarshalText writes the duration in the form UnmarshalText reads, so that an encoded
// configuration loads back unchanged.
func (d Duration) MarshalText() ([]byte, error) {
	return []byte(d.Duration.String()), nil
}
