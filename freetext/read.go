// Package freetext understands a daily report written the way people write on WhatsApp: "tadi
// rapat koordinasi 2 jam", "sudah verifikasi lima berkas spj", "kemarin: 1. backup server 2.
// perbaiki printer". It reads the activities, their quantity and unit, the effective minutes and
// the day, tells chat and questions from reports, and matches an activity to the person's signed
// targets by the words of the field (stems, abbreviations, unit synonyms, typos).
//
// It is pure: no store, no network, no model; the same text and day always read the same. Like
// parse, it depends on nothing of Lapkin's beyond parse, so its tests and benchmarks build fast.
package freetext

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/lapkin-id/lapkin/parse"
)

// Kind is what a message is.
type Kind int

// The kinds of message.
const (
	// Chat is a greeting, thanks, an acknowledgement, an emoji: nothing to record.
	Chat Kind = iota
	// Report is work done: one or more activities.
	Report
	// Question asks for something a command answers (Reading.Command).
	Question
	// Unclear is neither: words that name no work the person has a target for and no sign of
	// work done ("pak rapatnya jam berapa?"). Nothing is recorded; the person may be told how to
	// report.
	Unclear
)

// Activity is one thing done, as read from a message.
type Activity struct {
	Text     string  // what was done, cleaned, as the person wrote it
	Quantity float64 // 0 when none was given
	Unit     string  // the word after the quantity ("berkas"), "" when none
	Minutes  int     // effective minutes, 0 when none
	Target   int     // a target named by "#n", 0 when none
	// Day is the date it happened (a civil date, midnight UTC): the message's day unless the
	// activity names its own.
	Day time.Time
	// DayStated says the day was written ("kemarin", "Senin", "tgl 3"), not assumed to be today.
	DayStated bool
	// Signal says the words read as work done (a verb of work, a quantity, a duration), not as
	// chat; flows also counts a word of a target as a signal.
	Signal bool

	slots    [][]string // content words, each with its abbreviation spelled out, for matching
	content  int        // how many of the slots are words of the activity, not only its unit
	work     bool       // a word of work was written: a verb, or a noun of work ("rapat", "backup")
	dayLeads bool       // the day was written before the activity ("Senin rakor …")
}

// Reading is what a message says.
type Reading struct {
	Kind       Kind
	Command    string // for a Question: progres, kontrak, riwayat or bantuan
	Leave      bool   // chat about being sick or on leave: the person may want /cuti
	Activities []Activity
}

var (
	timeRange = regexp.MustCompile(`(?:(?:dari\s+)?(?:jam|jm|pukul|pkl\.?)\s*)?\b(\d{1,2})(?:[.:](\d{2}))?\s*(?:-|–|—|s\.?\s?d\.?|s/d|sd|sampai|sampe|hingga|smp)\s*(?:(?:jam|jm|pukul|pkl\.?)\s*)?(\d{1,2})(?:[.:](\d{2}))?\b`)
	targetTok = regexp.MustCompile(`^#(\d{1,3})$`)
	durBoth   = regexp.MustCompile(`^(\d{1,2})(?:j|jam|h)(\d{1,2})(?:m|mnt|menit|min)?$`)
	durMin    = regexp.MustCompile(`^(\d{1,4})(?:m|mnt|menit|min|mnit)$`)
	durHour   = regexp.MustCompile(`^(\d{1,2}(?:[.,]\d{1,2})?)(?:j|jam|h)$`)
	numTok    = regexp.MustCompile(`^\d[\d.,]*$`)
	glued     = regexp.MustCompile(`^(\d{1,5}(?:,\d{1,2})?)([a-z]{1,10})$`)
)

var dayNames = map[string]time.Weekday{"senin": time.Monday, "selasa": time.Tuesday, "rabu": time.Wednesday,
	"kamis": time.Thursday, "jumat": time.Friday, "jum'at": time.Friday, "jumaat": time.Friday,
	"sabtu": time.Saturday, "minggu": time.Sunday, "ahad": time.Sunday}

var monthNames = map[string]time.Month{"jan": 1, "januari": 1, "feb": 2, "februari": 2, "mar": 3, "maret": 3,
	"apr": 4, "april": 4, "mei": 5, "jun": 6, "juni": 6, "jul": 7, "juli": 7, "agu": 8, "agt": 8, "agustus": 8,
	"sep": 9, "sept": 9, "september": 9, "okt": 10, "oktober": 10, "nov": 11, "november": 11, "des": 12, "desember": 12}

// questionWords open a question.
var questionWords = set(`berapa brp apa apakah bagaimana bagaimanakah gimana gmn gmana bgmn bgm gmna
	kapan mana dimana kenapa mengapa siapa bisakah boleh bisa cara caranya tolong`)

// activityWords are nouns and loan words that name work without an Indonesian verb prefix.
var activityWords = set(`rapat rakor verifikasi input entri entry pasang cek backup apel piket upload
	unggah posting liputan imunisasi kunjungan periksa koordinasi rekap update instal install setting
	konfigurasi monitoring monev survei survey servis service perbaikan ganti bimtek sosialisasi
	penyuluhan susun buat bikin kirim antar ketik scan scanning rekapitulasi validasi visitasi
	kelola olah edit desain foto dokumentasi rapikan arsip catat data pendataan maintenance
	troubleshoot restart reset rawat ukur timbang layani lacak telusur tracing vaksin suntik
	kontrol koreksi revisi finalisasi persiapan siapkan cetak print fotokopi jaga hadir ikut ikuti
	pelatihan workshop webinar zoom presentasi paparan wawancara liput tulis rilis publikasi
	inventarisasi opname stock audit reviu review evaluasi analisis pemetaan mapping uji tes testing
	pentest scan patch migrasi deploy setup konsultasi pendampingan pengecekan supervisi setor
	ambil terima jemput tinjau dampingi hadiri bantu bagikan proses urus tangani selesaikan perbaiki
	bersihkan tata pindai liput shooting rekam operator ajar latih layanan pelayanan posyandu anc
	entri legalisir paraf telaah kaji rancang bahas diskusi audiensi fasilitasi pantau patroli
	konseling ajar mengajar timbang penimbangan sweeping razia`)

// Read reads a message sent on day today (a civil date). targets are the person's own, used only
// to keep together an activity whose target says "X dan Y" ("Pemeliharaan server dan jaringan").
func (l *Lexicon) Read(text string, today time.Time, targets []Target) Reading {
	low := strings.ToLower(strings.TrimSpace(text))
	if !hasWord(low) {
		return Reading{Kind: Chat} // an emoji, a sticker's text
	}
	if strings.IndexFunc(low, unicode.IsLetter) < 0 {
		return Reading{Kind: Unclear} // "1" after a question that is no longer open
	}
	acts := l.readActivities(text, today, targets)
	measured := false
	for _, a := range acts {
		measured = measured || a.Quantity > 0 || a.Minutes > 0 || a.Target > 0
	}
	if q, ok := question(low); ok && (!measured || q == "bantuan" || strings.HasSuffix(low, "?")) {
		{
			if q == "" {
				return Reading{Kind: Unclear}
			}
			return Reading{Kind: Question, Command: q}
		}
	}
	if len(acts) == 0 || chatty(low, measured) {
		return Reading{Kind: Chat, Leave: leaveTalk(low)}
	}
	return Reading{Kind: Report, Activities: acts}
}

// readActivities reads the activities of a message, whatever kind it is. A piece with no words
// of its own is not an activity: its duration, quantity or day go to the activity before it (",
// dari jam 9 sampai 12"), or, when that one has its own quantity already, it repeats that
// activity for another count or day ("kemarin imunisasi 6 bayi, hari ini 10 bayi"). A day that
// opens the message ("Kemarin: …", "Senin rakor …; verifikasi …") is the day of every activity
// that does not name its own.
func (l *Lexicon) readActivities(text string, today time.Time, targets []Target) []Activity {
	var all []Activity
	var lead *Activity // the activity whose day opened the message
	for _, p := range l.pieces(text, targets) {
		a := l.readPiece(p.text, today)
		if len(all) == 0 && lead == nil && a.DayStated && (a.dayLeads || a.content == 0) {
			lead = &a
		}
		// A piece cut at a comma is an activity of its own only when it shows it: a word of work,
		// or a count of something ("sktm 2"); else it goes on the one before ("printer, wifi,
		// email"; "ada 2 yg dikembalikan").
		soft := p.soft && len(all) > 0 && a.Target == 0 && (remark[p.first] || completion[p.first] && a.Quantity == 0 ||
			!(a.work || a.Quantity > 0 && a.content > 0))
		if (a.content == 0 || soft) && a.Target == 0 {
			if len(all) == 0 {
				continue // "Kemarin:", "izin lapor pak" before the work
			}
			prev := &all[len(all)-1]
			switch {
			case a.content == 0 && a.Quantity > 0 && prev.Quantity > 0:
				a.Text, a.slots, a.content, a.work = prev.Text, prev.slots, prev.content, prev.work
				if a.Unit == "" {
					a.Unit = prev.Unit
				}
				a.Signal = true
				all = append(all, a)
			default:
				if soft && a.content > 0 {
					prev.Text += ", " + lowerFirst(a.Text)
					prev.slots = append(prev.slots, a.slots...)
					prev.content += a.content
				}
				if prev.Minutes == 0 {
					prev.Minutes = a.Minutes
				}
				if prev.Quantity == 0 && a.Quantity > 0 {
					prev.Quantity, prev.Unit = a.Quantity, a.Unit
				}
				if a.DayStated && !prev.DayStated {
					prev.Day, prev.DayStated = a.Day, true
				}
				prev.Signal = prev.Signal || a.Signal
			}
			continue
		}
		all = append(all, a)
	}
	if lead != nil {
		for i := range all {
			if !all[i].DayStated {
				all[i].Day, all[i].DayStated = lead.Day, true
			}
		}
	}
	return all
}

// remark words open a remark on the activity before, not a new one: "ada 2 yg dikembalikan".
var remark = set(`ada yg yang tapi tp namun karena krn sehingga jadi dengan dgn total termasuk yaitu yakni antara`)

func lowerFirst(s string) string {
	for i, r := range s {
		return string(unicode.ToLower(r)) + s[i+len(string(r)):]
	}
	return s
}

func hasWord(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// words splits lower-case text into its words of letters and digits.
func words(low string) []string {
	return strings.FieldsFunc(low, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' })
}

var (
	// howWords ask how to do something: with a word of reporting, the question is for /bantuan.
	howWords = set(`cara caranya gimana gmn gmana bgmn bgm gmna bagaimana bagaimanakah bisa bisakah boleh bolehkah`)
	// helpTopics are what a "how" question may be about for /bantuan.
	helpTopics = set(`lapor melapor laporan laporkan lapornya hapus hapusnya menghapus ubah ubahnya edit daftar
		telegram whatsapp wa foto bukti bot aplikasi pakai format perintah menu bantuan`)
	progressTopics = set(`progres progress capaian capaiannya realisasi persen persentase pencapaian nilai skor kepatuhan`)
	contractTopics = set(`target targetnya kontrak kontraknya skp perjanjian sasaran indikator`)
	historyTopics  = set(`riwayat lapor laporan laporannya dilapor melapor masuk tercatat kecatat dicatat terkirim terekam lengkap`)
	// yesNoEnds close a yes-no question: "sudah masuk belum ya?", "lengkap kan".
	yesNoEnds = set(`blm belum kan ga gak nggak ngga tidak tdk apa`)
	// vocatives are the words that address someone: ya, bu, pak …
	vocatives = set(`ya yah yaa bu pak bapak ibu mas mbak kak bang dek ndan`)
)

// question reads a question and names the command that answers it. ok is false for a message
// that is no question; a question no command answers ("rapatnya jam berapa?") has ok true and
// an empty command.
func question(low string) (cmd string, ok bool) {
	toks := words(low)
	if len(toks) == 0 {
		return "", false
	}
	asks := strings.HasSuffix(strings.TrimSpace(low), "?")
	for _, t := range toks {
		asks = asks || questionWords[t]
	}
	// A yes-no question ends in "belum", "kan" or "ga", perhaps followed by "ya" or a name.
	end := len(toks) - 1
	for end > 0 && vocatives[toks[end]] {
		end--
	}
	asks = asks || yesNoEnds[toks[end]] && end > 0
	done := false
	for _, t := range toks {
		done = done || t == "sdh" || t == "sudah" || t == "udh" || t == "udah" || t == "dah"
		asks = asks || done && (t == "blm" || t == "belum")
	}
	if !asks {
		return "", false
	}
	has := func(set map[string]bool) bool {
		for _, t := range toks {
			if set[t] {
				return true
			}
			for _, suf := range []string{"ku", "mu", "nya"} { // "targetku", "capaiannya"
				if strings.HasSuffix(t, suf) && set[strings.TrimSuffix(t, suf)] {
					return true
				}
			}
		}
		return false
	}
	switch {
	case has(howWords) && has(helpTopics):
		return "bantuan", true
	case has(progressTopics):
		return "progres", true
	case has(contractTopics):
		return "kontrak", true
	case has(historyTopics):
		return "riwayat", true
	}
	return "", true
}

var (
	// futureWords put what follows in the future: "nanti siang sy lapor", "sy cek dulu".
	futureWords = set(`nanti nnti ntar besok akan mau otw segera dulu`)
	// absenceWords speak of not working: sick, on leave, a day off.
	absenceWords = set(`sakit cuti berhalangan opname libur`)
	// emptyWords say there is nothing: "belum ada warga datang".
	emptyPairs = map[string]bool{"belum ada": true, "blm ada": true, "tidak ada": true, "tdk ada": true,
		"gak ada": true, "ga ada": true, "nggak ada": true}
)

// chatty reports whether a message with words of work is chat all the same: about the future
// ("nanti sore saya lapor"), about being away ("izin pak hari ini saya sakit"), addressed to
// someone without any sign of work done ("pak, server lagi down"), an apology or an excuse.
// measured says the message has a quantity or a duration: work done, whatever else it says.
func chatty(low string, measured bool) bool {
	toks := words(low)
	if len(toks) == 0 {
		return true
	}
	reports := false
	for _, t := range toks {
		reports = reports || t == "lapor" || t == "laporan" || t == "lpr"
	}
	if leaveTalk(low) && !measured {
		return true
	}
	for i, t := range toks {
		if futureWords[t] && (i < 4 || !measured && !reports) {
			return true
		}
		if futureWords[t] && i+1 < len(toks) && (toks[i+1] == "lapor" || toks[i+1] == "sy" || toks[i+1] == "saya") {
			return true // "…, nanti sy lapor"
		}
		if t == "mohon" && !measured && !(i+1 < len(toks) && (toks[i+1] == "izin" || toks[i+1] == "ijin")) {
			return true // a request: "mohon dibantu ajukan ke provinsi"
		}
		if absenceWords[t] && !measured {
			return true
		}
		if i+1 < len(toks) && emptyPairs[t+" "+toks[i+1]] && !measured {
			return true
		}
	}
	if measured || reports {
		return false
	}
	first := toks[0]
	if first == "sy" || first == "saya" {
		if len(toks) > 1 {
			first = toks[1]
		}
	}
	switch {
	case first == "maaf" || first == "mohon" && len(toks) > 1 && toks[1] == "maaf":
		return true // an apology: "maaf bu salah kirim foto"
	case first == "izin" || first == "ijin":
		return true // asking leave to go somewhere: "izin ke kecamatan antar berkas"
	case vocatives[toks[0]] && toks[0] != "ya":
		return true // addressed to someone, with no sign of work done: "bu, vaksin bcg habis"
	case greetingWords[toks[0]]:
		return true // "halo bu, sy rina dari bidang arsip"
	}
	return false
}

func leaveTalk(low string) bool {
	for _, w := range []string{"sakit", "cuti", "berhalangan", "tidak masuk", "tdk masuk", "dinas luar", " dl "} {
		if strings.Contains(" "+low+" ", w) {
			return true
		}
	}
	return false
}

// token is one word of a segment: as written (for the activity's text) and in lower case.
type token struct {
	raw, low string
	used     bool
	day      bool // the word that stated the day
	notCount bool // a number that names a place, an order or a year: kept in the text, never a quantity
}

// readPiece reads one piece of a message (see pieces) into an activity.
func (l *Lexicon) readPiece(seg string, today time.Time) Activity {
	low := strings.ToLower(seg)
	var a Activity
	a.Day = today
	// Clock ranges first, while their punctuation is there: "08.00-10.30", "jam 9 sampai 11".
	for {
		m := timeRange.FindStringSubmatchIndex(low)
		if m == nil {
			break
		}
		whole := low[m[0]:m[1]]
		clocky := strings.ContainsAny(whole, ".:") || strings.Contains(whole, "jam") || strings.Contains(whole, "jm") ||
			strings.Contains(whole, "pukul") || strings.Contains(whole, "pkl")
		h1, _ := strconv.Atoi(low[m[2]:m[3]])
		h2, _ := strconv.Atoi(low[m[6]:m[7]])
		m1, m2 := 0, 0
		if m[4] >= 0 {
			m1, _ = strconv.Atoi(low[m[4]:m[5]])
		}
		if m[8] >= 0 {
			m2, _ = strconv.Atoi(low[m[8]:m[9]])
		}
		if !clocky || h1 > 23 || h2 > 24 || m1 > 59 || m2 > 59 {
			break
		}
		if h2 < h1 && h2 <= 12 && h1 <= 12 {
			h2 += 12 // "jam 10 sampai 2" is until 14.00
		}
		if d := (h2*60 + m2) - (h1*60 + m1); d > 0 && a.Minutes == 0 {
			a.Minutes = d
		}
		low = low[:m[0]] + strings.Repeat(" ", m[1]-m[0]) + low[m[1]:]
		seg = seg[:m[0]] + strings.Repeat(" ", m[1]-m[0]) + seg[m[1]:]
	}
	toks := tokenize(seg, low)
	l.readDays(toks, today, &a)
	readDurations(toks, &a)
	// "#2", a quantity and its unit.
	for i := range toks {
		t := &toks[i]
		if t.used {
			continue
		}
		if m := targetTok.FindStringSubmatch(t.low); m != nil {
			n, _ := strconv.Atoi(m[1])
			if a.Target == 0 {
				a.Target = n
			}
			t.used = true
		}
	}
	l.readQuantity(toks, &a)
	a.setText(toks)
	a.finish(l)
	for _, t := range toks {
		if t.day {
			a.dayLeads = true
			break
		}
		if !t.used && !preambleWords[t.low] && !chatWords[t.low] && !stopwords[t.low] {
			break
		}
	}
	return a
}

// tokenize splits a segment into words, keeping numbers ("1.250", "2,5") and "#2" whole and
// dropping the punctuation around words.
func tokenize(seg, low string) []token {
	var out []token
	raws, lows := strings.Fields(seg), strings.Fields(low)
	if len(raws) != len(lows) {
		raws = lows // a case change that changed the spacing: lower case is good enough
	}
	for i := range lows {
		r, w := raws[i], lows[i]
		for _, piece := range splitPunct(r, w) {
			out = append(out, piece)
		}
	}
	return out
}

// splitPunct trims a word's punctuation and splits words joined by "/" or "," ("spj/sppd").
func splitPunct(raw, low string) []token {
	trim := func(s string) string {
		return strings.TrimFunc(s, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '#' && r != '\''
		})
	}
	if numTok.MatchString(trim(low)) || strings.HasPrefix(trim(low), "#") {
		return []token{{raw: trim(raw), low: trim(low)}}
	}
	if m := glued.FindStringSubmatch(trim(low)); m != nil {
		if _, dur := compactDuration(m[0]); !dur {
			// "6jp", "2x", "5dok": a count and its unit written together.
			unit := m[2]
			if unit == "x" {
				unit = "kali"
			}
			return []token{{raw: m[1], low: m[1]}, {raw: unit, low: unit}}
		}
	}
	if len(raw) != len(low) {
		raw = low
	}
	var out []token
	start := 0
	flush := func(end int) {
		r, w := trim(raw[start:end]), trim(low[start:end])
		if w != "" {
			out = append(out, token{raw: r, low: w})
		}
	}
	for i, c := range low {
		if c == '/' || c == ',' || c == ':' || c == '(' || c == ')' || c == '+' {
			flush(i)
			start = i + len(string(c))
		}
	}
	flush(len(low))
	return out
}

// readDays takes the day words: tadi, hari ini, kemarin, kemarin lusa, a weekday, tgl N.
func (l *Lexicon) readDays(toks []token, today time.Time, a *Activity) {
	for i := range toks {
		t := &toks[i]
		set := func(d time.Time) {
			if !a.DayStated {
				a.Day, a.DayStated = d, true
				t.day = true
			}
		}
		if t.used {
			continue
		}
		w := t.low
		if e, ok := l.abbrev[w]; ok && len(e) == 1 {
			w = e[0]
		}
		next := func(k int) string {
			if i+k < len(toks) {
				return toks[i+k].low
			}
			return ""
		}
		switch {
		case (w == "tadi" || w == "td") && next(1) == "malam":
			t.used, toks[i+1].used = true, true
			set(today.AddDate(0, 0, -1)) // "tadi malam": last night
		case w == "tadi" || w == "barusan":
			t.used = true
			set(today)
			for _, p := range []string{"pagi", "siang", "sore", "malam"} {
				if next(1) == p {
					toks[i+1].used = true
				}
			}
		case w == "hari" && next(1) == "ini":
			t.used, toks[i+1].used = true, true
			set(today)
		case w == "semalam":
			t.used = true
			set(today.AddDate(0, 0, -1))
		case w == "kemarin":
			t.used = true
			if next(1) == "lusa" {
				toks[i+1].used = true
				set(today.AddDate(0, 0, -2))
			} else {
				set(today.AddDate(0, 0, -1))
			}
			if next(1) == "sore" || next(1) == "pagi" || next(1) == "siang" {
				toks[i+1].used = true
			}
		case w == "tanggal" || w == "tgl":
			if n, err := strconv.Atoi(strings.TrimSuffix(next(1), ".")); err == nil && n >= 1 && n <= 31 {
				t.used, toks[i+1].used = true, true
				month := time.Month(0)
				if mo, ok := monthNames[next(2)]; ok {
					month = mo
					toks[i+2].used = true
				}
				set(lastDayNumbered(today, n, month))
			}
		case (w == "minggu" || w == "pekan") && (next(1) == "ini" || next(1) == "lalu" || next(1) == "depan" || next(1) == "kemarin"):
			// "minggu ini": this week, not Sunday.
		default:
			if wd, ok := dayNames[w]; ok {
				if i > 0 && (toks[i-1].low == "hari" || toks[i-1].low == "pada") {
					toks[i-1].used = true
				}
				t.used = true
				if next(1) == "lalu" || next(1) == "kemarin" || next(1) == "kmrn" {
					toks[i+1].used = true
				}
				back := (int(today.Weekday()) - int(wd) + 7) % 7
				set(today.AddDate(0, 0, -back))
			}
		}
	}
}

// lastDayNumbered is the latest date not after today whose day of the month is n (and month, when
// given).
func lastDayNumbered(today time.Time, n int, month time.Month) time.Time {
	for back := 0; back < 400; back++ {
		d := today.AddDate(0, 0, -back)
		if d.Day() == n && (month == 0 || d.Month() == month) {
			return d
		}
	}
	return today
}

// readDurations takes the effective minutes: "2 jam", "45 menit", "1,5 jam", "setengah jam", "2
// jam 15 menit", "satu setengah jam", "90m", "2j", "1j30m".
func readDurations(toks []token, a *Activity) {
	for i := 0; i < len(toks); i++ {
		t := &toks[i]
		if t.used {
			continue
		}
		if m, ok := compactDuration(t.low); ok {
			t.used = true
			if a.Minutes == 0 {
				a.Minutes = m
			}
			continue
		}
		if t.low == "sejam" || t.low == "sejaman" {
			t.used = true
			if a.Minutes == 0 {
				a.Minutes = 60
			}
			continue
		}
		v, n := numberAt(toks, i)
		if n == 0 || i+n >= len(toks) {
			continue
		}
		unit := toks[i+n].low
		if k := i + n + 1; k < len(toks) && (toks[k].low == "pelajaran" || toks[k].low == "pelajarn") {
			continue // "2 jam pelajaran" is a count of lessons (JP), not two hours
		}
		switch unit {
		case "jam", "jm", "j":
			mins := v * 60
			k := i + n + 1
			if k < len(toks) && toks[k].low == "setengah" {
				mins += 30
				k++
			} else if v2, n2 := numberAt(toks, k); n2 > 0 && k+n2 < len(toks) && isMinuteWord(toks[k+n2].low) {
				mins += v2
				k += n2 + 1
			}
			if mins > 0 && mins <= 24*60 {
				markUsed(toks, i, k)
				if a.Minutes == 0 {
					a.Minutes = int(mins + 0.5)
				}
			}
		default:
			if isMinuteWord(unit) && v > 0 && v <= 24*60 {
				markUsed(toks, i, i+n+1)
				if a.Minutes == 0 {
					a.Minutes = int(v + 0.5)
				}
			}
		}
	}
	// "jam 9" left alone is a time of day, not a quantity. "pkl" is one only before a clock
	// time: "pkl 09.00", not "penertiban pkl 6 lapak" (pedagang kaki lima).
	for i := 0; i+1 < len(toks); i++ {
		w, next := toks[i].low, toks[i+1].low
		if w == "pkl" && !strings.ContainsAny(next, ".:") {
			continue
		}
		if (w == "jam" || w == "pukul" || w == "pkl") && !toks[i].used && !toks[i+1].used {
			if _, ok := digits(next); ok {
				toks[i].used, toks[i+1].used = true, true
			}
		}
	}
}

func isMinuteWord(w string) bool {
	switch w {
	case "menit", "mnt", "mnit", "min", "m":
		return true
	}
	return false
}

func markUsed(toks []token, from, to int) {
	for k := from; k < to && k < len(toks); k++ {
		toks[k].used = true
	}
}

func compactDuration(w string) (int, bool) {
	if m := durBoth.FindStringSubmatch(w); m != nil {
		h, _ := strconv.Atoi(m[1])
		mm, _ := strconv.Atoi(m[2])
		return h*60 + mm, h*60+mm > 0 && h*60+mm <= 24*60
	}
	if m := durMin.FindStringSubmatch(w); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n, n > 0 && n <= 24*60
	}
	if m := durHour.FindStringSubmatch(w); m != nil {
		h, ok := digits(m[1])
		return int(h*60 + 0.5), ok && h > 0 && h <= 24
	}
	return 0, false
}

// numberAt reads a number, in digits or words, at toks[i], and the count of tokens it takes.
func numberAt(toks []token, i int) (float64, int) {
	if i >= len(toks) || toks[i].used || toks[i].notCount {
		return 0, 0
	}
	if numTok.MatchString(toks[i].low) {
		if f, ok := digits(toks[i].low); ok {
			if i+1 < len(toks) && toks[i+1].low == "setengah" && !toks[i+1].used {
				return f + 0.5, 2 // "1 setengah jam"
			}
			return f, 1
		}
		return 0, 0
	}
	words := make([]string, 0, 4)
	for k := i; k < len(toks) && k < i+5 && !toks[k].used; k++ {
		words = append(words, toks[k].low)
	}
	return numberWords(words, 0)
}

// readQuantity takes the first number left, in digits or words, or a se- word, and the unit
// word after it.
func (l *Lexicon) readQuantity(toks []token, a *Activity) {
	for i := range toks {
		if toks[i].used {
			continue
		}
		v, n := numberAt(toks, i)
		if n == 0 {
			if q, ok := seWords[toks[i].low]; ok {
				v, n = q, 1
			}
		}
		if n == 0 || v <= 0 {
			continue
		}
		if v > parse.MaxQuantity {
			toks[i].notCount = true // a phone number, a NIP, an amount of money: not a count of work
			continue
		}
		nextUnit := i+n < len(toks) && !toks[i+n].used && isWord(toks[i+n].low) && !stopwords[toks[i+n].low]
		if v >= 1990 && v <= 2100 && v == float64(int(v)) && !nextUnit {
			toks[i].notCount = true // "arsip inaktif 2024": a year
			continue
		}
		countsUnit := nextUnit && l.unitGroup(toks[i+n].low) != ""
		if i > 0 && (placeWords[toks[i-1].low] || strings.HasSuffix(toks[i-1].low, "-")) && !countsUnit {
			toks[i].notCount = true // "lantai 2", "rt 05", "tahap 3": a place or an order, not a count
			continue
		}
		a.Quantity = v
		markUsed(toks, i, i+n)
		if k := i + n; k < len(toks) && !toks[k].used && isWord(toks[k].low) && !stopwords[toks[k].low] &&
			!(l.isActivityWord(toks[k].low) && l.unitGroup(toks[k].low) == "") {
			// The word after a count is its unit, unless it is the work itself: "1 backup server".
			a.Unit = toks[k].low
			if classifiers[a.Unit] {
				toks[k].used = true // "2 unit": a count, not a word of the activity
			}
		}
		return
	}
}

// placeWords come before a number that names a place or an order, not a count.
var placeWords = set(`lantai lt ruang ruangan gedung nomor no nmr rt rw blok kelas tahun thn jalan jl jln
	gang gg lorong pos loket rak lemari boks box meja kamar tahap termin bulan periode triwulan semester versi revisi
	sd sdn smp smpn sma sman smk smkn mi mts tk paud
	gelombang angkatan batch kloter pasal ayat halaman hal bab lampiran kode bidang seksi sub subbag
	wilayah zona sektor dusun kavling unit`)

func isWord(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return s != ""
}

// isActivityWord reports whether w names work: a verb or a pe-…-an noun by its affixes, or a word
// of work without one ("rapat", "backup").
func (l *Lexicon) isActivityWord(w string) bool {
	if e, ok := l.abbrev[w]; ok && len(e) > 0 {
		w = e[0]
	}
	if activityWords[w] {
		return true
	}
	for _, s := range stems(w)[1:] {
		if activityWords[s] {
			return true
		}
	}
	n := len(w)
	for _, p := range []string{"mem", "men", "meng", "meny", "me", "ber", "di", "ter"} {
		if strings.HasPrefix(w, p) && n-len(p) >= 4 && !stopwords[w] {
			return true
		}
	}
	return strings.HasPrefix(w, "pe") && strings.HasSuffix(w, "an") && n >= 8
}

// joinedInTarget reports whether one of the targets writes "left dan right", so that the two
// words are one activity.
func joinedInTarget(left, right string, targets []Target) bool {
	for _, t := range targets {
		ws := strings.Fields(strings.ToLower(t.Description))
		for i := 1; i+1 < len(ws); i++ {
			if ws[i] == "dan" && sameWord(ws[i-1], left) && sameWord(ws[i+1], right) {
				return true
			}
		}
	}
	return false
}

func sameWord(a, b string) bool {
	if a == b {
		return true
	}
	for _, x := range stems(a) {
		for _, y := range stems(b) {
			if x == y {
				return true
			}
		}
	}
	return false
}

// setText keeps the words not read as something else as the activity's text, without the
// opening "lapor pak, sudah" and the closing "terima kasih".
func (a *Activity) setText(toks []token) {
	var left []token
	for _, t := range toks {
		if !t.used {
			left = append(left, t)
		}
	}
	for len(left) > 0 && (preambleWords[left[0].low] || chatWords[left[0].low] || lead[left[0].low]) {
		left = left[1:]
	}
	for len(left) > 0 && (chatWords[left[len(left)-1].low] || trail[left[len(left)-1].low]) {
		left = left[:len(left)-1]
	}
	words := make([]string, 0, len(left))
	for _, t := range left {
		words = append(words, t.raw)
	}
	a.Text = upperFirst(strings.Join(words, " "))
}

var (
	lead  = set(`sudah udh sdh sudh dah telah baru td tadi melakukan lakukan telah selesai sdg sedang dan lalu kemudian terus trus`)
	trail = set(`selesai sudah done beres clear tuntas ya yah dan dengan ke di untuk`)
)

// finish computes the content words of the activity and whether it reads as work.
func (a *Activity) finish(l *Lexicon) {
	a.slots = contentSlots(l, a.Text)
	unit := strings.ToLower(a.Unit)
	a.content = 0
	for _, s := range a.slots {
		if s[0] != unit {
			a.content++
		}
	}
	if u := strings.ToLower(a.Unit); u != "" && !slices.ContainsFunc(a.slots, func(s []string) bool { return s[0] == u }) {
		a.slots = append(a.slots, contentSlots(l, u)...)
	}
	a.work = false
	for _, s := range a.slots {
		a.work = a.work || l.isActivityWord(s[0])
	}
	a.Signal = a.work || a.Quantity > 0 || a.Minutes > 0 || a.Target > 0
}

// expand returns a word with its abbreviation spelled out ("spj" → surat pertanggungjawaban),
// the abbreviation itself kept too, so that a target written with it matches.
func (l *Lexicon) expand(w string) []string {
	if e, ok := l.abbrev[w]; ok {
		if len(e) == 1 && e[0] == w {
			return e
		}
		return append([]string{w}, e...)
	}
	return []string{w}
}

func upperFirst(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}

// ChatKind is what a chat message is, for the short answer it may get.
type ChatKind int

// The kinds of chat.
const (
	// ChatOther needs no answer: "ok", "siap", an emoji, "nanti sore saya lapor".
	ChatOther ChatKind = iota
	// ChatGreeting is a greeting: "selamat pagi pak", "assalamualaikum".
	ChatGreeting
	// ChatThanks is thanks: "terima kasih", "makasih bu".
	ChatThanks
	// ChatLeave is talk of being sick or away: "izin hari ini saya sakit".
	ChatLeave
)

var (
	greetingWords = set(`selamat met pagi siang sore malam assalamualaikum assalamu asslamualaikum
		assalamu'alaikum salam halo hallo hai hay hi hello`)
	thanksWords = set(`terima makasih terimakasih trimakasih makasi mksh trims tks thx thanks kasih nuwun matur`)
)

// ChatKindOf tells what kind of chat a message is.
func ChatKindOf(text string) ChatKind {
	low := strings.ToLower(text)
	if leaveTalk(low) {
		return ChatLeave
	}
	toks := strings.FieldsFunc(low, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
	for _, t := range toks {
		if thanksWords[t] {
			return ChatThanks
		}
	}
	for i, t := range toks {
		if greetingWords[t] && i < 3 {
			return ChatGreeting
		}
	}
	return ChatOther
}
