package flows

import (
	"time"

	"github.com/lapkin-id/lapkin/chat"
)

// prioritize marks the gathered replies for the outbox (issue 26, item 3): the answer to a
// registered person's own message goes first, then notices (what this message causes for others,
// and everything a job sends), then answers to strangers. So 3,000 strangers writing at once, or
// a subordinate's 300 leave requests, never make a registered person wait for their own answer.
//
// Answers to strangers are also capped per hour, over all networks (StrangerRepliesPerHour):
// past the cap a stranger's message is still recorded as handled, but gets no answer, so that
// strangers cannot fill the outbox or spend a WhatsApp number's reputation.
func (r *request) prioritize() error {
	stranger := 0
	for i := range r.out {
		switch {
		case r.msg.Chat.ID == "" || r.out[i].To != r.msg.Chat:
			r.out[i].Priority = chat.PriorityNotice
		case r.who == nil:
			r.out[i].Priority, r.out[i].Answers = chat.PriorityStranger, r.msg.ID
			stranger++
		default:
			r.out[i].Priority, r.out[i].Answers = chat.PriorityReply, r.msg.ID
		}
	}
	limit := r.e.opt.StrangerRepliesPerHour
	if stranger == 0 || limit <= 0 {
		return nil
	}
	n, err := r.tx.CountStrangerReplies(r.ctx, r.now.Add(-time.Hour), limit)
	if err != nil || n < limit {
		return err
	}
	kept := r.out[:0]
	for _, rep := range r.out {
		if rep.Priority != chat.PriorityStranger {
			kept = append(kept, rep)
		}
	}
	r.out = kept
	r.e.log.Debug("reply to a stranger withheld: the hourly cap is reached", "sender", r.msg.Sender.String(), "cap", limit)
	return nil
}
