package flows

import (
	"errors"

	"github.com/lapkin-id/lapkin/catalog"
)

// Error codes a flow returns. Each becomes a polite reply in the person's language; anything else a
// flow returns is an internal error that the person sees only as "maaf, terjadi kesalahan".
const (
	EINVALID   = "invalid"   // the input is not in the expected form
	ENOTFOUND  = "not_found" // the thing asked for does not exist or is not the person's
	EFORBIDDEN = "forbidden" // the person's role does not allow this
	ECONFLICT  = "conflict"  // the request clashes with the current state
)

// Error is a user-facing failure: Key names the catalog message that explains it.
type Error struct {
	Code string
	Key  string
	Args catalog.Args
}

func (e *Error) Error() string { return e.Code + ": " + e.Key }

func invalid(key string, args catalog.Args) error {
	return &Error{Code: EINVALID, Key: key, Args: args}
}
func notFound(key string, args catalog.Args) error {
	return &Error{Code: ENOTFOUND, Key: key, Args: args}
}
func forbidden(key string, args catalog.Args) error {
	return &Error{Code: EFORBIDDEN, Key: key, Args: args}
}
func conflict(key string, args catalog.Args) error {
	return &Error{Code: ECONFLICT, Key: key, Args: args}
}

// asError returns the flow error inside err, if any.
func asError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
