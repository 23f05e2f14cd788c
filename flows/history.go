package flows

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/store"
)

const (
	historyDefaultDays = 7
	historyMaxDays     = 90
)

func cmdHistory(r *request, args string) error {
	days := historyDefaultDays
	if args != "" {
		n, err := strconv.Atoi(strings.TrimSpace(args))
		if err != nil || n < 1 || n > historyMaxDays {
			return invalid("history.format", catalog.Args{"Max": historyMaxDays})
		}
		days = n
	}
	from := r.today.AddDate(0, 0, -(days - 1))
	reps, err := r.tx.ReportsBetween(r.ctx, r.who.NIP, dateKey(from), dateKey(r.today))
	if err != nil {
		return err
	}
	period := catalog.Args{"Days": days, "From": FormatDate(r.lang, from), "To": FormatDate(r.lang, r.today)}
	if len(reps) == 0 {
		r.say("history.empty", period)
		return nil
	}
	targets, err := r.targetNumbers()
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(r.t("history.title", period))
	last := ""
	for i := len(reps) - 1; i >= 0; i-- { // newest day first
		rep := reps[i]
		if rep.LocalDate != last {
			d, err := storedDate(rep.LocalDate)
			if err != nil {
				return fmt.Errorf("report %d: %w", rep.ID, err)
			}
			b.WriteString("\n" + FormatShortDay(r.lang, d) + "\n")
			last = rep.LocalDate
		}
		b.WriteString("  #" + strconv.FormatInt(rep.ID, 10) + " " + rep.Text)
		if rep.Quantity != nil {
			b.WriteString(" — " + FormatNumber(*rep.Quantity))
			if rep.TargetID != nil {
				if t, ok := targets[*rep.TargetID]; ok {
					b.WriteString(" " + t.Unit + " (#" + strconv.Itoa(t.N) + ")")
				}
			}
		}
		if rep.Minutes != nil {
			b.WriteString(" · " + FormatMinutes(r.lang, *rep.Minutes))
		}
		if rep.EvidenceID != nil {
			b.WriteString(" · 📎")
		}
		if rep.Late {
			b.WriteString(" · " + r.t("free.late", nil))
		}
		if rep.Status == store.ReportReturned {
			b.WriteString(" · " + r.t("history.returned", nil))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n" + r.t("history.footer", catalog.Args{"Count": len(reps)}))
	r.sayText(b.String())
	return nil
}

// targetNumbers maps the target ids of the sender's signed contract to the targets.
func (r *request) targetNumbers() (map[int64]store.Target, error) {
	out := map[int64]store.Target{}
	c, err := r.contract()
	if err != nil || c == nil {
		return out, err
	}
	for _, t := range c.Targets {
		out[t.ID] = t
	}
	return out, nil
}

func cmdDelete(r *request, args string) error {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(args), "#"), 10, 64)
	if err != nil || id <= 0 {
		return invalid("delete.format", nil)
	}
	rep, err := r.tx.Report(r.ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (rep.NIP != r.who.NIP || rep.Status == store.ReportDeleted)) {
		// Someone else's report is "not found" too: its existence is not ours to reveal.
		return notFound("delete.not_found", catalog.Args{"ID": id})
	}
	if err != nil {
		return err
	}
	if rep.LocalDate != dateKey(r.today) && civil(rep.CreatedAt.In(r.e.opt.Location)) != r.today {
		// A report made today may be taken back, whatever day it is for ("kemarin …").
		return conflict("delete.not_today", catalog.Args{"ID": id})
	}
	if err := r.tx.DeleteReport(r.ctx, id, r.now); err != nil {
		return err
	}
	r.say("delete.done", catalog.Args{"ID": id, "Text": shorten(rep.Text, 60)})
	return nil
}
