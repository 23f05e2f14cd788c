package roster

import "strings"

// NormalizePhone turns an Indonesian mobile number as people write it into the one form Lapkin
// stores and matches against, the international digits without "+": "0812-3456-789",
// "62812 3456 789", "+62 812-3456-789", "+62 (0)812 3456 789", "0062 812…" and "812…" all become
// "628123456789". WhatsApp identifies people and Telegram shares contacts in this form, so a
// roster number must be in it for `/daftar` to find the person.
//
// Spaces, hyphens, dots and brackets are ignored, and a "+" only at the start. The result must
// start with 628 and have 10 to 15 digits (ITU E.164 allows 15). Landline numbers (021…, 0741…)
// are rejected on purpose: they cannot register by sharing a contact or message from WhatsApp,
// and a landline in the phone column is almost always the office number rather than the
// person's; such a person can leave the column empty and register with a code from an admin.
//
// A problem is returned as a *FieldError (without line or column) whose Key says what is wrong;
// its Args hold Value, the number as given. NormalizePhone is idempotent: a normalised number
// normalises to itself.
func NormalizePhone(s string) (string, error) {
	given := strings.TrimSpace(s)
	fail := func(key string) (string, error) {
		return "", &FieldError{Key: key, Args: map[string]any{"Value": given}}
	}
	if given == "" {
		return fail(keyPhoneEmpty)
	}
	var b strings.Builder
	for i, r := range given {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '\t' || r == '\u00a0':
		case r == '+' && i == 0:
		default:
			return fail(keyPhoneChars)
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "00"): // international call prefix: 0062 812…
		d = d[2:]
	case strings.HasPrefix(d, "0"): // national trunk prefix: 0812…
		d = "62" + d[1:]
	case strings.HasPrefix(d, "8"): // the 0 left out, or lost when Excel stored it as a number
		d = "62" + d
	}
	// "+62 (0)812…" and "62 0812…" keep the trunk 0 after the country code.
	if strings.HasPrefix(d, "620") {
		d = "62" + d[3:]
	}
	if d == "" {
		return fail(keyPhoneLength)
	}
	if !strings.HasPrefix(d, "628") {
		return fail(keyPhoneNotMobile)
	}
	if len(d) < 10 || len(d) > 15 {
		return fail(keyPhoneLength)
	}
	return d, nil
}
