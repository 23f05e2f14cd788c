// Package catalog holds every user-facing text of Lapkin: chat replies, reminders, digests and the
// operator's CLI messages, in Bahasa Indonesia first and English complete.
//
// Messages live in TOML files under locales/, one pair per area (`flows.id.toml`, `flows.en.toml`,
// `roster.id.toml`, …) so that each part of the program owns its own texts. The language is read
// from the file name, as go-i18n does. Templates use text/template with the data given to T.
package catalog

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.toml
var locales embed.FS

// Languages are the reply languages Lapkin speaks, the default first.
var Languages = []string{"id", "en"}

// Args is the data given to a message template, keyed by the names the template uses.
type Args = map[string]any

// Catalog renders messages by key in a person's language.
type Catalog struct {
	bundle *i18n.Bundle
	loc    map[string]*i18n.Localizer
	keys   map[string]map[string]bool // language -> message ids
}

// New loads the embedded message files.
func New() (*Catalog, error) {
	b := i18n.NewBundle(language.Indonesian)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	c := &Catalog{bundle: b, loc: map[string]*i18n.Localizer{}, keys: map[string]map[string]bool{}}
	files, err := fs.Glob(locales, "locales/*.toml")
	if err != nil {
		return nil, fmt.Errorf("list message files: %w", err)
	}
	for _, f := range files {
		mf, err := b.LoadMessageFileFS(locales, f)
		if err != nil {
			return nil, fmt.Errorf("load message file %s: %w", path.Base(f), err)
		}
		lang := mf.Tag.String()
		if c.keys[lang] == nil {
			c.keys[lang] = map[string]bool{}
		}
		for _, m := range mf.Messages {
			c.keys[lang][m.ID] = true
		}
	}
	for _, l := range Languages {
		// Only the person's own language: falling back to another one would mix languages in one
		// message, which UX.md forbids; the completeness test keeps every key in both.
		c.loc[l] = i18n.NewLocalizer(b, l)
	}
	return c, nil
}

// Must is New for program start-up and tests, where a broken embedded catalog is a programming error.
func Must() *Catalog {
	c, err := New()
	if err != nil {
		panic(err)
	}
	return c
}

// Lang returns a supported language for l, the default when l is unknown.
func Lang(l string) string {
	l = strings.ToLower(strings.TrimSpace(l))
	for _, s := range Languages {
		if l == s {
			return s
		}
	}
	return Languages[0]
}

// T renders message key in lang with data. When data has a Count, it picks the message's plural
// form by it (CLDR rules for the language, through go-i18n). A missing key renders as "[key]" so that a mistake is
// visible rather than silent; the catalog test makes sure none is missing.
func (c *Catalog) T(lang, key string, data Args) string {
	loc := c.loc[Lang(lang)]
	lc := &i18n.LocalizeConfig{MessageID: key, TemplateData: data}
	if n, ok := data["Count"]; ok {
		// A message may have plural forms (English: { one = "…", other = "…" }), chosen by its
		// Count; Indonesian has only "other", so its messages stay plain strings.
		lc.PluralCount = n
	}
	s, err := loc.Localize(lc)
	if err != nil && s == "" {
		return "[" + key + "]"
	}
	// Otherwise a message without a "one" form was rendered with its only ("other") form, and
	// go-i18n still reports the missing form: that is not a mistake.
	// A name that ends in a degree ("M.Si.") at the end of a sentence would read "M.Si..". Most
	// texts have no two stops at all: the plain search spares them the regexp (a city's
	// evaluation renders 200,000 texts).
	if !strings.Contains(s, "..") {
		return s
	}
	return doubleStop.ReplaceAllString(s, "$1.$2")
}

// doubleStop is two full stops ending a sentence (before a space, a line end or the end), not
// part of an ellipsis, and not a range such as "2026-01-05..2026-04-04".
var doubleStop = regexp.MustCompile(`([^.])\.\.(\s|$)`)

// Has reports whether key exists in lang.
func (c *Catalog) Has(lang, key string) bool { return c.keys[Lang(lang)][key] }

// Keys returns the sorted message ids of lang.
func (c *Catalog) Keys(lang string) []string {
	var out []string
	for k := range c.keys[lang] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
