package flows

import (
	"errors"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/parse"
)

// ParseQuickReport reads the text after /lapor (parse.QuickReport); a refusal comes back as an
// invalid-input flow error naming the refused word, so the reply says what is expected.
func ParseQuickReport(s string) (parse.Report, error) {
	q, err := parse.QuickReport(s)
	var pe *parse.Error
	if errors.As(err, &pe) {
		var args catalog.Args
		if pe.Token != "" {
			args = catalog.Args{"Token": pe.Token}
		}
		return q, invalid(pe.Key, args)
	}
	return q, err
}
