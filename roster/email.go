package roster

import (
	"net/mail"
	"strings"
)

// NormalizeEmail turns the address in a roster's email cell into the form Lapkin matches a mail's
// sender against: the bare address, lower-cased ("Budi.Santoso@Bekasikota.go.id" and
// "Budi <budi.santoso@bekasikota.go.id>" both become "budi.santoso@bekasikota.go.id"). Addresses
// are compared whole and lower-cased; the local part is case-insensitive on every office server
// Lapkin meets, and a roster typed by hand mixes cases.
//
// A cell that is not exactly one address with a domain that has a dot (a typo such as
// "budi@bekasikota", two addresses, a name alone) is returned as a *FieldError with Key
// roster.email_invalid and Value the cell as given. NormalizeEmail is idempotent.
func NormalizeEmail(s string) (string, error) {
	given := strings.TrimSpace(s)
	fail := func() (string, error) {
		return "", &FieldError{Key: keyEmailInvalid, Args: map[string]any{"Value": given}}
	}
	a, err := mail.ParseAddress(given)
	if err != nil || strings.ContainsAny(given, ",;") {
		return fail()
	}
	addr := strings.ToLower(a.Address)
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || local == "" || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") ||
		strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") || len(addr) > 254 {
		return fail()
	}
	return addr, nil
}
