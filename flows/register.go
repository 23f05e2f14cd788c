package flows

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"time"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/freetext"
	"github.com/lapkin-id/lapkin/roster"
	"github.com/lapkin-id/lapkin/store"
)

// Registration codes: one-time, for one NIP, valid a day; guessing is slowed to a few tries an hour.
const (
	codeAlphabet     = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789" // no 0/O or 1/I: codes are read aloud and typed on phones
	codeLength       = 6
	codeValidity     = 24 * time.Hour
	maxCodeFailures  = 5
	codeFailureReset = time.Hour
)

func cmdStart(r *request, _ string) error {
	if r.who == nil {
		r.out = append(r.out, replyAskContact(r, r.t("start.unknown", nil)))
		return nil
	}
	r.say("start.known", catalog.Args{"Name": r.salutation(r.who)})
	return cmdHelp(r, "")
}

// cmdHelp lists the commands of the sender's day (each declares the roles it is daily for); the
// rest is one "/bantuan semua" away (cmdHelpAll). "/bantuan cuti" shows one command with the lines
// of its sub-verbs.
func cmdHelp(r *request, args string) error {
	if c := helpTopic(args); c != nil && r.who != nil && r.hasRole(c.role) {
		return r.helpCommand(c)
	}
	return r.help(false)
}

// helpTopic is the command "/bantuan <perintah>" asks about, nil when args names none that has a
// help line.
func helpTopic(args string) *command {
	f := strings.Fields(args)
	if len(f) != 1 {
		return nil
	}
	c := lookupCommand(strings.TrimPrefix(f[0], "/"))
	if c == nil || c.run == nil || c.newcomer || c.help == "" {
		return nil
	}
	return c
}

// helpCommand shows one command's help line and those of the sub-verbs the sender may use.
func (r *request) helpCommand(c *command) error {
	name := c.name
	if r.lang == "en" && len(c.aliases) > 0 {
		name = c.aliases[0]
	}
	lines := []string{r.t("help.command_title", catalog.Args{"Command": name}), r.t(c.help, nil)}
	for _, v := range c.verbs {
		if v.help != "" && r.hasRole(v.role) {
			lines = append(lines, r.t(v.help, nil))
		}
	}
	r.sayText(strings.Join(lines, "\n"))
	return nil
}

// cmdHelpAll lists every command the sender may use (/bantuan semua).
func cmdHelpAll(r *request, _ string) error { return r.help(true) }

// help lists the commands the sender may use: the few of their role's day, or all of them.
// Someone registered is never shown the commands for registering (/daftar, /start).
func (r *request) help(all bool) error {
	if r.who == nil {
		r.out = append(r.out, replyAskContact(r, r.t("help.unregistered", nil)))
		return nil
	}
	role := store.RoleASN
	switch {
	case r.isAdmin():
		role = store.RoleAdmin
	case r.hasRole(store.RoleKepala):
		role = store.RoleKepala
	}
	var b strings.Builder
	if all {
		b.WriteString(r.t("help.title", nil))
	} else {
		b.WriteString(r.t("help.title_daily", nil))
	}
	for _, c := range commands() {
		if c.run == nil || c.newcomer || c.help == "" || !r.hasRole(c.role) || !all && !c.isDaily(role) {
			continue
		}
		b.WriteString("\n")
		b.WriteString(r.t(c.help, nil))
	}
	b.WriteString("\n\n")
	b.WriteString(r.t("help.footer", nil))
	if !all {
		b.WriteString("\n")
		b.WriteString(r.t("help.see_all", nil))
	}
	r.sayText(b.String())
	return nil
}

func cmdRegister(r *request, args string) error {
	if r.who != nil {
		r.say("register.already", catalog.Args{"Name": r.who.Name, "NIP": r.who.NIP})
		return nil
	}
	fields := strings.Fields(args)
	if len(fields) == 0 {
		r.out = append(r.out, replyAskContact(r, r.t("register.how", nil)))
		return nil
	}
	if len(fields) != 2 {
		return invalid("register.format", nil)
	}
	since := r.now.Add(-codeFailureReset)
	fails, err := r.tx.RegistrationFailures(r.ctx, r.msg.Sender.Net, r.msg.Sender.ID, since)
	if err != nil {
		return err
	}
	if fails >= maxCodeFailures {
		return conflict("register.too_many", catalog.Args{"Minutes": int(codeFailureReset.Minutes())})
	}
	nip, err := roster.ParseNIP(fields[0])
	if err != nil {
		return invalid("register.bad_nip", catalog.Args{"NIP": fields[0]})
	}
	code := strings.ToUpper(fields[1])
	ok, err := r.tx.UseRegistrationCode(r.ctx, code, nip.Raw, r.now)
	if err != nil {
		return err
	}
	if !ok {
		// The failure must be kept, so this is an answer, not an error that rolls back. The reply does
		// not say whether the NIP exists.
		if err := r.tx.AddRegistrationFailure(r.ctx, r.msg.Sender.Net, r.msg.Sender.ID, r.now); err != nil {
			return err
		}
		r.say("register.bad_code", nil)
		return nil
	}
	emp, err := r.tx.Employee(r.ctx, nip.Raw)
	if err != nil {
		return err
	}
	return r.link(emp, store.LinkedByCode, "")
}

// registerByPhone links the sender by a phone number their transport vouches for: the Telegram
// contact button, or the WhatsApp sender's own number. This is the entry point transports use.
func (r *request) registerByPhone(c *chat.Contact) error {
	if !c.Own {
		r.say("register.contact_not_own", nil)
		return nil
	}
	phone, err := roster.NormalizePhone(c.Phone)
	if err != nil {
		r.say("register.phone_unknown", nil)
		return nil
	}
	emp, err := r.tx.EmployeeByPhone(r.ctx, phone)
	if errors.Is(err, store.ErrNotFound) {
		r.say("register.phone_unknown", nil)
		return nil
	}
	if err != nil {
		return err
	}
	return r.link(emp, store.LinkedByPhone, phone)
}

// registerHelpJob is the ledger's name for the daily registration help to an unknown number.
const registerHelpJob = "register_help"

// vouchedEmployee finds the roster's person of a number or an address the network names every
// sender by (Contact.Implicit), with how a link to them is made and by what. ok is false when the
// contact holds neither a valid number nor an address; err is store.ErrNotFound when the roster
// has nobody with it.
func vouchedEmployee(ctx context.Context, tx *store.Tx, c *chat.Contact) (emp store.Employee, via, key string, ok bool, err error) {
	if c.Address != "" {
		emp, err = tx.EmployeeByEmail(ctx, c.Address)
		return emp, store.LinkedByAddress, strings.ToLower(strings.TrimSpace(c.Address)), true, err
	}
	phone, perr := roster.NormalizePhone(c.Phone)
	if perr != nil {
		return store.Employee{}, "", "", false, nil
	}
	emp, err = tx.EmployeeByPhone(ctx, phone)
	return emp, store.LinkedByPhone, phone, true, err
}

// registerImplicit handles a message from a number (WhatsApp) or an address (e-mail) the network
// vouches for on every message, whose sender is not linked yet. One in the roster is linked and
// greeted by name on this first message; when the message was a command, it is carried out as
// well (done is false). One not in the roster gets the registration help at most once a day and
// nothing else, except a "/daftar <NIP> <KODE>" with a code from an admin, which goes on (done is
// false).
func (r *request) registerImplicit(c *chat.Contact) (done bool, err error) {
	text := strings.TrimSpace(r.msg.Text)
	cmd, args, isCmd := parseCommand(text, r.e.opt.Networks.Capabilities(r.msg.Chat.Net).SlashOnly)
	unknownKey, takenKey := "register.number_unknown", "links.implicit_taken"
	if c.Address != "" {
		unknownKey, takenKey = "register.address_unknown", "links.address_taken"
	}
	emp, via, key, vouched, err := vouchedEmployee(r.ctx, r.tx, c)
	if vouched {
		switch {
		case err == nil:
			// A message is no act of registering: it never takes the person's account on this
			// network from another one (their second phone, linked with a code). Whoever holds
			// the number is told once a day to ask the admin; a code still links it.
			if taken, err := r.hasOtherAccount(emp.NIP); err != nil || taken {
				if err != nil || isCmd && cmd.unregistered != nil && cmd.unregistered(args) {
					return err != nil, err
				}
				ok, err := r.tx.ClaimNotice(r.ctx, registerHelpJob, dateKey(r.today), r.msg.Sender.Net+":"+r.msg.Sender.ID, r.now)
				if err == nil && ok {
					r.say(takenKey, nil)
				}
				return true, err
			}
			if err := r.link(emp, via, key); err != nil {
				return true, err
			}
			if isCmd && !cmd.welcome {
				return false, nil
			}
			if !isCmd && (r.msg.Photo != nil || text != "") {
				// A first message that reports work (or asks) is handled after the welcome: it
				// must not be lost to the registration. A greeting gets the welcome alone.
				if k := r.e.lex.Read(text, r.sentDay(), nil).Kind; k == freetext.Report || k == freetext.Question || r.msg.Photo != nil {
					return false, nil
				}
			}
			return true, nil
		case !errors.Is(err, store.ErrNotFound):
			return true, err
		}
	}
	if isCmd && cmd.unregistered != nil && cmd.unregistered(args) {
		return false, nil
	}
	ok, err := r.tx.ClaimNotice(r.ctx, registerHelpJob, dateKey(r.today), r.msg.Sender.Net+":"+r.msg.Sender.ID, r.now)
	if err != nil {
		return true, err
	}
	if ok {
		r.say(unknownKey, nil)
	}
	return true, nil
}

// hasOtherAccount reports whether nip has an account on the sender's network other than the sender's.
func (r *request) hasOtherAccount(nip string) (bool, error) {
	ids, err := r.tx.IdentitiesOf(r.ctx, nip)
	if err != nil {
		return false, err
	}
	for _, id := range ids {
		if id.Net == r.msg.Sender.Net && id.ExternalID != r.msg.Sender.ID {
			return true, nil
		}
	}
	return false, nil
}

// identifyByPhone sets the sender from a number the network vouches for, without linking it.
func (r *request) identifyByPhone(raw string) error {
	phone, err := roster.NormalizePhone(raw)
	if err != nil {
		return nil
	}
	emp, err := r.tx.EmployeeByPhone(r.ctx, phone)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	r.setWho(emp)
	return nil
}

// replyAskContact is a reply that offers the "share my phone number" button where the transport has one.
func replyAskContact(r *request, text string) chat.Reply {
	return chat.Reply{To: r.msg.Chat, Text: text, ContactButton: r.t("button.share_phone", nil)}
}

func cmdCode(r *request, args string) error {
	nip, err := roster.ParseNIP(strings.TrimSpace(args))
	if args == "" || err != nil {
		return invalid("code.format", nil)
	}
	emp, err := r.tx.Employee(r.ctx, nip.Raw)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("code.no_employee", catalog.Args{"NIP": nip.Raw})
	}
	if err != nil {
		return err
	}
	code := r.e.opt.NewCode()
	expires := r.now.Add(codeValidity)
	if err := r.tx.AddRegistrationCode(r.ctx, store.RegistrationCode{Code: code, NIP: emp.NIP, CreatedBy: r.who.NIP, ExpiresAt: expires}, r.now); err != nil {
		return err
	}
	ids, err := r.tx.IdentitiesOf(r.ctx, emp.NIP)
	if err != nil {
		return err
	}
	text := r.t("code.issued", catalog.Args{"Code": code, "Name": emp.Name, "NIP": emp.NIP,
		"Until": FormatDate(r.lang, expires) + " " + FormatTime(r.lang, expires)})
	if len(ids) > 0 {
		// A code for someone registered links the account it is typed in and replaces their
		// account on that network (a new phone, say); issued by mistake, it hands their NIP to
		// whoever types it, so the admin is told what it will do.
		var nets []string
		for _, id := range ids {
			nets = append(nets, r.networkName(r.lang, id.Net))
		}
		text = r.t("code.already_registered", catalog.Args{"Name": emp.Name, "Networks": strings.Join(nets, ", ")}) + "\n" + text
	}
	r.sayText(text)
	return nil
}

// newCode returns a random registration code from crypto/rand.
func newCode() string {
	b := make([]byte, codeLength)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return CodeFromBytes(b)
}

// CodeFromBytes turns codeLength random bytes into a code. The alphabet has 32 letters, so every
// byte maps evenly and the code keeps all of its 30 bits.
func CodeFromBytes(b []byte) string {
	out := make([]byte, len(b))
	for i := range b {
		out[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(out)
}

func cmdLanguage(r *request, args string) error {
	lang := strings.ToLower(strings.TrimSpace(args))
	switch lang {
	case "id", "indonesia", "in":
		lang = "id"
	case "en", "english", "inggris":
		lang = "en"
	default:
		return invalid("language.format", nil)
	}
	if r.who == nil {
		// Someone not registered yet (SPEC: /bahasa is for all): kept for their account, and
		// made theirs when they register.
		if err := r.tx.SetAccountLanguage(r.ctx, r.msg.Sender.Net, r.msg.Sender.ID, lang, r.now); err != nil {
			return err
		}
	} else if err := r.tx.SetLanguage(r.ctx, r.who.NIP, lang, r.now); err != nil {
		return err
	}
	r.lang = lang
	r.say("language.set", nil)
	return nil
}

func cmdCancel(r *request, _ string) error {
	st, err := r.tx.FlowState(r.ctx, r.msg.Chat.Net, r.msg.Chat.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	had, err := r.tx.ClearFlowState(r.ctx, r.msg.Chat.Net, r.msg.Chat.ID)
	if err != nil {
		return err
	}
	switch {
	case had && st.Flow == flowFree:
		// What was saved of that message stays (its reply said so); what was asked about is not.
		r.say("free.cancelled", nil)
	case had:
		r.say("cancel.done", nil)
	default:
		// Right after a report, "batal" takes it back.
		undone, err := r.undoLast()
		if err != nil || undone {
			return err
		}
		r.say("cancel.nothing", nil)
	}
	return nil
}
