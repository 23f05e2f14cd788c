package config

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"github.com/BurntSushi/toml"
)

// Section is one network's section of the configuration, handed to the network's adapter, which
// decodes it into its own settings (chat.Network.Configure; it satisfies chat.Section).
type Section struct {
	name   string
	decode func(v any) error
}

// Decode fills v, a pointer to a struct with `toml` tags, from the section; fields the section
// does not name keep what v held. A key the struct does not have is an error naming it.
func (s Section) Decode(v any) error {
	if s.decode == nil {
		return nil
	}
	return s.decode(v)
}

// Section returns the section name of the file. [telegram] and [whatsapp] come as this package
// read and checked them (its defaults, LAPKIN_TELEGRAM_TOKEN, the session path resolved), until
// their adapters own them; the section of any other network (one named to Load) comes as the
// file wrote it, or empty.
func (c *Config) Section(name string) Section {
	switch name {
	case "telegram":
		return Section{name: name, decode: func(v any) error { return roundTrip(c.Telegram, v) }}
	case "whatsapp":
		w := c.WhatsApp
		w.SessionDB = c.SessionDBPath()
		return Section{name: name, decode: func(v any) error { return roundTrip(w, v) }}
	}
	if !slices.Contains(c.sections, name) {
		return Section{name: name}
	}
	file := c.file
	return Section{name: name, decode: func(v any) error {
		// Decoded afresh each time, so that each decoding hears of the keys it leaves out.
		var all map[string]toml.Primitive
		md, err := toml.Decode(file, &all)
		if err != nil {
			return err
		}
		if err := md.PrimitiveDecode(all[name], v); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		var errs []error
		for _, k := range md.Undecoded() {
			if len(k) > 1 && k[0] == name {
				errs = append(errs, fmt.Errorf("%s: unknown key", k.String()))
			}
		}
		return errors.Join(errs...)
	}}
}

// roundTrip decodes v from a section this package has already decoded, by its TOML keys, so that
// the adapter reads the same keys whoever decodes them.
func roundTrip(section, v any) error {
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(section); err != nil {
		return err
	}
	_, err := toml.Decode(buf.String(), v)
	return err
}

// networkSections are the sections among keys of the given networks, which this package leaves
// to them.
func networkSections(keys []toml.Key, networks []string) []string {
	var out []string
	for _, k := range keys {
		if slices.Contains(networks, k[0]) && !builtIn(k[0]) && !slices.Contains(out, k[0]) {
			out = append(out, k[0])
		}
	}
	return out
}

// builtIn reports whether this package decodes the section itself.
func builtIn(name string) bool { return name == "telegram" || name == "whatsapp" }

// withoutSections leaves out the keys of the networks' own sections: those are the networks' to
// check, when they decode them.
func withoutSections(keys []toml.Key, sections []string) []toml.Key {
	var out []toml.Key
	for _, k := range keys {
		if !slices.Contains(sections, k[0]) {
			out = append(out, k)
		}
	}
	return out
}
