package seed

import (
	"fmt"
	"strconv"
	"time"

	"github.com/lapkin-id/lapkin/calendar"
	"github.com/lapkin-id/lapkin/store"
)

// city is the roster of a synthetic city, supervisors before their staff.
type city struct {
	opds     []store.OPD
	emps     []store.Employee
	workDays map[string]int
}

var opdNames = []string{
	"Badan Kepegawaian dan Pengembangan Sumber Daya Manusia Daerah", "Dinas Kesehatan", "Dinas Pendidikan",
	"Dinas Komunikasi dan Informatika", "Dinas Pekerjaan Umum dan Penataan Ruang", "Badan Perencanaan Pembangunan Daerah",
	"Badan Pengelolaan Keuangan dan Aset Daerah", "Dinas Kependudukan dan Pencatatan Sipil", "Dinas Sosial",
	"Dinas Perhubungan", "Dinas Lingkungan Hidup", "Dinas Perdagangan dan Perindustrian", "Satuan Polisi Pamong Praja",
	"Dinas Penanaman Modal dan PTSP", "Inspektorat Daerah", "Rumah Sakit Umum Daerah",
}

var (
	maleNames   = []string{"Agus", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Irfan", "Joko", "Rizal", "Slamet", "Taufik", "Wahyu", "Yusuf", "Asep", "Bambang", "Dimas"}
	femaleNames = []string{"Ani", "Dewi", "Fitri", "Indah", "Lestari", "Nur", "Rina", "Sari", "Siti", "Wulan", "Yuliana", "Ratna", "Maya", "Nining", "Eka", "Putri"}
	familyNames = []string{"Santoso", "Wijaya", "Saputra", "Lubis", "Siregar", "Nasution", "Hidayat", "Kurniawan", "Rahayu", "Pratama", "Setiawan", "Harahap", "Gunawan", "Sulistyo", "Purnomo", "Hakim"}
	degrees     = []string{"", "", "S.E.", "S.Sos.", "S.Kom.", "S.H.", "S.T.", "A.Md.", "S.AP., M.Si.", "S.Pd."}
)

// plan lays out the OPDs and the roster. Each OPD has a head (eselon II, role kepala), a
// secretary and heads of division (III), heads of section (IV) and staff; the first OPD is the
// BKPPD and holds the two admins. Every fourth OPD works six days a week.
func plan(r rng, opt Options) city {
	c := city{workDays: map[string]int{}}
	nips := map[string]bool{}
	seqs := map[string]int{}
	newNIP := func(key string) (string, int) {
		for try := 0; ; try++ {
			k := key + "#" + strconv.Itoa(try)
			by := 1966 + r.intn(33, k, "by")
			birth := time.Date(by, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.intn(365, k, "bd"))
			ay := by + 20 + r.intn(12, k, "ay")
			if ay > 2024 {
				ay = 2024
			}
			am := 1 + r.intn(12, k, "am")
			sex := 1 + r.intn(2, k, "sex")
			prefix := fmt.Sprintf("%s%04d%02d%d", birth.Format("20060102"), ay, am, sex)
			seqs[prefix]++
			nip := fmt.Sprintf("%s%03d", prefix, seqs[prefix])
			if seqs[prefix] <= 999 && !nips[nip] {
				nips[nip] = true
				return nip, sex
			}
		}
	}
	name := func(key string, sex int) string {
		first := maleNames
		if sex == 2 {
			first = femaleNames
		}
		n := first[r.intn(len(first), key, "first")] + " " + familyNames[r.intn(len(familyNames), key, "family")]
		if d := degrees[r.intn(len(degrees), key, "degree")]; d != "" {
			n += ", " + d
		}
		return n
	}
	for o := 0; o < opt.OPDs; o++ {
		code := fmt.Sprintf("OPD%02d", o+1)
		oname := opdNames[o%len(opdNames)]
		if o >= len(opdNames) {
			oname = fmt.Sprintf("%s %d", oname, o/len(opdNames)+1)
		}
		if o == 0 {
			code = "BKPPD"
		}
		wd := 5
		if o%4 == 1 {
			wd = 6
		}
		c.opds = append(c.opds, store.OPD{Code: code, Name: oname, WorkDays: wd})
		c.workDays[code] = wd

		size := opt.ASN / opt.OPDs
		if o < opt.ASN%opt.OPDs {
			size++
		}
		nDiv := max(1, size/60)
		nSec := max(1, size/12)
		var head, secretary string
		var divisions, sections []string
		add := func(pos, eselon, role, sup string) string {
			key := code + "/" + strconv.Itoa(len(c.emps))
			nip, sex := newNIP(key)
			phone := strconv.FormatInt(6281300000000+int64(len(c.emps)), 10)
			c.emps = append(c.emps, store.Employee{NIP: nip, Name: name(key, sex), Position: pos, Eselon: eselon,
				OPDCode: code, Phone: phone, Role: role, SupervisorNIP: sup, Active: true})
			return nip
		}
		for i := 0; i < size; i++ {
			switch {
			case i == 0:
				head = add("Kepala "+oname, "II.b", store.RoleKepala, "")
			case i == 1:
				secretary = add("Sekretaris", "III.a", store.RoleASN, head)
			case i < 2+nDiv:
				divisions = append(divisions, add(fmt.Sprintf("Kepala Bidang %d", i-1), "III.b", store.RoleASN, head))
			case i < 2+nDiv+nSec:
				n := i - 2 - nDiv
				sup := secretary
				if len(divisions) > 0 {
					sup = divisions[n%len(divisions)]
				}
				sections = append(sections, add(fmt.Sprintf("Kepala Seksi %d", n+1), "IV.a", store.RoleASN, sup))
			default:
				sup := secretary
				if len(sections) > 0 {
					sup = sections[i%len(sections)]
				}
				if sup == "" {
					sup = head
				}
				role := store.RoleASN
				if o == 0 && i >= size-2 && size > 4 {
					role = store.RoleAdmin
				}
				add("Pelaksana", "", role, sup)
			}
		}
	}
	return c
}

var targetKinds = []struct {
	desc, unit string
	min, max   int
}{
	{"Penyusunan dokumen perencanaan", "dokumen", 4, 24},
	{"Verifikasi berkas administrasi", "berkas", 120, 900},
	{"Pelayanan permohonan masyarakat", "layanan", 200, 1500},
	{"Penyusunan laporan kegiatan", "laporan", 12, 52},
	{"Pelaksanaan rapat koordinasi", "kegiatan", 12, 48},
	{"Pengelolaan surat masuk dan keluar", "surat", 300, 2400},
	{"Pemutakhiran data", "data", 100, 1000},
}

// contract is a person's signed contract for year: 3 targets (4 for officials), signed in the first
// days of the year or of the history, due at the end of the year.
func contract(r rng, e store.Employee, year int, from time.Time, loc *time.Location) store.Contract {
	start := time.Date(year, 1, 2, 0, 0, 0, 0, time.UTC)
	if from.After(start) {
		start = from
	}
	key := e.NIP + "/" + strconv.Itoa(year)
	signed := time.Date(start.Year(), start.Month(), start.Day()+r.intn(8, key, "signed"), 9, 0, 0, 0, loc)
	c := store.Contract{NIP: e.NIP, Year: year, Status: store.ContractSigned, SignedAt: &signed, SupervisorNIP: e.SupervisorNIP}
	n := 3
	if e.Eselon != "" {
		n = 4
	}
	for i := 0; i < n; i++ {
		k := targetKinds[(r.intn(len(targetKinds), key, "kind")+i)%len(targetKinds)]
		q := k.min + r.intn(k.max-k.min+1, key, strconv.Itoa(i), "q")
		c.Targets = append(c.Targets, store.Target{N: i + 1, Description: k.desc, Quantity: float64(q), Unit: k.unit,
			DueDate: fmt.Sprintf("%d-12-31", year), Weight: 1})
	}
	return c
}

var leaveKinds = []string{"cuti", "cuti", "cuti", "sakit", "sakit", "dl"}

// leave gives a person, in about one month in ten, one to four consecutive working days of leave.
func leave(r rng, nip string, workDays int, holidays *calendar.Calendar, from, to time.Time) []store.Leave {
	var out []store.Leave
	office := holidays.Days(workDays)
	working := func(d time.Time) bool { return office.Working(calendar.Of(d)) }
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); m.Before(to); m = m.AddDate(0, 1, 0) {
		key := nip + "/" + m.Format("2006-01")
		if r.unit(key, "leave") >= 0.10 {
			continue
		}
		start := m.AddDate(0, 0, r.intn(26, key, "day"))
		for !working(start) {
			start = start.AddDate(0, 0, 1)
		}
		end, n := start, 1+r.intn(4, key, "len")
		for d, days := start, 0; days < n; d = d.AddDate(0, 0, 1) {
			if working(d) {
				end = d
				days++
			}
		}
		if start.Before(from) || !end.Before(to) {
			continue
		}
		out = append(out, store.Leave{NIP: nip, Kind: leaveKinds[r.intn(len(leaveKinds), key, "kind")],
			StartDate: start.Format("2006-01-02"), EndDate: end.Format("2006-01-02"), Reason: "seed"})
	}
	return out
}
