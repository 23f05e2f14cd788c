package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/store"
)

// runOutbox is `lapkin outbox`: the outbox's counts and its parked messages (those whose attempts
// ran out), oldest first; `lapkin outbox retry [--id N]` puts the parked ones (or one) back in
// the queue, where a running `lapkin run` picks them up within its poll second, and a stopped one
// at its next start. Messages failed for good (refused by the platform, or to someone who blocked
// the bot) are counted but not retried: sending them again cannot work.
func runOutbox(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	retry := len(args) > 0 && args[0] == "retry"
	if retry {
		args = args[1:]
	}
	name := "outbox"
	if retry {
		name = "outbox retry"
	}
	fs, cf := newFlags(name, stderr)
	limit := fs.Int("limit", 50, "list at most this many parked messages")
	id := fs.Int64("id", 0, "with retry: only the parked message with this ID")
	if err := fs.Parse(args); err != nil {
		return errReported
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("outbox: unexpected %q (use `lapkin outbox` or `lapkin outbox retry [--id N]`)", fs.Arg(0))
	}
	if *limit <= 0 {
		return errors.New("outbox: --limit must be at least 1")
	}
	if *id != 0 && !retry {
		return errors.New("outbox: --id goes with retry: lapkin outbox retry --id N")
	}
	cfg, cat, lang, err := cf.loadConfigAndCatalog()
	if err != nil {
		return err
	}
	st, err := openExisting(ctx, "outbox", cfg)
	if err != nil {
		return err
	}
	defer st.Close()

	if retry {
		if *id != 0 {
			var e store.OutboxEntry
			err := st.View(ctx, func(tx *store.Tx) (err error) { e, err = tx.OutboxEntryByID(ctx, *id); return err })
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("outbox: no message #%d", *id)
			}
			if err != nil {
				return err
			}
			if e.Status != "parked" {
				return fmt.Errorf("outbox: #%d is %s, not parked; only parked messages are sent again", *id, e.Status)
			}
		}
		var n int
		err := st.Update(ctx, func(tx *store.Tx) (err error) {
			n, err = tx.RetryParked(ctx, *id)
			return err
		})
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, cat.T(lang, "cli.outbox_retried", catalog.Args{"Count": n}))
		return nil
	}

	var stats store.OutboxStats
	var sent int
	var parked []store.OutboxEntry
	err = st.View(ctx, func(tx *store.Tx) (err error) {
		if stats, err = tx.OutboxStats(ctx); err != nil {
			return err
		}
		if _, sent, _, err = tx.OutboxCounts(ctx); err != nil {
			return err
		}
		parked, err = tx.OutboxByStatus(ctx, "parked", *limit)
		return err
	})
	if err != nil {
		return err
	}
	pending := 0
	for _, n := range stats.Pending {
		pending += n
	}
	fmt.Fprintln(stdout, cat.T(lang, "cli.outbox_summary", catalog.Args{"Pending": pending, "Sent": sent, "Parked": stats.Parked, "Failed": stats.Failed}))
	if len(parked) == 0 {
		fmt.Fprintln(stdout, cat.T(lang, "cli.outbox_none_parked", nil))
		return nil
	}
	fmt.Fprintln(stdout, cat.T(lang, "cli.outbox_parked_header", catalog.Args{"Count": stats.Parked}))
	for _, e := range parked {
		fmt.Fprintf(stdout, "#%d  %s  %s:%s  %d attempts  %s\n", e.ID, e.CreatedAt.In(cfg.Location()).Format("2006-01-02 15:04:05"),
			e.Net, e.ChatID, e.Attempts, e.LastError)
		fmt.Fprintf(stdout, "    %s\n", payloadText(e.Payload))
	}
	return nil
}

// payloadText is the start of a queued reply's text, for a listing.
func payloadText(payload string) string {
	var p struct {
		Text         string `json:"text"`
		PhotoName    string `json:"photo_name"`
		DocumentName string `json:"document_name"`
	}
	if json.Unmarshal([]byte(payload), &p) != nil {
		return payload
	}
	text := strings.Join(strings.Fields(p.Text), " ")
	if r := []rune(text); len(r) > 120 {
		text = string(r[:120]) + "…"
	}
	switch {
	case p.DocumentName != "":
		text = "[" + p.DocumentName + "] " + text
	case p.PhotoName != "":
		text = "[" + p.PhotoName + "] " + text
	}
	return text
}
