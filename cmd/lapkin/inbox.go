package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/config"
	"github.com/lapkin-id/lapkin/store"
)

// rawShown is how much of a dead letter's raw update `lapkin inbox --failed` prints; --raw prints
// it whole.
const rawShown = 300

// runInbox is `lapkin inbox`: a summary of the outbox and the failed inbound messages, or with
// --failed the failed messages themselves (dead letters), newest first, with their reason and raw
// content, for the operator to see what a person sent that Lapkin could not take; --retry ID
// handles one of them again.
func runInbox(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cf := newFlags("inbox", stderr)
	failed := fs.Bool("failed", false, "list the inbound messages that could not be handled (dead letters)")
	limit := fs.Int("limit", 50, "list at most this many")
	full := fs.Bool("raw", false, "print each raw update whole")
	retry := fs.Int64("retry", 0, "handle the failed message with this ID again (its network must be enabled)")
	if err := fs.Parse(args); err != nil {
		return errReported
	}
	if *limit <= 0 {
		return errors.New("inbox: --limit must be at least 1")
	}
	cfg, cat, lang, err := cf.loadConfigAndCatalog()
	if err != nil {
		return err
	}
	st, err := openExisting(ctx, "inbox", cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if *retry != 0 {
		return retryDeadLetter(ctx, cfg, st, cat, *retry, stdout, stderr)
	}
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

// retryDeadLetter is `lapkin inbox --retry ID`: the kept update goes back to its network's
// transport, which reads it again (downloading its photo anew), and is handled as a new message.
// Its replies wait in the outbox for `lapkin run` (running or next started) to send. A dead letter
// is retried once: its new message id is derived from it, so a second try would be ignored anyway.
func retryDeadLetter(ctx context.Context, cfg *config.Config, st *store.Store, cat *catalog.Catalog, id int64, stdout, stderr io.Writer) error {
	var d store.DeadLetter
	err := st.View(ctx, func(tx *store.Tx) (err error) { d, err = tx.DeadLetterByID(ctx, id); return err })
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("inbox: no failed message #%d (see lapkin inbox --failed)", id)
	}
	if err != nil {
		return err
	}
	if d.RetriedAt != nil {
		return fmt.Errorf("inbox: #%d was already handled again at %s", id, d.RetriedAt.In(cfg.Location()).Format("2006-01-02 15:04"))
	}
	n, ok := networks.Find(d.Net)
	var setup chat.Setup
	if ok {
		if setup, err = configure(cfg, n); err != nil {
			return err
		}
	}
	if !ok || !setup.Enabled() {
		return fmt.Errorf("inbox: #%d came from network %q, which is not enabled in the config", id, d.Net)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	t, _, err := setup.Open(ctx, netEnv(cfg, log, nil, st, nil))
	if err != nil {
		return err
	}
	rd, ok := t.(chat.Redeliverer)
	if !ok {
		return fmt.Errorf("inbox: the %s transport cannot read a kept update again", n.Section())
	}
	m, err := rd.Redeliver(ctx, []byte(d.Raw))
	if err != nil {
		return fmt.Errorf("inbox: #%d still cannot be handled: %w", id, err)
	}
	m.ID = fmt.Sprintf("%s/retry-%d", m.ID, d.ID)
	lk, err := wire(ctx, cfg, st, chat.SystemClock{}, log, nil)
	if err != nil {
		return err
	}
	if err := lk.Engine.Handle(ctx, m); err != nil {
		return fmt.Errorf("inbox: #%d: %w", id, err)
	}
	if err := st.Update(ctx, func(tx *store.Tx) error { return tx.MarkDeadLetterRetried(ctx, id, time.Now()) }); err != nil {
		return err
	}
	fmt.Fprintln(stdout, cat.T(cfg.App.Language, "cli.inbox_retried", catalog.Args{"ID": id}))
	return nil
}
