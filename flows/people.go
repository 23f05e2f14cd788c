package flows

import (
	"errors"
	"strings"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/roster"
	"github.com/lapkin-id/lapkin/store"
)

// notify queues a message to an employee, in their own language, on one chat account: the
// reachable one a message last came from (never a group), so that someone linked on both Telegram
// and WhatsApp is told once. Someone not registered yet is simply not told: an account exists only
// once its owner wrote to the bot, so Lapkin never writes first to a number that did not write to it.
func (r *request) notify(nip, key string, args catalog.Args) error {
	return r.notifyFunc(nip, func(lang, name string) string {
		a := catalog.Args{"Name": name}
		for k, v := range args {
			a[k] = v
		}
		return r.e.cat.T(lang, key, a)
	})
}

// notifyFunc is notify for a text composed in the recipient's language: text gets the language
// and the recipient's salutation.
func (r *request) notifyFunc(nip string, text func(lang, name string) string) error {
	emp, err := r.tx.Employee(r.ctx, nip)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	ids, err := r.tx.IdentitiesOf(r.ctx, nip)
	if err != nil {
		return err
	}
	lang := r.e.opt.Language
	if emp.Language != "" {
		lang = catalog.Lang(emp.Language)
	}
	to, ok := noticeAccount(ids)
	if !ok {
		return nil
	}
	r.out = append(r.out, chat.Reply{To: to, Text: text(lang, r.salutationIn(lang, &emp))})
	return nil
}

// noticeAccount picks the account a notice to a person goes to: the reachable one they used last
// (IdentitiesOf lists the last used first). Replies to a message still go to the chat it came from.
func noticeAccount(ids []store.Identity) (chat.ChatRef, bool) {
	for _, id := range ids {
		if !id.Unreachable {
			return chat.ChatRef{Net: id.Net, ID: id.ExternalID}, true
		}
	}
	return chat.ChatRef{}, false
}

// salutationIn is salutation in a given language (for messages to someone other than the sender).
func (r *request) salutationIn(lang string, e *store.Employee) string {
	saved := r.lang
	r.lang = lang
	defer func() { r.lang = saved }()
	return r.salutation(e)
}

// supervisorOf returns the NIP of emp's supervisor: atasan_nip, else the head of their OPD. It is
// "" when there is none (the head of an OPD without a supervisor in the roster).
func (r *request) supervisorOf(emp *store.Employee) (string, error) {
	if emp.SupervisorNIP != "" {
		return emp.SupervisorNIP, nil
	}
	staff, err := r.tx.Employees(r.ctx, emp.OPDCode)
	if err != nil {
		return "", err
	}
	for _, s := range staff {
		if s.Role == store.RoleKepala && s.NIP != emp.NIP {
			return s.NIP, nil
		}
	}
	return "", nil
}

// canManage reports whether the sender may act on emp as a supervisor: an admin on anyone; a
// kepala on the people of their own OPD and on those whose atasan they are; any other atasan on
// their own direct reports only.
func (r *request) canManage(emp *store.Employee) bool {
	if r.who == nil || emp.NIP == r.who.NIP && !r.isAdmin() {
		return false
	}
	if r.isAdmin() || emp.SupervisorNIP == r.who.NIP {
		return true
	}
	return r.who.Role == store.RoleKepala && emp.OPDCode == r.who.OPDCode
}

// employeeArg reads an NIP argument and loads the employee, refusing one the sender may not manage
// with the same answer as an unknown one (their existence is not the sender's to learn).
func (r *request) employeeArg(arg string) (*store.Employee, error) {
	arg = strings.TrimSpace(arg)
	nip, err := roster.ParseNIP(arg)
	if arg == "" || err != nil {
		return nil, invalid("people.bad_nip", catalog.Args{"NIP": arg})
	}
	emp, err := r.tx.Employee(r.ctx, nip.Raw)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !r.canManage(&emp)) {
		return nil, notFound("people.not_found", catalog.Args{"NIP": nip.Raw})
	}
	if err != nil {
		return nil, err
	}
	return &emp, nil
}
