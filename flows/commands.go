package flows

import (
	"strings"

	"github.com/lapkin-id/lapkin/chat"
	"github.com/lapkin-id/lapkin/parse"
	"github.com/lapkin-id/lapkin/store"
)

// command is one chat command, declared once (builtins, through declare): everything help, menus, the role
// check, the rules for groups and for people not registered, the sub-verbs and the step flow read
// about a command is here, so that adding one is a declaration, a handler and its catalog lines
// (docs/commands.md). Catalog keys are written whole, so that a test can check each exists in
// every language (TestDeclaredKeys).
type command struct {
	name    string   // the Indonesian name, as SPEC.md lists it
	aliases []string // the English name first, then any other spelling
	role    string   // the least role that may use it; "" is everyone, registered or not

	// newcomer marks a command for registering (/start, /daftar): help and menus of the
	// registered leave it out.
	newcomer bool
	// unregistered says which calls a number the roster does not know may still make (a
	// WhatsApp number, which comes with every message): nil is none, they get the registration
	// help instead.
	unregistered func(args string) bool
	// welcome says that on a number's first message, the welcome that links it is the answer
	// (/start, /bantuan, /daftar): the command itself is not carried out then.
	welcome bool
	// group says the command is taken in a group chat (from someone registered); groups ignore
	// every other message.
	group bool

	help  string   // catalog key of its /bantuan line; "" is not listed
	menu  string   // catalog key of its description in a platform's command menu; "" is not in it
	daily []string // the roles whose short /bantuan shows it: what they use every day

	// verbs are its sub-verbs ("/cuti batal 12"): the first word of the arguments, matched
	// against each verb's names, picks one; anything else goes to run.
	verbs []*verb
	// run does what the command does without a sub-verb. A nil run marks a command of SPEC.md
	// that this version does not have yet: it answers so, rather than "unknown command".
	run func(r *request, args string) error

	// keepsFlow says, for the given arguments (no sub-verb), that the command only answers a
	// question (it changes nothing a flow could be gathering, and starts no flow): sent in the
	// middle of a multi-step conversation, it is answered and the conversation goes on. midFlow
	// says what else the command does to such a conversation (flowResumes by default).
	keepsFlow func(args string) bool
	midFlow   midFlow
	// bare says which arguments the command takes when written without its slash, as WhatsApp
	// users do, besides its sub-verbs and nothing at all. After a command word, anything else is
	// someone writing, not a command: "validasi data 50 berkas" and "daftar hadir rapat" are
	// work, read as free text. nil means none.
	bare func(args string) bool

	flow *stepFlow // the multi-step conversation it leads, if any
}

// verb is one sub-verb of a command. One word means one thing across commands: setujui
// (approve), tolak (reject), hapus (delete), batal (cancel); an older word kept for a verb is an
// alias after the English name.
type verb struct {
	names []string // the Indonesian word, the English one, then older forms kept as aliases
	role  string   // the least role beyond the command's; "" is the command's
	help  string   // catalog key of its line in "/bantuan <command>"; "" when the command's line covers it
	// args says which arguments (after the verb) it takes written without its slash; nil takes any.
	args  func(args string) bool
	reads bool // it only answers a question: a conversation in progress goes on
	run   func(r *request, args string) error
}

// midFlow is what a command sent in the middle of a multi-step conversation does to it.
type midFlow int

const (
	// flowResumes: the command is run, then the conversation asks again what it was waiting
	// for, unless the command saved or ended a conversation of its own (it then says the draft
	// was dropped).
	flowResumes midFlow = iota
	// flowEnds: the command is how one leaves a conversation (/batal); it is taken without its
	// slash even where bare words are answers (parseCommand).
	flowEnds
	// flowReplaces: the command always starts afresh (/lapor): the conversation is dropped first.
	flowReplaces
)

// stepFlow is a multi-step conversation: its name as stored in the chat's flow state, the
// catalog key naming it in "your report is not finished", the function that continues it with a
// message, and the one that asks its pending question again (nil when it cannot).
type stepFlow struct {
	name  string
	title string
	step  func(*request, store.FlowState) error
	ask   func(*request, store.FlowState) error
}

// textFlows are the step flows no command leads: free text's questions.
func textFlows() []*stepFlow { return []*stepFlow{freeTextFlow()} }

// findFlow returns the step flow stored under name, nil for one this version does not know.
func findFlow(name string) *stepFlow {
	for _, c := range commands() {
		if c.flow != nil && c.flow.name == name {
			return c.flow
		}
	}
	for _, f := range textFlows() {
		if f.name == name {
			return f
		}
	}
	return nil
}

// flowTitle names a stored flow in the request's language ("laporan").
func (r *request) flowTitle(name string) string {
	if f := findFlow(name); f != nil {
		return r.t(f.title, nil)
	}
	return r.t("flow.name.other", nil)
}

// splitVerb finds the sub-verb args start with, and what follows it.
func (c *command) splitVerb(args string) (*verb, string) {
	if len(c.verbs) == 0 {
		return nil, args
	}
	args = strings.TrimSpace(args)
	word, rest := args, ""
	if i := strings.IndexAny(args, " \t\n"); i >= 0 {
		word, rest = args[:i], strings.TrimSpace(args[i+1:])
	}
	for _, v := range c.verbs {
		for _, n := range v.names {
			if strings.EqualFold(word, n) {
				return v, rest
			}
		}
	}
	return nil, args
}

// reads says that the command, with these arguments, only answers a question (keepsFlow).
func (c *command) reads(args string) bool {
	if v, _ := c.splitVerb(args); v != nil {
		return v.reads
	}
	return c.keepsFlow != nil && c.keepsFlow(args)
}

// bareTakes says whether a command written without its slash takes these arguments.
func (c *command) bareTakes(args string) bool {
	if strings.TrimSpace(args) == "" {
		return true
	}
	if v, rest := c.splitVerb(args); v != nil {
		return v.args == nil || v.args(rest)
	}
	return c.bare != nil && c.bare(args)
}

// isDaily says whether the short /bantuan of role shows the command.
func (c *command) isDaily(role string) bool {
	for _, d := range c.daily {
		if d == role {
			return true
		}
	}
	return false
}

// anyArgs takes everything: /lapor's text is a report whatever it says.
func anyArgs(string) bool { return true }

// noArgs takes nothing: the keepsFlow of /cuti, which lists when bare and records with dates.
func noArgs(args string) bool { return strings.TrimSpace(args) == "" }

// twoWords takes exactly two words: "/daftar <NIP> <KODE>".
func twoWords(args string) bool { return len(strings.Fields(args)) == 2 }

// firstIs builds a bare grammar whose first word is one of words (any case).
func firstIs(words ...string) func(string) bool {
	return func(args string) bool {
		f := strings.Fields(strings.ToLower(args))
		for _, w := range words {
			if len(f) > 0 && f[0] == w {
				return true
			}
		}
		return false
	}
}

// nipFirst takes arguments that start with a number (a NIP, a report id).
func nipFirst(args string) bool {
	f := strings.Fields(args)
	return len(f) > 0 && strings.Trim(strings.TrimPrefix(f[0], "#"), "0123456789") == "" && len(strings.TrimPrefix(f[0], "#")) > 0
}

// either takes what any of its grammars takes.
func either(gs ...func(string) bool) func(string) bool {
	return func(args string) bool {
		for _, g := range gs {
			if g(args) {
				return true
			}
		}
		return false
	}
}

// dateFirst takes arguments that start with a date.
func dateFirst(args string) bool {
	f := strings.Fields(args)
	if len(f) == 0 {
		return false
	}
	_, ok := parse.Date(f[0])
	return ok
}

// codeFirst takes arguments that start with an OPD code as written in the roster (capitals,
// digits, dashes) or "semua".
func codeFirst(args string) bool {
	f := strings.Fields(args)
	if len(f) == 0 {
		return false
	}
	if w := strings.ToLower(f[0]); w == "semua" || w == "all" {
		return true
	}
	return strings.ToUpper(f[0]) == f[0] && strings.IndexFunc(f[0], func(r rune) bool { return r >= 'A' && r <= 'Z' }) >= 0
}

// always is the keepsFlow of a command that only ever reads.
func always(string) bool { return true }

// The roles of the daily lists.
var (
	asnDaily    = []string{store.RoleASN}
	kepalaDaily = []string{store.RoleKepala}
	adminDaily  = []string{store.RoleAdmin}
	everyDaily  = []string{store.RoleASN, store.RoleKepala, store.RoleAdmin}
)

// declared are the commands, in the order /bantuan shows them: the built-in ones (builtins),
// and any a test declares.
var declared []*command

func init() { declare(builtins()...) }

// declare adds commands. It is the one way a command comes to exist: parsing, help, menus, the
// role check and the flows all read what was declared.
func declare(cs ...*command) { declared = append(declared, cs...) }

// commands lists every declared command in the order /bantuan shows them.
func commands() []*command { return declared }

// builtins are Lapkin's commands.
func builtins() []*command {
	return []*command{
		{name: "start", newcomer: true, welcome: true, run: cmdStart, keepsFlow: always},
		{name: "bantuan", aliases: []string{"help"}, welcome: true, run: cmdHelp, keepsFlow: always,
			bare: func(a string) bool { return helpTopic(a) != nil },
			help: "help.cmd.bantuan", menu: "menu.bantuan",
			verbs: []*verb{{names: []string{"semua", "all", "lengkap"}, reads: true, run: cmdHelpAll}}},
		{name: "daftar", aliases: []string{"register"}, newcomer: true, welcome: true, unregistered: twoWords,
			run: cmdRegister, bare: nipFirst, help: "help.cmd.daftar"},
		{name: "lapor", aliases: []string{"report"}, role: store.RoleASN, run: cmdReport, bare: anyArgs, midFlow: flowReplaces,
			help: "help.cmd.lapor", menu: "menu.lapor", daily: everyDaily,
			flow: &stepFlow{name: flowReport, title: "flow.name.lapor", step: reportStep, ask: reportAskAgain}},
		{name: "riwayat", aliases: []string{"history"}, role: store.RoleASN, run: cmdHistory, keepsFlow: always, bare: nipFirst,
			help: "help.cmd.riwayat", menu: "menu.riwayat", daily: asnDaily},
		{name: "hapus", aliases: []string{"delete"}, role: store.RoleASN, run: cmdDelete, bare: nipFirst,
			help: "help.cmd.hapus", menu: "menu.hapus", daily: asnDaily},
		{name: "progres", aliases: []string{"progress"}, role: store.RoleASN, run: cmdProgress, keepsFlow: always,
			help: "help.cmd.progres", menu: "menu.progres", daily: everyDaily},
		{name: "kontrak", aliases: []string{"contract"}, role: store.RoleASN, run: cmdContract, keepsFlow: always,
			help: "help.cmd.kontrak", menu: "menu.kontrak", daily: asnDaily,
			verbs: []*verb{
				{names: []string{"setujui", "approve"}, role: store.RoleKepala, help: "help.verb.kontrak.setujui", args: nipFirst, run: cmdApprove},
				{names: []string{"tolak", "reject"}, role: store.RoleKepala, help: "help.verb.kontrak.tolak", args: nipFirst, run: cmdReject},
			}},
		{name: "target", role: store.RoleASN, run: cmdTarget, bare: func(a string) bool { return strings.Contains(a, "|") },
			help: "help.cmd.target", menu: "menu.target",
			verbs: []*verb{{names: []string{"hapus", "delete", "remove"}, help: "help.verb.target.hapus", run: cmdTargetRemove}}},
		{name: "ajukan", aliases: []string{"submit"}, role: store.RoleASN, run: cmdSubmit, help: "help.cmd.ajukan", menu: "menu.ajukan"},
		{name: "tandatangani", aliases: []string{"sign"}, role: store.RoleASN, run: cmdSign, help: "help.cmd.tandatangani", menu: "menu.tandatangani"},
		{name: "cuti", aliases: []string{"leave"}, role: store.RoleASN, run: cmdLeave, keepsFlow: noArgs,
			bare: either(dateFirst, firstIs("sakit", "sick", "dl", "dinas", "travel", "cuti", "leave")),
			help: "help.cmd.cuti", menu: "menu.cuti", daily: []string{store.RoleASN, store.RoleKepala},
			verbs: []*verb{
				{names: []string{"daftar", "list"}, reads: true, help: "help.verb.cuti.daftar", run: cmdLeaveList},
				{names: []string{"batal", "cancel", "hapus", "delete"}, help: "help.verb.cuti.batal", run: cmdLeaveCancel},
				{names: []string{"setujui", "approve"}, help: "help.verb.cuti.setujui", run: cmdLeaveApprove},
				{names: []string{"tolak", "reject"}, help: "help.verb.cuti.tolak", run: cmdLeaveReject},
			}},
		{name: "bahasa", aliases: []string{"language"}, unregistered: anyArgs, run: cmdLanguage, keepsFlow: always, bare: anyArgs,
			help: "help.cmd.bahasa", menu: "menu.bahasa"},
		{name: "batal", aliases: []string{"cancel"}, run: cmdCancel, midFlow: flowEnds,
			help: "help.cmd.batal", menu: "menu.batal", daily: asnDaily},
		{name: "tim", aliases: []string{"team"}, role: store.RoleKepala, run: cmdTeam, keepsFlow: always,
			help: "help.cmd.tim", daily: kepalaDaily},
		{name: "setujui", aliases: []string{"approve"}, role: store.RoleKepala, run: cmdApprove, bare: nipFirst,
			help: "help.cmd.setujui", daily: kepalaDaily},
		{name: "tolak", aliases: []string{"reject"}, role: store.RoleKepala, run: cmdReject, bare: nipFirst, help: "help.cmd.tolak"},
		{name: "validasi", aliases: []string{"review"}, role: store.RoleKepala, run: cmdReview,
			bare: either(nipFirst, firstIs("semua", "all")), help: "help.cmd.validasi", daily: kepalaDaily,
			verbs: []*verb{
				{names: []string{"setujui", "approve"}, help: "help.verb.validasi.setujui", run: cmdReviewApprove},
				{names: []string{"tolak", "reject"}, help: "help.verb.validasi.tolak", run: cmdReviewReject},
				{names: []string{"kembalikan", "return"}, help: "help.verb.validasi.kembalikan", run: cmdReviewReturn},
			}},
		{name: "ingatkan", aliases: []string{"nudge"}, role: store.RoleKepala, run: cmdNudge, help: "help.cmd.ingatkan", daily: kepalaDaily},
		{name: "rekap", aliases: []string{"digest"}, role: store.RoleKepala, run: cmdDigest, keepsFlow: always,
			help: "help.cmd.rekap", daily: kepalaDaily,
			verbs: []*verb{
				{names: []string{"minggu", "week"}, reads: true, run: cmdDigestWeek},
				{names: []string{"bulan", "month"}, reads: true, run: cmdDigestMonth},
				{names: []string{"tahun", "year"}, reads: true, run: cmdDigestYear},
			}},
		{name: "hubungkan", aliases: []string{"bind"}, role: store.RoleKepala, group: true, run: cmdBind, bare: codeFirst,
			help: "help.cmd.hubungkan"},
		{name: "pegawai", aliases: []string{"employee"}, role: store.RoleKepala, run: cmdEmployee, bare: nipFirst, help: "help.cmd.pegawai"},
		{name: "evaluate", aliases: []string{"evaluasi"}, role: store.RoleKepala, run: cmdEvaluate, bare: either(nipFirst, codeFirst),
			help: "help.cmd.evaluate", daily: adminDaily,
			flow: &stepFlow{name: flowEvaluate, title: "flow.name.evaluate", step: evaluateStep}},
		{name: "kode", aliases: []string{"code"}, role: store.RoleAdmin, run: cmdCode, bare: nipFirst, help: "help.cmd.kode", daily: adminDaily},
		{name: "libur", aliases: []string{"holiday"}, role: store.RoleAdmin, run: cmdHoliday, bare: dateFirst,
			help: "help.cmd.libur", daily: adminDaily,
			verbs: []*verb{
				{names: []string{"daftar", "list"}, help: "help.verb.libur.daftar", run: cmdHolidayList},
				{names: []string{"hapus", "delete", "remove"}, help: "help.verb.libur.hapus", run: cmdHolidayDelete},
			}},
		{name: "umumkan", aliases: []string{"announce"}, role: store.RoleAdmin, run: cmdAnnounce, bare: codeFirst,
			help: "help.cmd.umumkan", daily: adminDaily},
		{name: "putus", aliases: []string{"unlink"}, role: store.RoleAdmin, run: cmdUnlink, bare: nipFirst, help: "help.cmd.putus"},
		{name: "bukabulan", aliases: []string{"reopen"}, role: store.RoleAdmin, run: cmdReopen, bare: nipFirst, help: "help.cmd.bukabulan"},
		{name: "plh", aliases: []string{"acting"}, role: store.RoleKepala, run: cmdActing, bare: nipFirst, help: "help.cmd.plh",
			verbs: []*verb{
				{names: []string{"daftar", "list"}, reads: true, help: "help.verb.plh.daftar", run: cmdActingList},
				{names: []string{"batal", "cancel"}, help: "help.verb.plh.batal", run: cmdActingCancel},
			}},
	}
}

// MenuCommands lists the commands a person uses every day, for a platform's command menu (Telegram
// setMyCommands): Indonesian names with Indonesian descriptions, English aliases with English ones.
func (e *Engine) MenuCommands(lang string) []chat.Command {
	var out []chat.Command
	for _, c := range commands() {
		if c.run == nil || c.menu == "" {
			continue
		}
		name := c.name
		if lang == "en" && len(c.aliases) > 0 {
			name = c.aliases[0]
		}
		out = append(out, chat.Command{Name: name, Description: e.cat.T(lang, c.menu, nil)})
	}
	return out
}

// lookupCommand finds a command by its name or an alias, case-insensitively.
func lookupCommand(word string) *command {
	word = strings.ToLower(word)
	for _, c := range commands() {
		if c.name == word {
			return c
		}
		for _, a := range c.aliases {
			if a == word {
				return c
			}
		}
	}
	return nil
}

// parseCommand splits "/lapor 3 SPJ" into the command and its arguments. A command also works
// without its slash ("lapor 3 SPJ"), unless slashOnly: inside a flow, or on a network whose
// capabilities say so (chat.Capabilities.SlashOnly), a bare word is not a command, and only "/x"
// or "batal" leaves a flow. A command addressed to a named bot ("/lapor@LapkinBot") is that
// command.
func parseCommand(text string, slashOnly bool) (*command, string, bool) {
	text = strings.TrimSpace(text)
	slash := strings.HasPrefix(text, "/")
	word, args, _ := strings.Cut(strings.TrimPrefix(text, "/"), " ")
	if i := strings.IndexAny(word, "\n\t"); i >= 0 {
		word, args = word[:i], word[i+1:]+" "+args
	}
	if at := strings.IndexByte(word, '@'); slash && at > 0 {
		word = word[:at]
	}
	c := lookupCommand(word)
	if c == nil {
		return nil, "", false
	}
	if slashOnly && !slash && c.midFlow != flowEnds {
		return nil, "", false
	}
	if slashOnly && !slash && strings.TrimSpace(args) != "" {
		return nil, "", false // "batal rapat" is an answer, not a cancellation
	}
	return c, strings.TrimSpace(args), true
}
