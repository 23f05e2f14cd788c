package flows

import (
	"context"
	"errors"
	"fmt"

	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/store"
)

// fetchMedia downloads a message's photo (or image document) before its transaction, and only for
// someone Lapkin serves: a linked account, or a WhatsApp number the roster holds (whose first
// message links it). A stranger's photo is never downloaded (issue 26, item 4): they get the
// registration help whatever they sent, and their bytes cost nothing. Groups take no evidence.
//
// A file over the limit comes back with its size (the flow says so); one the transport gave up on
// makes the message a dead letter; any other failure is returned, so that the message is not
// acknowledged and comes again.
func (e *Engine) fetchMedia(ctx context.Context, m chat.Message) (chat.Message, error) {
	p := m.Photo
	if p == nil || p.Data != nil || p.Fetch == nil || m.Failed != nil {
		return m, nil
	}
	fetch := p.Fetch
	photo := *p
	photo.Fetch = nil
	m.Photo = &photo
	if m.Group {
		return m, nil
	}
	known, err := e.knownSender(ctx, m)
	if err != nil || !known {
		return m, err
	}
	data, err := fetch(ctx)
	var f *chat.Failure
	switch {
	case errors.Is(err, chat.ErrTooBig):
		photo.Size = max(photo.Size, e.opt.MaxPhotoBytes+1)
	case errors.As(err, &f):
		m.Failed = f
	case err != nil:
		return m, fmt.Errorf("download photo: %w", err)
	case int64(len(data)) > e.opt.MaxPhotoBytes:
		photo.Size = int64(len(data))
	default:
		photo.Data, photo.Size = data, int64(len(data))
	}
	return m, nil
}

// knownSender reports whether m's sender is someone Lapkin serves: their account is linked, or
// they write from a number (WhatsApp) or an address (e-mail) of the roster, which their message is
// about to link.
func (e *Engine) knownSender(ctx context.Context, m chat.Message) (bool, error) {
	known := false
	err := e.store.View(ctx, func(tx *store.Tx) error {
		_, err := tx.LookupIdentity(ctx, m.Sender.Net, m.Sender.ID)
		if err == nil {
			known = true
			return nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if m.Contact == nil || !m.Contact.Implicit {
			return nil
		}
		_, _, _, vouched, err := vouchedEmployee(ctx, tx, m.Contact)
		if !vouched || errors.Is(err, store.ErrNotFound) {
			return nil
		}
		known = err == nil
		return err
	})
	return known, err
}
