package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/store"
)

// rawShown is how much of a dead letter's raw update `lapkin inbox --failed` prints; --raw prints
// it whole.
const rawShown = 300

// runInbox is `lapkin inbox`: a summary of the outbox and the failed inbound messages, or with
// --failed the failed messages themselves (dead letters), newest first, with their reason and raw
// content, for the operator to see what a person sent that Lapkin could not take.
func runInbox(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cf := newFlags("inbox", stderr)
	failed := fs.Bool("failed", false, "list the inbound messages that could not be handled (dead letters)")
	limit := fs.Int("limit", 50, "list at most this many")
	full := fs.Bool("raw", false, "print each raw update whole")
	if err := fs.Parse(args); err != nil {
		return errReported
	}
	if *limit <= 0 {
		return errors.New("inbox: --limit must be at least 1")
	}
	cfg, err := cf.loadConfig()
	if err != nil {
		return err
	}
	if _, err := os.Stat(cfg.DatabasePath()); err != nil {
		return fmt.Errorf("inbox: no database at %s", cfg.DatabasePath())
	}
	cat, err := catalog.New()
	if err != nil {
		return err
	}
	lang := cfg.App.Language
	st, err := store.Open(ctx, cfg.DatabasePath())
	if err != nil {
		return err
	}
	defer st.Close()
	var dead []store.DeadLetter
	var pending, sent, failedOut, deadCount int
	err = st.View(ctx, func(tx *store.Tx) (err error) {
		if *failed {
			dead, err = tx.DeadLetters(ctx, *limit)
			return err
		}
		pending, sent, failedOut, err = tx.OutboxCounts(ctx)
		if err == nil {
			deadCount, err = tx.DeadLetterCount(ctx)
		}
		return err
	})
	if err != nil {
		return err
	}
	if !*failed {
		fmt.Fprintln(stdout, cat.T(lang, "cli.inbox_summary", catalog.Args{"Pending": pending, "Sent": sent, "Failed": failedOut, "Dead": deadCount}))
		return nil
	}
	if len(dead) == 0 {
		fmt.Fprintln(stdout, cat.T(lang, "cli.inbox_empty", nil))
		return nil
	}
	fmt.Fprintln(stdout, cat.T(lang, "cli.inbox_header", catalog.Args{"Count": len(dead)}))
	for _, d := range dead {
		who := d.Net + ":" + d.SenderID
		if d.ChatID != "" && d.ChatID != d.SenderID {
			who += " (chat " + d.ChatID + ")"
		}
		fmt.Fprintf(stdout, "#%d  %s  %s  msg %s  [%s] %s\n", d.ID, d.CreatedAt.In(cfg.Location()).Format("2006-01-02 15:04:05"),
			who, d.MsgID, d.Kind, d.Reason)
		raw := strings.TrimSpace(d.Raw)
		if !*full && len([]rune(raw)) > rawShown {
			raw = string([]rune(raw)[:rawShown]) + "…"
		}
		fmt.Fprintf(stdout, "    %s\n", raw)
	}
	return nil
}
