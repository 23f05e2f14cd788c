package config

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

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

// Section returns the section name of the file, for the network that owns it: as the file wrote
// it, with the keys set by [Config.Set] over it, or empty.
func (c *Config) Section(name string) Section {
	var texts []string
	if slices.Contains(c.sections, name) {
		texts = append(texts, c.file)
	}
	if o, ok := c.overlay[name]; ok {
		var buf bytes.Buffer
		if err := toml.NewEncoder(&buf).Encode(map[string]any{name: o}); err != nil {
			return Section{name: name, decode: func(any) error { return fmt.Errorf("%s: %w", name, err) }}
		}
		texts = append(texts, buf.String())
	}
	if len(texts) == 0 {
		return Section{name: name}
	}
	return Section{name: name, decode: func(v any) error {
		for _, text := range texts {
			if err := decodeSection(text, name, v); err != nil {
				return err
			}
		}
		return nil
	}}
}

// decodeSection decodes the section name of the TOML text into v, naming each key v does not have.
func decodeSection(text, name string, v any) error {
	// Decoded afresh each time, so that each decoding hears of the keys it leaves out.
	var all map[string]toml.Primitive
	md, err := toml.Decode(text, &all)
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
}

// Set sets a key of a network's section ("telegram.mode", "email.imap.host") over what the file
// wrote, as a program configures a network without writing a file (the tests, `lapkin bench`).
// value is what the key holds in TOML: a string (a duration as "1s"), a number or a bool; nil
// takes the key back, so that the file's value or the network's default holds again. The network
// checks it when it configures itself, as it checks the file. A copy of the Config made before
// Set does not see it.
func (c *Config) Set(key string, value any) {
	parts := strings.Split(key, ".")
	c.overlay = cloneTable(c.overlay)
	t := c.overlay
	for _, p := range parts[:len(parts)-1] {
		sub, _ := t[p].(map[string]any)
		if sub == nil {
			sub = map[string]any{}
			t[p] = sub
		}
		t = sub
	}
	if value == nil {
		delete(t, parts[len(parts)-1])
	} else {
		t[parts[len(parts)-1]] = value
	}
}

// cloneTable is a deep copy of a table of Set.
func cloneTable(t map[string]any) map[string]any {
	out := make(map[string]any, len(t))
	for k, v := range t {
		if sub, ok := v.(map[string]any); ok {
			v = cloneTable(sub)
		}
		out[k] = v
	}
	return out
}

// networkSections are the sections among keys of the given networks, which this package leaves
// to them.
func networkSections(keys []toml.Key, networks []string) []string {
	var out []string
	for _, k := range keys {
		if slices.Contains(networks, k[0]) && !slices.Contains(out, k[0]) {
			out = append(out, k[0])
		}
	}
	return out
}

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
