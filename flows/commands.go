package flows

import (
	"strings"

	"github.com/lapkin-id/lapkin/bot"
	"github.com/lapkin-id/lapkin/parse"
	"github.com/lapkin-id/lapkin/store"
)

// command is one chat command: its Indonesian name, its aliases (the English one first), the least
// role that may use it, and what it does. A nil run marks a command of SPEC.md that this version
// does not have yet: it answers so, rather than "unknown command".
//
// keepsFlow says, for the given arguments, that the command only answers a question (it changes
// nothing a flow could be gathering, and starts no flow): sent in the middle of a multi-step
// conversation, it is answered and the conversation goes on. A command without keepsFlow is run
// too and the conversation goes on, unless the command starts a conversation of its own (or is a
// new /lapor): that one replaces it, and the person is told its draft was dropped.
type command struct {
	name      string
	aliases   []string
	role      string
	run       func(r *request, args string) error
	keepsFlow func(args string) bool
	// bare says which arguments the command takes when written without its slash, as WhatsApp
	// users do. After a command word, anything else is someone writing, not a command:
	// "validasi data 50 berkas" and "daftar hadir rapat" are work, read as free text. nil means
	// the command takes no arguments then.
	bare func(args string) bool
}

// bareTakes says whether a command written without its slash takes these arguments.
func (c *command) bareTakes(args string) bool {
	if strings.TrimSpace(args) == "" {
		return true
	}
	return c.bare != nil && c.bare(args)
}

// anyArgs takes everything: /lapor's text is a report whatever it says.
func anyArgs(string) bool { return true }

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

// bareOrList is the keepsFlow of /cuti: bare or "daftar" it lists; with dates it records leave.
func bareOrList(args string) bool {
	switch strings.ToLower(strings.TrimSpace(args)) {
	case "", "daftar", "list":
		return true
	}
	return false
}

// commands lists every command in the order /bantuan shows them.
func commands() []*command {
	return []*command{
		{name: "start", role: "", run: cmdStart, keepsFlow: always},
		{name: "bantuan", aliases: []string{"help"}, role: "", run: cmdHelp, keepsFlow: always, bare: firstIs("semua", "all", "lengkap")},
		{name: "daftar", aliases: []string{"register"}, role: "", run: cmdRegister, bare: nipFirst},
		{name: "lapor", aliases: []string{"report"}, role: store.RoleASN, run: cmdReport, bare: anyArgs},
		{name: "riwayat", aliases: []string{"history"}, role: store.RoleASN, run: cmdHistory, keepsFlow: always, bare: nipFirst},
		{name: "hapus", aliases: []string{"delete"}, role: store.RoleASN, run: cmdDelete, bare: nipFirst},
		{name: "progres", aliases: []string{"progress"}, role: store.RoleASN, run: cmdProgress, keepsFlow: always},
		{name: "kontrak", aliases: []string{"contract"}, role: store.RoleASN, run: cmdContract, keepsFlow: always},
		{name: "target", role: store.RoleASN, run: cmdTarget, bare: either(firstIs("hapus", "delete"), func(a string) bool { return strings.Contains(a, "|") })},
		{name: "ajukan", aliases: []string{"submit"}, role: store.RoleASN, run: cmdSubmit},
		{name: "tandatangani", aliases: []string{"sign"}, role: store.RoleASN, run: cmdSign},
		{name: "cuti", aliases: []string{"leave"}, role: store.RoleASN, run: cmdLeave, keepsFlow: bareOrList,
			bare: either(dateFirst, firstIs("sakit", "sick", "dl", "dinas", "travel", "cuti", "leave", "daftar", "list", "batal", "hapus", "cancel", "delete", "setujui", "approve", "tolak", "reject"))},
		{name: "bahasa", aliases: []string{"language"}, role: "", run: cmdLanguage, keepsFlow: always, bare: anyArgs},
		{name: "batal", aliases: []string{"cancel"}, role: "", run: cmdCancel},
		{name: "tim", aliases: []string{"team"}, role: store.RoleKepala, run: cmdTeam, keepsFlow: always},
		{name: "setujui", aliases: []string{"approve"}, role: store.RoleKepala, run: cmdApprove, bare: nipFirst},
		{name: "tolak", aliases: []string{"reject"}, role: store.RoleKepala, run: cmdReject, bare: nipFirst},
		{name: "validasi", aliases: []string{"review"}, role: store.RoleKepala, run: cmdReview,
			bare: either(nipFirst, firstIs("setujui", "approve", "tolak", "reject", "kembalikan", "return", "semua", "all"))},
		{name: "ingatkan", aliases: []string{"nudge"}, role: store.RoleKepala, run: cmdNudge},
		{name: "rekap", aliases: []string{"digest"}, role: store.RoleKepala, run: cmdDigest, keepsFlow: always, bare: firstIs("minggu", "week", "bulan", "month", "tahun", "year")},
		{name: "hubungkan", aliases: []string{"bind"}, role: store.RoleKepala, run: cmdBind, bare: codeFirst},
		{name: "pegawai", aliases: []string{"employee"}, role: store.RoleKepala, run: cmdEmployee, bare: nipFirst},
		{name: "evaluate", aliases: []string{"evaluasi"}, role: store.RoleKepala, run: cmdEvaluate, bare: either(nipFirst, codeFirst)},
		{name: "kode", aliases: []string{"code"}, role: store.RoleAdmin, run: cmdCode, bare: nipFirst},
		{name: "libur", aliases: []string{"holiday"}, role: store.RoleAdmin, run: cmdHoliday, bare: either(dateFirst, firstIs("hapus", "delete", "remove", "daftar", "list"))},
		{name: "umumkan", aliases: []string{"announce"}, role: store.RoleAdmin, run: cmdAnnounce, bare: codeFirst},
		{name: "putus", aliases: []string{"unlink"}, role: store.RoleAdmin, run: cmdUnlink, bare: nipFirst},
		{name: "bukabulan", aliases: []string{"reopen"}, role: store.RoleAdmin, run: cmdReopen, bare: nipFirst},
		{name: "plh", aliases: []string{"acting"}, role: store.RoleKepala, run: cmdActing, bare: either(nipFirst, firstIs("daftar", "list", "hapus", "batal", "delete", "cancel"))},
	}
}

// MenuCommands lists the commands a person uses every day, for a platform's command menu (Telegram
// setMyCommands): Indonesian names with Indonesian descriptions, English aliases with English ones.
func (e *Engine) MenuCommands(lang string) []bot.Command {
	var out []bot.Command
	for _, c := range commands() {
		if c.run == nil || c.role == store.RoleAdmin || c.role == store.RoleKepala || c.name == "start" || c.name == "daftar" {
			continue
		}
		name := c.name
		if lang == "en" && len(c.aliases) > 0 {
			name = c.aliases[0]
		}
		out = append(out, bot.Command{Name: name, Description: e.cat.T(lang, "menu."+c.name, nil)})
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
	if slashOnly && !slash && c.name != "batal" {
		return nil, "", false
	}
	if slashOnly && !slash && strings.TrimSpace(args) != "" {
		return nil, "", false // "batal rapat" is an answer, not a cancellation
	}
	return c, strings.TrimSpace(args), true
}
