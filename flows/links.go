package flows

import (
	"strings"
	"time"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/store"
)

// A person has one chat account per network (store.LinkAccount): a new link on a network replaces
// the old one there, whose owner is told at once, so that a takeover (a second account by the same
// phone, or by a code issued by mistake) cannot go unnoticed, and a lost phone stops reporting as
// its owner as soon as they register their new one. Admins see the accounts in /pegawai and remove
// them with /putus.

// link connects the sender's chat account to emp and welcomes them; via and phone say how
// (store.LinkedByPhone with the roster number, or store.LinkedByCode). The person's account it
// replaces on this network is told it lost access.
func (r *request) link(emp store.Employee, via, phone string) error {
	replaced, err := r.tx.LinkAccount(r.ctx, store.Link{Net: r.msg.Sender.Net, ExternalID: r.msg.Sender.ID, NIP: emp.NIP,
		Via: via, Phone: phone, At: r.now})
	if err != nil {
		return err
	}
	if emp.Language == "" {
		// A language chosen before registering (/bahasa is for everyone) becomes the person's.
		lang, err := r.tx.AccountLanguage(r.ctx, r.msg.Sender.Net, r.msg.Sender.ID)
		if err != nil {
			return err
		}
		if lang != "" {
			if err := r.tx.SetLanguage(r.ctx, emp.NIP, lang, r.now); err != nil {
				return err
			}
			emp.Language = lang
		}
	}
	r.setWho(emp)
	opd, err := r.tx.OPD(r.ctx, emp.OPDCode)
	if err != nil {
		return err
	}
	text := r.t("register.done", catalog.Args{"Name": r.salutation(&emp), "FullName": emp.Name, "NIP": emp.NIP,
		"Position": emp.Position, "OPD": opd.Name})
	if len(replaced) > 0 {
		text += "\n" + r.t("links.replaced_note", catalog.Args{"Network": r.networkName(r.lang, r.msg.Sender.Net)})
	}
	r.sayText(text)
	return r.tellUnlinked(&emp, replaced, "links.replaced_notice")
}

// tellUnlinked tells each account that was just unlinked from emp (in emp's language, since it
// was theirs) why it no longer works. An account that blocked the bot is not written to.
func (r *request) tellUnlinked(emp *store.Employee, ids []store.Identity, key string) error {
	lang := r.teamLang(emp)
	for _, id := range ids {
		if id.Unreachable {
			continue
		}
		r.out = append(r.out, chat.Reply{To: chat.ChatRef{Net: id.Net, ID: id.ExternalID}, Text: r.e.cat.T(lang, key, catalog.Args{
			"NIP": emp.NIP, "Network": r.networkName(lang, id.Net),
			"When": FormatDate(lang, r.now) + " " + FormatTime(lang, r.now)})})
	}
	return nil
}

// networkName is a network's name for people ("WhatsApp"), from the network's catalog file
// (links.net.<id>); a network without one is shown by its id.
func (r *request) networkName(lang, net string) string {
	if key := netNameKey + net; r.e.cat.Has(lang, key) {
		return r.e.cat.T(lang, key, nil)
	}
	return net
}

// netNameKey prefixes the catalog key that names a network: each network's catalog file holds
// links.net.<its id>, so the networks flows can name are those of the catalog.
const netNameKey = "links.net."

// accountLines describes emp's chat accounts for /pegawai: network, when and how linked, when last
// used.
func (r *request) accountLines(ids []store.Identity) []string {
	if len(ids) == 0 {
		return []string{r.t("employee.not_registered", nil)}
	}
	lines := []string{r.t("links.accounts", nil)}
	for _, id := range ids {
		linked := r.when(id.LinkedAt)
		how := ""
		if id.Via != "" {
			how = r.t("links.via."+id.Via, nil)
		}
		used := r.t("links.never_used", nil)
		if id.LastSeen != nil {
			used = r.t("links.last_used", catalog.Args{"When": r.when(*id.LastSeen)})
		}
		line := r.t("links.account", catalog.Args{"Network": r.networkName(r.lang, id.Net), "When": linked, "How": how, "Used": used})
		if id.Unreachable {
			line += " " + r.t("links.unreachable", nil)
		}
		lines = append(lines, line)
	}
	return lines
}

// when writes a stored time as the city reads it: "23 Nov 2026 09.00".
func (r *request) when(t time.Time) string {
	lt := t.In(r.e.opt.Location)
	return FormatDate(r.lang, lt) + " " + FormatTime(r.lang, lt)
}

// unlinkNet finds the network an admin names in /putus: its id ("wa") or its name in any
// language ("WhatsApp", "konsol"), as the networks' catalog files give them.
func (r *request) unlinkNet(word string) (string, bool) {
	word = strings.ToLower(word)
	for _, lang := range catalog.Languages {
		for _, key := range r.e.cat.Keys(lang) {
			net, ok := strings.CutPrefix(key, netNameKey)
			if ok && (word == net || word == strings.ToLower(r.e.cat.T(lang, key, nil))) {
				return net, true
			}
		}
	}
	return "", false
}

// cmdUnlink removes an employee's chat account on one network, or all of them: /putus <NIP> [tg|wa].
// The removed accounts are told. A link made by the number the roster still gives the person would
// be made again by that number's next message or contact card, so the reply says to correct the
// roster when that is the case.
func cmdUnlink(r *request, args string) error {
	fields := strings.Fields(args)
	if len(fields) == 0 || len(fields) > 2 {
		return invalid("links.unlink_format", nil)
	}
	net := ""
	if len(fields) == 2 {
		var ok bool
		if net, ok = r.unlinkNet(fields[1]); !ok {
			return invalid("links.unlink_format", nil)
		}
	}
	emp, err := r.employeeArg(fields[0])
	if err != nil {
		return err
	}
	gone, err := r.tx.UnlinkAccounts(r.ctx, emp.NIP, net)
	if err != nil {
		return err
	}
	if len(gone) == 0 {
		if net == "" {
			r.say("links.unlink_none", catalog.Args{"Name": emp.Name, "NIP": emp.NIP})
		} else {
			r.say("links.unlink_none_on", catalog.Args{"Name": emp.Name, "NIP": emp.NIP, "Network": r.networkName(r.lang, net)})
		}
		return nil
	}
	var names []string
	relink := false
	for _, id := range gone {
		names = append(names, r.networkName(r.lang, id.Net))
		if id.Via == store.LinkedByPhone && id.Phone != "" && id.Phone == emp.Phone {
			relink = true
		}
	}
	text := r.t("links.unlinked", catalog.Args{"Name": emp.Name, "NIP": emp.NIP, "Networks": strings.Join(names, ", ")})
	if relink {
		text += "\n" + r.t("links.unlinked_relink", catalog.Args{"Phone": emp.Phone})
	}
	r.sayText(text)
	return r.tellUnlinked(emp, gone, "links.removed_notice")
}
