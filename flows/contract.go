package flows

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lapkin-id/lapkin/catalog"
	"github.com/lapkin-id/lapkin/parse"
	"github.com/lapkin-id/lapkin/store"
)

// The contract lifecycle (SPEC.md): the employee drafts targets, submits the contract to their
// supervisor (atasan_nip, else the OPD head), who approves or rejects it with a reason; the
// employee signs an approved contract, which records the signing time and the SHA-256 of the
// contract's canonical text. A signed contract never changes: editing it starts a new version,
// and the signed one stays in force until the revision is signed.

// workingContract returns the sender's contract of this year that is being worked on, nil if none.
func (r *request) workingContract(nip string) (*store.Contract, error) {
	c, err := r.tx.WorkingContract(r.ctx, nip, r.today.Year())
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// editableContract returns the sender's contract ready for a change of targets: a new draft when
// there is none, a new version when the current one is signed, and a rejected or approved one put
// back to draft (it must be decided again). A submitted contract cannot change while it waits.
func (r *request) editableContract() (*store.Contract, string, error) {
	c, err := r.workingContract(r.who.NIP)
	if err != nil {
		return nil, "", err
	}
	note := ""
	switch {
	case c == nil:
		if _, err := r.tx.AddContract(r.ctx, store.Contract{NIP: r.who.NIP, Year: r.today.Year(), Status: store.ContractDraft}, r.now); err != nil {
			return nil, "", err
		}
	case c.Status == store.ContractSubmitted:
		return nil, "", conflict("contract.locked_submitted", nil)
	case c.Status == store.ContractSigned:
		if last, ended, err := r.contractEnded(r.who.NIP, c); err != nil {
			return nil, "", err
		} else if ended {
			// A transfer ended it: the new post's contract starts empty, not from the old targets.
			if _, err := r.tx.AddContract(r.ctx, store.Contract{NIP: r.who.NIP, Year: c.Year, Version: c.Version + 1,
				Status: store.ContractDraft}, r.now); err != nil {
				return nil, "", err
			}
			note = r.t("transfer.new_contract_started", catalog.Args{"Version": c.Version + 1, "Signed": c.Version,
				"Date": FormatDate(r.lang, last)})
			break
		}
		if _, err := r.tx.ReviseContract(r.ctx, *c, r.now); err != nil {
			return nil, "", err
		}
		note = r.t("contract.revision_started", catalog.Args{"Version": c.Version + 1, "Signed": c.Version})
	case c.Status == store.ContractApproved || c.Status == store.ContractRejected:
		if err := r.tx.SetContractDraft(r.ctx, c.ID); err != nil {
			return nil, "", err
		}
		if c.Status == store.ContractApproved {
			note = r.t("contract.back_to_draft", nil)
		}
	}
	c, err = r.workingContract(r.who.NIP)
	return c, note, err
}

func cmdContract(r *request, _ string) error {
	c, err := r.workingContract(r.who.NIP)
	if err != nil {
		return err
	}
	if c == nil {
		r.say("contract.none", catalog.Args{"Year": r.today.Year()})
		return nil
	}
	lines := []string{r.t("contract.title", catalog.Args{"Year": c.Year, "Version": c.Version,
		"Status": r.t("contract.status."+c.Status, nil)})}
	lines = append(lines, r.targetLines(c)...)
	if len(c.Targets) == 0 {
		lines = append(lines, r.t("contract.no_targets", nil))
	}
	if c.Status != store.ContractSigned {
		if signed, err := r.tx.SignedContract(r.ctx, r.who.NIP, c.Year); err == nil {
			lines = append(lines, r.t("contract.in_force", catalog.Args{"Version": signed.Version, "Date": FormatDate(r.lang, signed.SignedAt.In(r.e.opt.Location))}))
		}
	}
	switch c.Status {
	case store.ContractSigned:
		lines = append(lines, r.t("contract.signed_on", catalog.Args{"Date": FormatDate(r.lang, c.SignedAt.In(r.e.opt.Location)), "Hash": c.SHA256}))
		if last, ended, err := r.contractEnded(r.who.NIP, c); err != nil {
			return err
		} else if ended {
			lines = append(lines, r.t("transfer.contract_ended_note", catalog.Args{"Date": FormatDate(r.lang, last)}))
			r.sayText(strings.Join(lines, "\n"))
			return nil
		}
	case store.ContractRejected:
		lines = append(lines, r.t("contract.rejected_reason", catalog.Args{"Reason": c.Decision.RejectReason}))
	}
	lines = append(lines, r.t("contract.next."+c.Status, nil))
	r.sayText(strings.Join(lines, "\n"))
	return nil
}

// targetLines lists a contract's targets: "1. Verifikasi SPJ: 120 dokumen, tenggat 31 Des 2026".
func (r *request) targetLines(c *store.Contract) []string {
	var out []string
	for _, t := range c.Targets {
		line := fmt.Sprintf("%d. %s: %s %s, %s", t.N, t.Description, FormatNumber(t.Quantity), t.Unit,
			r.t("contract.due", catalog.Args{"Date": formatStored(r.lang, t.DueDate)}))
		if t.Weight != 1 {
			line += ", " + r.t("contract.weight", catalog.Args{"Weight": FormatNumber(t.Weight)})
		}
		out = append(out, line)
	}
	return out
}

// cmdTargetRemove removes a target ("/target hapus <n>").
func cmdTargetRemove(r *request, rest string) error {
	n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(rest), "#"))
	if err != nil || n <= 0 {
		return invalid("target.remove_format", nil)
	}
	c, note, err := r.editableContract()
	if err != nil {
		return err
	}
	ok, err := r.tx.RemoveTarget(r.ctx, c.ID, n)
	if err != nil {
		return err
	}
	if !ok {
		return notFound("target.no_such", catalog.Args{"N": n})
	}
	return r.sayTargets(c.ID, note, r.t("target.removed", catalog.Args{"N": n}))
}

// cmdTarget adds a target ("/target <uraian> | <jumlah> <satuan> | <tenggat> [| bobot <n>]").
func cmdTarget(r *request, args string) error {
	t, err := r.parseTarget(args)
	if err != nil {
		return err
	}
	c, note, err := r.editableContract()
	if err != nil {
		return err
	}
	n, err := r.tx.AddTarget(r.ctx, c.ID, t)
	if err != nil {
		return err
	}
	return r.sayTargets(c.ID, note, r.t("target.added", catalog.Args{"N": n, "Desc": t.Description}))
}

// sayTargets answers a change of targets with the contract's targets as they now stand.
func (r *request) sayTargets(contractID int64, note, first string) error {
	c, err := r.tx.ContractByID(r.ctx, contractID)
	if err != nil {
		return err
	}
	lines := []string{first}
	if note != "" {
		lines = append(lines, note)
	}
	lines = append(lines, r.targetLines(&c)...)
	lines = append(lines, r.t("target.next", nil))
	r.sayText(strings.Join(lines, "\n"))
	return nil
}

// maxTargets bounds a contract: a longer list is no longer a set of measurable commitments.
const maxTargets = 15

// parseTarget reads "<uraian> | <jumlah> <satuan> | <tenggat> [| bobot <n>]" and checks it: a
// description, a quantity above 0 with a unit, and a due date inside the contract year that is
// not in the past.
func (r *request) parseTarget(args string) (store.Target, error) {
	var t store.Target
	parts := strings.Split(args, "|")
	if len(parts) < 3 || len(parts) > 4 {
		return t, invalid("target.format", nil)
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	t.Description = parts[0]
	if t.Description == "" || len([]rune(t.Description)) > 200 {
		return t, invalid("target.bad_description", nil)
	}
	qty, unit, _ := strings.Cut(parts[1], " ")
	q, ok := parse.Number(qty)
	unit = strings.TrimSpace(unit)
	if !ok || q <= 0 || q > parse.MaxQuantity {
		return t, invalid("target.bad_quantity", catalog.Args{"Value": parts[1]})
	}
	if unit == "" {
		return t, invalid("target.no_unit", catalog.Args{"Value": parts[1]})
	}
	t.Quantity, t.Unit = q, unit
	due, ok := parse.Date(parts[2])
	if !ok {
		return t, invalid("target.bad_date", catalog.Args{"Value": parts[2]})
	}
	if due.Year() != r.today.Year() {
		return t, invalid("target.date_outside_year", catalog.Args{"Year": r.today.Year()})
	}
	if due.Before(r.today) {
		return t, invalid("target.date_past", catalog.Args{"Date": FormatDate(r.lang, due)})
	}
	t.DueDate = dateKey(due)
	t.Weight = 1
	if len(parts) == 4 {
		w := strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(parts[3]), "bobot"), "weight"))
		f, ok := parse.Number(w)
		if !ok || f <= 0 || f > 10 {
			return t, invalid("target.bad_weight", nil)
		}
		t.Weight = f
	}
	if c, err := r.workingContract(r.who.NIP); err == nil && c != nil && len(c.Targets) >= maxTargets {
		return t, conflict("target.too_many", catalog.Args{"Max": maxTargets})
	}
	return t, nil
}

func cmdSubmit(r *request, _ string) error {
	c, err := r.workingContract(r.who.NIP)
	if err != nil {
		return err
	}
	switch {
	case c == nil || len(c.Targets) == 0:
		return conflict("submit.empty", nil)
	case c.Status == store.ContractSubmitted:
		return conflict("submit.already", nil)
	case c.Status == store.ContractApproved:
		return conflict("submit.already_approved", nil)
	case c.Status == store.ContractSigned:
		return conflict("submit.already_signed", nil)
	}
	sup, err := r.supervisorOf(r.who)
	if err != nil {
		return err
	}
	if sup == "" {
		// The head of an OPD has no atasan in the roster: the BKPPD decides on behalf of the
		// regional head.
		return r.submitToAdmins(c)
	}
	supEmp, err := r.tx.Employee(r.ctx, sup)
	if err != nil {
		return err
	}
	if err := r.tx.SubmitContract(r.ctx, c.ID, sup, r.now); err != nil {
		return err
	}
	targets := strings.Join(r.targetLines(c), "\n")
	if err := r.notify(sup, "submit.to_supervisor", catalog.Args{"Employee": r.who.Name, "NIP": r.who.NIP,
		"Version": c.Version, "Year": c.Year, "Targets": targets}); err != nil {
		return err
	}
	r.say("submit.done", catalog.Args{"Supervisor": supEmp.Name})
	return nil
}

// adminNIPs lists the admins, by the roster's role and by the config, each once.
func (r *request) adminNIPs() ([]string, error) {
	admins, err := r.tx.Admins(r.ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, a := range append(admins, r.e.opt.AdminNIPs...) {
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out, nil
}

// submitToAdmins submits the contract of someone without an atasan (a head of OPD) to the admins:
// it waits with no supervisor, any admin may approve or reject it, and every admin is told.
func (r *request) submitToAdmins(c *store.Contract) error {
	admins, err := r.adminNIPs()
	if err != nil {
		return err
	}
	var others []string
	for _, a := range admins {
		if a != r.who.NIP {
			others = append(others, a)
		}
	}
	if len(others) == 0 {
		return conflict("submit.no_supervisor", nil)
	}
	if err := r.tx.SubmitContract(r.ctx, c.ID, "", r.now); err != nil {
		return err
	}
	targets := strings.Join(r.targetLines(c), "\n")
	for _, a := range others {
		if err := r.notify(a, "submit.to_admins", catalog.Args{"Employee": r.who.Name, "NIP": r.who.NIP, "Position": r.who.Position,
			"OPD": r.who.OPDCode, "Version": c.Version, "Year": c.Year, "Targets": targets}); err != nil {
			return err
		}
	}
	r.say("submit.done_admins", nil)
	return nil
}

// decidable returns the submitted contract of the employee named in args, if the sender may
// decide it: the supervisor it was submitted to, the head of the employee's OPD, or an admin.
func (r *request) decidable(nipArg string) (*store.Employee, *store.Contract, error) {
	emp, err := r.employeeArg(nipArg)
	if err != nil {
		return nil, nil, err
	}
	c, err := r.workingContract(emp.NIP)
	if err != nil {
		return nil, nil, err
	}
	if c == nil || c.Status != store.ContractSubmitted {
		return nil, nil, conflict("decide.nothing", catalog.Args{"Name": emp.Name})
	}
	head := r.who.Role == store.RoleKepala && r.who.OPDCode == emp.OPDCode
	if c.SupervisorNIP != r.who.NIP && !head && !r.isAdmin() {
		return nil, nil, forbidden("decide.not_supervisor", catalog.Args{"Name": emp.Name})
	}
	if emp.NIP == r.who.NIP {
		return nil, nil, forbidden("decide.own", nil)
	}
	return emp, c, nil
}

func cmdApprove(r *request, args string) error {
	if strings.TrimSpace(args) == "" {
		return r.listAwaiting()
	}
	emp, c, err := r.decidable(args)
	if err != nil {
		return err
	}
	if err := r.tx.DecideContract(r.ctx, c.ID, true, r.who.NIP, "", r.now); err != nil {
		return err
	}
	if err := r.notify(emp.NIP, "decide.approved_to_employee", catalog.Args{"Version": c.Version, "Supervisor": r.who.Name}); err != nil {
		return err
	}
	r.say("decide.approved", catalog.Args{"Employee": emp.Name, "NIP": emp.NIP})
	return nil
}

func cmdReject(r *request, args string) error {
	nip, reason, _ := strings.Cut(strings.TrimSpace(args), " ")
	reason = strings.TrimSpace(reason)
	if nip == "" || reason == "" {
		return invalid("decide.reject_format", nil)
	}
	emp, c, err := r.decidable(nip)
	if err != nil {
		return err
	}
	if err := r.tx.DecideContract(r.ctx, c.ID, false, r.who.NIP, reason, r.now); err != nil {
		return err
	}
	if err := r.notify(emp.NIP, "decide.rejected_to_employee", catalog.Args{"Version": c.Version, "Supervisor": r.who.Name, "Reason": reason}); err != nil {
		return err
	}
	r.say("decide.rejected", catalog.Args{"Employee": emp.Name, "NIP": emp.NIP})
	return nil
}

// awaiting returns the contracts waiting for emp's decision: those submitted to them, and for an
// admin also those of people without an atasan (heads of OPD), submitted to the admins.
func (r *request) awaiting(emp *store.Employee) ([]store.Contract, error) {
	cs, err := r.tx.ContractsAwaiting(r.ctx, emp.NIP)
	if err != nil {
		return nil, err
	}
	admins, err := r.adminNIPs()
	if err != nil {
		return nil, err
	}
	for _, a := range admins {
		if a == emp.NIP {
			more, err := r.tx.ContractsAwaiting(r.ctx, "")
			return append(cs, more...), err
		}
	}
	return cs, nil
}

// listAwaiting answers a bare /setujui with the contracts waiting for the sender's decision.
func (r *request) listAwaiting() error {
	cs, err := r.awaiting(r.who)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		r.say("decide.none_waiting", nil)
		return nil
	}
	lines := []string{r.t("decide.waiting_title", catalog.Args{"Count": len(cs)})}
	for _, c := range cs {
		emp, err := r.tx.Employee(r.ctx, c.NIP)
		if err != nil {
			return err
		}
		lines = append(lines, r.t("decide.waiting_line", catalog.Args{"Name": emp.Name, "NIP": emp.NIP, "Count": len(c.Targets)}))
	}
	lines = append(lines, r.t("decide.how", nil))
	r.sayText(strings.Join(lines, "\n"))
	return nil
}

func cmdSign(r *request, _ string) error {
	c, err := r.workingContract(r.who.NIP)
	if err != nil {
		return err
	}
	if c == nil || c.Status != store.ContractApproved {
		status := "none"
		if c != nil {
			status = c.Status
		}
		return conflict("sign.not_approved", catalog.Args{"Status": r.t("contract.status."+status, nil)})
	}
	opd, err := r.tx.OPD(r.ctx, r.who.OPDCode)
	if err != nil {
		return err
	}
	var sup *store.Employee
	if c.SupervisorNIP != "" {
		if s, err := r.tx.Employee(r.ctx, c.SupervisorNIP); err == nil {
			sup = &s
		}
	}
	text := CanonicalContract(c, r.who, &opd, sup, r.now.In(r.e.opt.Location))
	sum := sha256.Sum256([]byte(text))
	hash := hex.EncodeToString(sum[:])
	if err := r.tx.SignContract(r.ctx, *c, hash, r.now); err != nil {
		return err
	}
	told := c.SupervisorNIP
	if told == "" {
		told = c.Decision.DecidedBy // the admin who approved a head's contract
	}
	if told != "" {
		if err := r.notify(told, "sign.to_supervisor", catalog.Args{"Employee": r.who.Name, "NIP": r.who.NIP, "Version": c.Version}); err != nil {
			return err
		}
	}
	r.say("sign.receipt", catalog.Args{"Version": c.Version, "Year": c.Year,
		"When": FormatLongDate(r.lang, r.now) + " " + FormatTime(r.lang, r.now), "Hash": hash})
	return nil
}

// CanonicalContract is the text whose SHA-256 is the signing receipt: every field that makes the
// contract, in a fixed order and format (dates ISO, numbers without grouping), so that anyone can
// recompute the hash from the database and see that the contract is the one that was signed.
// Changing this format changes every future hash: the golden test guards it.
func CanonicalContract(c *store.Contract, emp *store.Employee, opd *store.OPD, sup *store.Employee, signedAt time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "PERJANJIAN KINERJA TAHUN %d\n", c.Year)
	fmt.Fprintf(&b, "Versi: %d\n", c.Version)
	fmt.Fprintf(&b, "NIP: %s\nNama: %s\nJabatan: %s\nEselon: %s\n", emp.NIP, emp.Name, emp.Position, emp.Eselon)
	fmt.Fprintf(&b, "OPD: %s - %s\n", opd.Code, opd.Name)
	if sup != nil {
		fmt.Fprintf(&b, "Atasan: %s - %s\n", sup.NIP, sup.Name)
	} else {
		b.WriteString("Atasan: -\n")
	}
	b.WriteString("Target:\n")
	for _, t := range c.Targets {
		fmt.Fprintf(&b, "%d. %s | %s %s | tenggat %s | bobot %s\n", t.N, t.Description,
			strconv.FormatFloat(t.Quantity, 'f', -1, 64), t.Unit, t.DueDate, strconv.FormatFloat(t.Weight, 'f', -1, 64))
	}
	if c.Decision.DecidedAt != nil {
		fmt.Fprintf(&b, "Disetujui: %s pada %s\n", c.Decision.DecidedBy, c.Decision.DecidedAt.In(signedAt.Location()).Format(time.RFC3339))
	}
	fmt.Fprintf(&b, "Ditandatangani: %s\n", signedAt.Format(time.RFC3339))
	return b.String()
}
