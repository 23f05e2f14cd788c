package freetext

import "strings"

// Lexicon holds the words of this field that the reader needs: abbreviations civil servants
// write, unit synonyms, and concepts that tie a plain word to a target's formal one ("printer"
// to "perangkat TIK"). Default returns Lapkin's list; a city adds its own with Add.
type Lexicon struct {
	abbrev  map[string][]string // "spj" → "surat pertanggungjawaban"
	concept map[string]string   // word or stem → concept tag
	unit    map[string]string   // unit word → unit group
}

// Default returns the built-in lexicon. Each call returns a fresh copy, so a caller may Add to it.
func Default() *Lexicon {
	l := &Lexicon{abbrev: map[string][]string{}, concept: map[string]string{}, unit: map[string]string{}}
	for k, v := range defaultAbbrev {
		l.Add(k, v)
	}
	for tag, words := range defaultConcepts {
		for _, w := range strings.Fields(words) {
			l.concept[w] = tag
		}
	}
	for _, g := range defaultUnits {
		for _, w := range strings.Fields(g[1]) {
			if _, ok := l.unit[w]; !ok {
				l.unit[w] = g[0]
			}
		}
	}
	return l
}

// Add teaches the lexicon an abbreviation: short (one word, any case) stands for long.
func (l *Lexicon) Add(short, long string) {
	l.abbrev[strings.ToLower(strings.TrimSpace(short))] = strings.Fields(strings.ToLower(long))
}

// defaultAbbrev is what officials abbreviate on WhatsApp (PRACTICE.md), and the short forms of
// common office words. The long form replaces the short one before matching; a target written
// with the short form ("Verifikasi dokumen SPJ") is expanded the same way, so both meet.
var defaultAbbrev = map[string]string{
	"spj": "surat pertanggungjawaban", "sppd": "surat perintah perjalanan dinas", "spt": "surat perintah tugas",
	"rakor": "rapat koordinasi", "ratas": "rapat terbatas", "dok": "dokumen", "doc": "dokumen", "docs": "dokumen",
	"tl": "tindak lanjut", "bmn": "barang milik negara", "bmd": "barang milik daerah",
	"udh": "sudah", "sdh": "sudah", "sudh": "sudah", "dah": "sudah", "td": "tadi", "tdi": "tadi", "blm": "belum",
	"sy": "saya", "sya": "saya", "yg": "yang", "dg": "dengan", "dgn": "dengan", "utk": "untuk", "untk": "untuk",
	"krn": "karena", "kpd": "kepada", "tgl": "tanggal", "tgl.": "tanggal", "ttd": "tanda tangan",
	"bumil": "ibu hamil", "imun": "imunisasi", "tb": "tuberkulosis", "tbc": "tuberkulosis",
	"kp": "kenaikan pangkat", "sk": "surat keputusan", "medsos": "media sosial", "sosmed": "media sosial",
	"kmrn": "kemarin", "kmarin": "kemarin", "kemaren": "kemarin", "hr": "hari", "ini": "ini",
	"jrg": "jaringan", "jar": "jaringan", "lap": "laporan", "lpj": "laporan pertanggungjawaban",
	"renja": "rencana kerja", "lk": "laporan keuangan", "lra": "laporan realisasi anggaran",
	"bimtek": "bimbingan teknis", "monev": "monitoring evaluasi", "pkm": "puskesmas", "ppid": "ppid",
	"siasn": "siasn", "ap": "access point", "wifi": "wifi", "ig": "instagram", "fb": "facebook",
	"yt": "youtube", "kgb": "kenaikan gaji berkala", "pns": "pns", "asn": "asn", "opd": "opd",
	"mnt": "menit", "mnit": "menit", "jm": "jam",
	"sktm": "surat keterangan tidak mampu", "sku": "surat keterangan usaha", "skd": "surat keterangan domisili",
	"skck": "surat keterangan catatan kepolisian", "kk": "kartu keluarga", "trx": "transaksi", "org": "orang",
	"lbr": "lembar", "giat": "kegiatan", "keg": "kegiatan",
	"sp2d": "surat perintah pencairan dana", "pkk": "pkk", "bpjs": "bpjs",
}

// defaultConcepts ties plain words to the formal words of targets: every word of a group stands
// for the same thing when a message is matched to a target. Words are stems or whole words.
var defaultConcepts = map[string]string{
	"gangguan":   "gangguan rusak error eror perbaik servis service trouble troubleshoot troubleshooting mati macet hang lemot down keluhan kendala bermasalah masalah virus malware reset password",
	"perangkat":  "perangkat printer komputer laptop pc monitor proyektor scanner keyboard mouse ups cpu hardware toner tinta",
	"server":     "server backup cadang database vm hosting storage",
	"jaringan":   "jaringan internet wifi lan kabel router switch access point modem bandwidth fiber",
	"verifikasi": "verifikasi periksa cek koreksi validasi teliti telaah reviu review",
	"catat":      "catat input entri entry register registrasi kohort rekap rekapitulasi",
	"arsip":      "arsip pemberkasan filing",
	"konten":     "konten posting postingan unggah upload video reels infografis desain feed story carousel poster flyer",
	"berita":     "berita rilis siaran pers artikel",
	"liput":      "liput liputan dokumentasi meliput",
	"imunisasi":  "imunisasi vaksin vaksinasi suntik bcg polio campak dpt",
	"hamil":      "hamil anc kehamilan bumil",
	"pensiun":    "pensiun bup",
	"pangkat":    "pangkat kp",
	"keamanan":   "keamanan pentest penetration vulnerability celah",
	"media":      "media sosial instagram facebook twitter tiktok youtube",
	"diseminasi": "diseminasi sosialisasi penyuluhan edukasi kelas ceramah",
	"surat":      "surat pengantar keterangan domisili",
	"aduan":      "aduan pengaduan komplain",
	"rapat":      "rapat rakor koordinasi pertemuan audiensi",
}

// defaultUnits groups the words people use for the same unit of a target: "5 berkas" counts
// towards a target in dokumen. A word belongs to the first group that lists it.
var defaultUnits = [][2]string{
	{"dokumen", "dokumen berkas file lembar naskah surat spj map dok usulan tagihan dokumen"},
	{"orang", "orang pasien anak balita bayi ibu bumil peserta pegawai warga jiwa asn pns siswa murid klien pengunjung"},
	{"keluarga", "kk keluarga rumah"},
	{"kegiatan", "kegiatan kali acara rapat sesi agenda pertemuan"},
	{"konten", "konten postingan posting video foto artikel berita unggahan rilis"},
	{"laporan", "laporan lap"},
	{"tiket", "tiket aduan keluhan pengaduan"},
	{"lokasi", "lokasi titik kelurahan site tempat"},
	{"aplikasi", "aplikasi app sistem"},
	{"data", "data record entri baris"},
	{"transaksi", "transaksi trx"},
}

// stopwords carry no meaning for matching a target.
var stopwords = set(`dan di ke dari yang untuk pada dengan dalam atas oleh serta atau ini itu
	saya sudah telah sedang akan lagi juga jadi ada adalah yaitu bagi para sebagai secara
	pak bu bapak ibu mas mbak kak bang dek tadi hari kemarin tanggal jam menit pukul sampai hingga
	pagi siang sore malam selesai kegiatan buah sebanyak total jumlah lapor laporan melaporkan izin
	mohon ijin tolong sekitar kurang lebih ya yah nya dulu sekalian aja saja cuma hanya baru masih
	belum tidak kami kita dia beliau semua beberapa banyak per tiap setiap new baru`)

// generic words are the frame of many targets ("Penyusunan laporan …", "Pengelolaan …"): a match on
// them alone says little.
var generic = set(`susun sun penyusunan kelola pengelolaan laksana pelaksanaan layan layanan tangan
	penanganan bina pembinaan laporan lapor dokumen kegiatan daerah kota dinas pemerintah
	program pusat data evaluasi buat pembuatan administrasi`)

// greetings, thanks and acknowledgements: a message of these words only is chat.
var chatWords = set(`selamat pagi siang sore malam met assalamualaikum assalamu alaikum asslamualaikum
	assalamu'alaikum ass wr wb warahmatullahi wabarakatuh waalaikumsalam wassalam salam halo hallo
	hai hay hi hello ok oke okay okey okee sip siap baik terima kasih makasih terimakasih trimakasih makasi
	mksh makasiih trims tks thx thanks demikian
	mantap mantab noted ya iya y yes p tes test testing wkwk wkwkwk haha hehe hihi pak bu bapak
	ibu mas mbak kak bang dek semua rekan rekan-rekan sama-sama sama nggih njih inggih enggih
	good morning thank you you ditunggu siappp siapp oce okee sehat selalu mohon maaf salah kirim
	sorry maaf tidak apa apa-apa dan juga lho loh kok kah deh dong sih lah nah tuh nih ini itu
	sudah semangat luar biasa alhamdulillah amin aamiin insyaallah insya allah betul benar setuju`)

// preamble words open a report without being part of it: "izin lapor pak:", "Lapor:".
var preambleWords = set(`lupa melapor ndan komandan giat lapor lpr lapot laporan laporkan melaporkan izin ijin mohon ijinkan
	saya sy pak bu bapak ibu kegiatan aktivitas hari ini hr tadi td berikut kerja pekerjaan
	assalamualaikum selamat pagi siang sore malam kak mas mbak`)

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
