// Package chart draws the picture of an OPD's weekly digest ("rekap mingguan"): one portrait PNG,
// Width x Height pixels, meant to be sent as a photo and read on a cheap Android phone.
//
// The picture has three parts, top to bottom (see testdata/example.png for a rendered sample):
//
//   - a dark header band with the digest's title (wrapped onto two lines, and shrunk, if long);
//   - reports per working day as vertical bars, the number above each bar and the day under it,
//     and, when the caller gives reporters or headcounts, a row "reporters/headcount" (e.g. 18/20)
//     under the days with the caller's caption for it;
//   - compliance per person as horizontal bars from 0 to 100 %, the name at the left (without its
//     degrees and titles, then with middle names as initials, and only then cut with "…" at
//     MaxNameRunes characters: fitName), the value at the bar's end, light gridlines at 0, 25, 50,
//     75 and 100 and the caller's axis caption under them;
//   - a week whose working days have no report at all says so across its bars (Labels.NoReports).
//
// A panel with no data shows Labels.NoData in a tinted box; a digest with neither days nor people
// shows one such box under the title.
//
// Every word a reader sees comes from the caller (Digest.Title, Digest.Labels and the day and
// person labels): this package holds no user-facing text, only digits, "%", "/", "+" and "…".
//
// Library: gonum.org/v1/plot (v0.17), used at its drawing layer (vg, vgimg, font) rather than
// through plot.Plot's axes and legends. Why it over github.com/go-analyze/charts, the other
// cgo-free choice in shared/LIBRARIES.md:
//   - it is the long-established one (the Gonum project, BSD-3, API stable for years), while
//     go-analyze/charts is a younger pre-1.0 fork of the archived go-chart;
//   - a phone picture needs exact control of the layout (large type, values printed on the bars,
//     names cut to fit, no overlaps, two panels on one canvas); the vg canvas gives that directly,
//     where a higher-level chart library mostly gives its own layout to tune;
//   - it rasterises with anti-aliasing into a plain *image.RGBA, which we reduce to 256 colours and
//     encode with image/png ourselves: deterministic bytes, about 80 KB for a typical week;
//   - only vg, vgimg and font are compiled in (no PDF, SVG or LaTeX back-ends).
//
// The font is Liberation Sans (SIL OFL, metric-compatible with Arial) from
// codeberg.org/go-fonts/liberation, the module gonum/plot itself embeds; only its regular and bold
// faces are loaded. It covers Latin with diacritics, "–" and "…": what Indonesian names and labels
// need. Characters it lacks (emoji, CJK) are dropped from drawn text rather than shown as boxes.
package chart

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
)

// Width and Height are the size of every picture, in pixels: portrait 4:5, which Telegram and
// WhatsApp show full-width on a phone without cropping.
const Width, Height = 1080, 1350

// MaxPeople is the most people (or sub-units) drawn one bar each. With more, the chart shows the
// Half highest and the Half lowest by Pct, and one row "+N <Labels.More>" between the two groups
// for the N left out. If the caller's order is by Pct (descending or ascending) that order is
// kept; otherwise those shown are drawn from the highest to the lowest.
const MaxPeople = 25

// Half is how many of the highest and of the lowest are shown when there are more than MaxPeople.
const Half = 12

// MaxNameRunes is the longest name drawn in full; longer names are cut to MaxNameRunes characters,
// the last one being "…".
const MaxNameRunes = 22

// Digest is the data of one OPD's weekly chart.
type Digest struct {
	Title  string   // e.g. "Rekap Mingguan DISKOMINFO, 16–20 Nov 2026"
	Days   []Day    // the working days of the week in order (made for up to 7; more still render, smaller)
	People []Person // compliance per person (or per sub-unit), already sorted as it should show
	// Lang is "id" or "en". The words come from Labels; Lang only picks the digit grouping of
	// report counts (1.234 in Indonesian, 1,234 in English). Anything else counts as "id".
	Lang   string
	Labels Labels
}

// Day is one day of the week: a working day, or a holiday (Off set) drawn in its place as a
// tinted column with the Off text instead of a bar, so that a week never silently loses a day.
// In a monthly recap a Day is a week.
type Day struct {
	Label     string // e.g. "Sen 16/11"; drawn on two lines at its first space when it is too wide
	Off       string // e.g. "Libur": the day is a holiday; Reports, Reporters and Headcount are ignored
	Reports   int    // reports received that day
	Reporters int    // distinct people who reported that day
	Headcount int    // people expected to report that day (0: unknown, only Reporters is shown)
}

// Person is one person's (or sub-unit's) compliance for the week.
type Person struct {
	Name string
	Pct  float64 // 0..100; values outside are clamped and NaN counts as 0
}

// Labels are the texts drawn on the chart, given by the caller from the message catalog so that
// this package holds no user-facing text. An empty label is simply not drawn.
type Labels struct {
	ReportsPerDay   string // heading of the top panel, e.g. "Laporan per hari"
	ReportersPerDay string // caption of the reporters row, e.g. "Pegawai yang melapor / jumlah pegawai"
	Compliance      string // heading of the bottom panel, e.g. "Kepatuhan per pegawai"
	Percent         string // caption under the percent axis, e.g. "% hari kerja dengan laporan"
	NoData          string // shown in a panel that has nothing to draw, e.g. "Belum ada data"
	More            string // after "+N" on the row standing for people left out, e.g. "lainnya"
	// NoReports is written across the bars when every working day has no report, e.g. "Belum ada
	// laporan pada minggu ini": a row of flat bars alone reads as a broken picture.
	NoReports string
}

// PNG renders the digest. The same Digest always gives the same bytes. It is safe to call from
// several goroutines at once.
func PNG(d Digest) ([]byte, error) {
	faces, err := loadFaces()
	if err != nil {
		return nil, err
	}
	// At 72 dpi one vg point is one pixel, so every length below is in pixels.
	cv := vgimg.NewWith(vgimg.UseWH(Width, Height), vgimg.UseDPI(72), vgimg.UseBackgroundColor(color.White))
	p := &painter{c: cv, faces: faces}
	render(p, d)

	var buf bytes.Buffer
	// Default compression: BestCompression saves 7% and takes ten times as long.
	enc := png.Encoder{CompressionLevel: png.DefaultCompression}
	rgba, ok := cv.Image().(*image.RGBA)
	if !ok || rgba.Rect.Dx() != Width || rgba.Rect.Dy() != Height {
		return nil, errors.New("chart: unexpected image from vgimg")
	}
	if err := enc.Encode(&buf, toPaletted(rgba)); err != nil {
		return nil, fmt.Errorf("chart: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// toPaletted maps the picture onto its 256 most frequent colours (ties broken by colour value, so
// the result is deterministic), every other colour going to the nearest of them. The picture is a
// dozen flat colours plus their anti-aliased edges, so nothing visible is lost, and the PNG is less
// than half the size: a cheaper download on a prepaid phone plan.
func toPaletted(img *image.RGBA) *image.Paletted {
	key := func(i int) uint32 {
		return uint32(img.Pix[i])<<16 | uint32(img.Pix[i+1])<<8 | uint32(img.Pix[i+2])
	}
	// The picture is mostly long runs of one colour: counting a run at once instead of pixel by
	// pixel saves most of the map operations (a third of a digest's time, 40 OPDs at a time).
	counts := make(map[uint32]int)
	for i := 0; i < len(img.Pix); {
		k, n := key(i), 1
		for i += 4; i < len(img.Pix) && key(i) == k; i += 4 {
			n++
		}
		counts[k] += n
	}
	colors := make([]uint32, 0, len(counts))
	for c := range counts {
		colors = append(colors, c)
	}
	sort.Slice(colors, func(a, b int) bool {
		if counts[colors[a]] != counts[colors[b]] {
			return counts[colors[a]] > counts[colors[b]]
		}
		return colors[a] < colors[b]
	})
	pal := colors[:min(len(colors), 256)]
	palette := make(color.Palette, len(pal))
	index := make(map[uint32]uint8, len(colors))
	for i, c := range pal {
		palette[i] = color.RGBA{uint8(c >> 16), uint8(c >> 8), uint8(c), 0xFF}
		index[c] = uint8(i)
	}
	for _, c := range colors[len(pal):] {
		best, bestD := 0, math.MaxInt
		for i, q := range pal {
			dr := int(c>>16&0xFF) - int(q>>16&0xFF)
			dg := int(c>>8&0xFF) - int(q>>8&0xFF)
			db := int(c&0xFF) - int(q&0xFF)
			if d := dr*dr + dg*dg + db*db; d < bestD {
				best, bestD = i, d
			}
		}
		index[c] = uint8(best)
	}
	out := image.NewPaletted(img.Rect, palette)
	last, lastIdx := uint32(1<<24), uint8(0) // no colour has this key
	for i, j := 0, 0; i < len(img.Pix); i, j = i+4, j+1 {
		if k := key(i); k != last {
			last, lastIdx = k, index[k]
		}
		out.Pix[j] = lastIdx
	}
	return out
}

// Layout, in pixels.
const (
	margin       = 48  // left and right
	titleMax     = 50  // title font size, shrunk down to titleMin to fit two lines
	titleMin     = 36  // smallest title font; the rest of a longer title is cut with "…"
	oneLineMin   = 42  // smallest title font tried on one line
	headingSize  = 36  // panel headings
	captionSize  = 26  // small captions (reporters row, percent axis)
	tickSize     = 24  // percent axis ticks
	dayLabelSize = 30  // day names under the bars
	dayValueSize = 36  // numbers above the bars
	minDaySize   = 18  // day names are cut with "…" rather than drawn smaller
	rowMax       = 72  // tallest row of the compliance panel
	nameMax      = 36  // largest name font
	nameMin      = 18  // smallest name font (25 rows get about 19)
	noDataHeight = 150 // height of a panel that only says "no data"
)

var (
	colHeader    = color.RGBA{0x1F, 0x3A, 0x5F, 0xFF} // deep navy band
	colTitle     = color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}
	colText      = color.RGBA{0x1B, 0x26, 0x33, 0xFF} // near-black for values and names
	colMuted     = color.RGBA{0x5A, 0x66, 0x73, 0xFF} // captions, ticks
	colBar       = color.RGBA{0x2F, 0x6D, 0xB5, 0xFF} // reports and compliance bars
	colReporters = color.RGBA{0x1F, 0x3A, 0x5F, 0xFF}
	colGrid      = color.RGBA{0xD9, 0xDF, 0xE6, 0xFF}
	colAxis      = color.RGBA{0x9A, 0xA5, 0xB1, 0xFF}
	colRowAlt    = color.RGBA{0xF3, 0xF6, 0xF9, 0xFF} // zebra stripe behind every other row
)

// --- fonts ---------------------------------------------------------------------------------------

type faces struct {
	regular, bold *opentype.Font
}

var (
	facesOnce sync.Once
	facesVal  *faces
	facesErr  error
)

func loadFaces() (*faces, error) {
	facesOnce.Do(func() {
		r, err := opentype.Parse(liberationsansregular.TTF)
		if err != nil {
			facesErr = fmt.Errorf("chart: parse font: %w", err)
			return
		}
		b, err := opentype.Parse(liberationsansbold.TTF)
		if err != nil {
			facesErr = fmt.Errorf("chart: parse font: %w", err)
			return
		}
		facesVal = &faces{regular: r, bold: b}
	})
	return facesVal, facesErr
}

func (f *faces) face(bold bool, size float64) font.Face {
	fnt := font.Font{Typeface: "Liberation", Variant: "Sans", Size: font.Length(size)}
	of := f.regular
	if bold {
		fnt.Weight = xfont.WeightBold
		of = f.bold
	}
	return font.Face{Font: fnt, Face: of}
}

// --- painter: top-left pixel coordinates over gonum's bottom-left vg canvas -------------------------

type painter struct {
	c     *vgimg.Canvas
	faces *faces
}

func pt(x, y float64) vg.Point { return vg.Point{X: vg.Length(x), Y: vg.Length(Height - y)} }

func (p *painter) rect(x0, y0, x1, y1 float64, c color.Color) {
	if x1 <= x0 || y1 <= y0 {
		return
	}
	var path vg.Path
	path.Move(pt(x0, y0))
	path.Line(pt(x1, y0))
	path.Line(pt(x1, y1))
	path.Line(pt(x0, y1))
	path.Close()
	p.c.SetColor(c)
	p.c.Fill(path)
}

// roundRect fills a rectangle whose corners are rounded by at most r.
func (p *painter) roundRect(x0, y0, x1, y1, r float64, c color.Color) {
	w, h := x1-x0, y1-y0
	if w <= 0 || h <= 0 {
		return
	}
	r = math.Min(r, math.Min(w, h)/2)
	if r < 0.5 {
		p.rect(x0, y0, x1, y1, c)
		return
	}
	// In vg coordinates (y up): corners clockwise from the bottom left.
	bx0, bx1 := vg.Length(x0), vg.Length(x1)
	by0, by1 := vg.Length(Height-y1), vg.Length(Height-y0)
	R := vg.Length(r)
	var path vg.Path
	path.Move(vg.Point{X: bx0 + R, Y: by0})
	path.Line(vg.Point{X: bx1 - R, Y: by0})
	path.Arc(vg.Point{X: bx1 - R, Y: by0 + R}, R, -math.Pi/2, math.Pi/2)
	path.Line(vg.Point{X: bx1, Y: by1 - R})
	path.Arc(vg.Point{X: bx1 - R, Y: by1 - R}, R, 0, math.Pi/2)
	path.Line(vg.Point{X: bx0 + R, Y: by1})
	path.Arc(vg.Point{X: bx0 + R, Y: by1 - R}, R, math.Pi/2, math.Pi/2)
	path.Line(vg.Point{X: bx0, Y: by0 + R})
	path.Arc(vg.Point{X: bx0 + R, Y: by0 + R}, R, math.Pi, math.Pi/2)
	path.Close()
	p.c.SetColor(c)
	p.c.Fill(path)
}

func (p *painter) line(x0, y0, x1, y1, width float64, c color.Color, dash ...float64) {
	var path vg.Path
	path.Move(pt(x0, y0))
	path.Line(pt(x1, y1))
	p.c.Push()
	p.c.SetColor(c)
	p.c.SetLineWidth(vg.Length(width))
	if len(dash) > 0 {
		ds := make([]vg.Length, len(dash))
		for i, v := range dash {
			ds[i] = vg.Length(v)
		}
		p.c.SetLineDash(ds, 0)
	}
	p.c.Stroke(path)
	p.c.Pop()
}

func (p *painter) width(bold bool, size float64, s string) float64 {
	f := p.faces.face(bold, size)
	return float64(f.Width(s))
}

type align int

const (
	left align = iota
	center
	right
)

// text draws one line of s with its cap height centred on y (the visual middle of Latin text).
func (p *painter) text(bold bool, size float64, c color.Color, s string, x, y float64, a align) {
	if s == "" {
		return
	}
	f := p.faces.face(bold, size)
	switch a {
	case center:
		x -= float64(f.Width(s)) / 2
	case right:
		x -= float64(f.Width(s))
	}
	// Liberation Sans' capital letters are 0.729 em tall.
	baseline := y + 0.729*size/2
	p.c.SetColor(c)
	p.c.FillString(f, pt(x, baseline), s)
}

// --- rendering ---------------------------------------------------------------------------------------

func render(p *painter, d Digest) {
	y := drawHeader(p, clean(d.Title))
	if len(d.Days) == 0 && len(d.People) == 0 {
		// Nothing at all: one calm box rather than two empty panels.
		drawNoData(p, d.Labels.NoData, y+48, Height-48, 40)
		return
	}
	rows := peopleRows(d.People, clean(d.Labels.More))

	// The bottom panel gets what the top one leaves, so the top one is shorter when there are many
	// rows: 25 rows then get about 27 px each, names about 19 px.
	compact := len(rows) > 15
	y += 30
	y = drawDays(p, d, y, compact)
	y += 36
	if compact {
		y -= 8
	}
	drawPeople(p, d, rows, y)
}

// drawHeader draws the title band and returns its bottom. The title goes on one line if it fits at
// oneLineMin or more; else on two, split after a comma when that fits (", 16–20 Nov 2026" keeps the
// dates together), else at spaces; the font shrinks down to titleMin, then the rest is cut with "…".
func drawHeader(p *painter, title string) float64 {
	maxW := float64(Width - 2*margin)
	size := float64(titleMax)
	var lines []string
	for ; size >= oneLineMin; size -= 2 {
		if p.width(true, size, title) <= maxW {
			lines = []string{title}
			break
		}
	}
	if lines == nil {
		for size = titleMax; ; size -= 2 {
			lines = wrapTitle(p, size, title, maxW)
			if len(lines) <= 2 || size <= titleMin {
				break
			}
		}
	}
	if len(lines) > 2 {
		lines = []string{lines[0], fit(p, true, size, strings.Join(lines[1:], " ")+"…", maxW)}
	}
	lineH := size * 1.25
	pad := 30.0
	h := 2*pad + lineH*float64(max(1, len(lines)))
	p.rect(0, 0, Width, h, colHeader)
	for i, l := range lines {
		p.text(true, size, colTitle, l, margin, pad+lineH*(float64(i)+0.5), left)
	}
	return h
}

// wrapTitle splits a title into lines, preferring one split right after a comma.
func wrapTitle(p *painter, size float64, title string, maxW float64) []string {
	for i := strings.LastIndex(title, ", "); i > 0; i = strings.LastIndex(title[:i], ", ") {
		a, b := title[:i+1], title[i+2:]
		if p.width(true, size, a) <= maxW && p.width(true, size, b) <= maxW {
			return []string{a, b}
		}
	}
	return wrap(p, true, size, title, maxW)
}

// drawDays draws the top panel from y and returns its bottom.
func drawDays(p *painter, d Digest, y float64, compact bool) float64 {
	barArea, gap := 250.0, 22.0
	if compact {
		barArea, gap = 170, 14
	}
	if h := clean(d.Labels.ReportsPerDay); h != "" {
		p.text(true, headingSize, colText, fit(p, true, headingSize, h, Width-2*margin), margin, y+headingSize/2, left)
		y += headingSize + gap
	}
	if len(d.Days) == 0 {
		return drawNoData(p, d.Labels.NoData, y, y+noDataHeight, 34)
	}

	n := len(d.Days)
	x0, x1 := float64(margin), float64(Width-margin)
	slot := (x1 - x0) / float64(n)
	barW := math.Min(slot*0.62, 110)

	maxV := 0
	showReporters := false
	for _, day := range d.Days {
		if day.Off != "" {
			continue
		}
		maxV = max(maxV, day.Reports)
		if day.Reporters > 0 || day.Headcount > 0 {
			showReporters = true
		}
	}

	// Numbers above the bars: one size for all, as large as fits the slot.
	valSize := float64(dayValueSize)
	for _, day := range d.Days {
		valSize = shrinkToFit(p, true, valSize, formatInt(max(day.Reports, 0), d.Lang), slot-6)
	}
	valRoom := valSize + 14
	top := y + valRoom
	base := y + barArea
	p.line(x0, base, x1, base, 2, colAxis)

	for i, day := range d.Days {
		cx := x0 + slot*(float64(i)+0.5)
		if off := clean(day.Off); off != "" {
			p.roundRect(cx-barW/2, top, cx+barW/2, base, 8, colRowAlt)
			size := shrinkToFit(p, false, captionSize, off, slot-8)
			p.text(false, size, colMuted, off, cx, (top+base)/2, center)
			continue
		}
		v := max(day.Reports, 0)
		h := 0.0
		if maxV > 0 {
			h = (base - top) * float64(v) / float64(maxV)
		}
		if v > 0 && h < 3 {
			h = 3
		}
		p.roundRect(cx-barW/2, base-h, cx+barW/2, base, 8, colBar)
		p.rect(cx-barW/2, base-math.Min(h/2, 8), cx+barW/2, base, colBar) // square feet
		p.text(true, valSize, colText, formatInt(v, d.Lang), cx, base-h-valSize/2-8, center)
	}
	if workDays := countWorking(d.Days); maxV == 0 && workDays > 0 {
		// An all-zero week: say so across the empty bars, in a pale box, rather than leave a row
		// of zeros to be read as a broken picture.
		if l := clean(d.Labels.NoReports); l != "" {
			// Over the upper part of the bars' area, white with a grey edge: a holiday's column
			// keeps its own label below it.
			size := shrinkToFit(p, false, 34, l, x1-x0-60)
			w := p.width(false, size, l) + 48
			mid := top + size
			p.roundRect(Width/2-w/2-2, mid-size-2, Width/2+w/2+2, mid+size+2, 14, colAxis)
			p.roundRect(Width/2-w/2, mid-size, Width/2+w/2, mid+size, 12, color.White)
			p.text(false, size, colText, l, Width/2, mid, center)
		}
	}

	// Day labels: one line if every label fits its slot, else two lines split at the first space.
	labels := make([]string, n)
	for i, day := range d.Days {
		labels[i] = clean(day.Label)
	}
	daySize := float64(dayLabelSize)
	twoLines := false
	for _, l := range labels {
		if p.width(false, daySize, l) > slot-8 {
			twoLines = true
		}
	}
	split := func(l string) []string {
		if !twoLines {
			return []string{l}
		}
		if a, b, ok := strings.Cut(l, " "); ok {
			return []string{a, b}
		}
		return []string{l}
	}
	for _, l := range labels {
		for _, part := range split(l) {
			daySize = math.Max(minDaySize, shrinkToFit(p, false, daySize, part, slot-8))
		}
	}
	lineH := daySize * 1.2
	y = base + 14
	rowsUsed := 1
	for i, l := range labels {
		cx := x0 + slot*(float64(i)+0.5)
		parts := split(l)
		rowsUsed = max(rowsUsed, len(parts))
		for j, part := range parts {
			part = fit(p, false, daySize, part, slot-8) // still too wide at minDaySize
			p.text(false, daySize, colText, part, cx, y+lineH*(float64(j)+0.5), center)
		}
	}
	y += lineH * float64(rowsUsed)

	if !showReporters {
		return y
	}

	// Reporters row: a light pill per day with "reporters/headcount", under a caption.
	y += 16
	if c := clean(d.Labels.ReportersPerDay); c != "" {
		p.text(false, captionSize, colMuted, fit(p, false, captionSize, c, x1-x0), x0, y+captionSize/2, left)
		y += captionSize + gap - 8
	}
	rs := make([]string, n)
	repSize := float64(30)
	for i, day := range d.Days {
		if day.Off != "" {
			continue
		}
		r := formatInt(max(day.Reporters, 0), d.Lang)
		if day.Headcount > 0 {
			r += "/" + formatInt(day.Headcount, d.Lang)
		}
		rs[i] = r
		repSize = shrinkToFit(p, true, repSize, r, slot-20)
	}
	pillH := repSize + gap - 4
	for i, r := range rs {
		if r == "" {
			continue
		}
		cx := x0 + slot*(float64(i)+0.5)
		w := math.Min(slot-8, p.width(true, repSize, r)+28)
		p.roundRect(cx-w/2, y, cx+w/2, y+pillH, pillH/2, colRowAlt)
		p.text(true, repSize, colReporters, r, cx, y+pillH/2, center)
	}
	return y + pillH
}

// row is one line of the compliance panel: a person, or the stand-in for those left out.
type row struct {
	name   string
	pct    float64
	hidden int // > 0: this row stands for that many people not drawn
	label  string
}

// peopleRows picks the rows to draw (see MaxPeople).
func peopleRows(people []Person, more string) []row {
	rows := make([]row, 0, min(len(people), MaxPeople))
	if len(people) <= MaxPeople {
		for _, ps := range people {
			rows = append(rows, row{name: clean(ps.Name), pct: clampPct(ps.Pct)})
		}
		return rows
	}
	idx := make([]int, len(people))
	for i := range idx {
		idx[i] = i
	}
	desc, asc := true, true
	for i := 1; i < len(people); i++ {
		a, b := clampPct(people[i-1].Pct), clampPct(people[i].Pct)
		if b > a {
			desc = false
		}
		if b < a {
			asc = false
		}
	}
	if !desc && !asc {
		sort.SliceStable(idx, func(a, b int) bool { return clampPct(people[idx[a]].Pct) > clampPct(people[idx[b]].Pct) })
	}
	for _, i := range idx[:Half] {
		rows = append(rows, row{name: clean(people[i].Name), pct: clampPct(people[i].Pct)})
	}
	hidden := len(people) - 2*Half
	l := "+" + strconv.Itoa(hidden)
	if more != "" {
		l += " " + more
	}
	rows = append(rows, row{hidden: hidden, label: l})
	for _, i := range idx[len(idx)-Half:] {
		rows = append(rows, row{name: clean(people[i].Name), pct: clampPct(people[i].Pct)})
	}
	return rows
}

// drawPeople draws the bottom panel from y to the bottom of the picture.
func drawPeople(p *painter, d Digest, rows []row, y float64) {
	if h := clean(d.Labels.Compliance); h != "" {
		p.text(true, headingSize, colText, fit(p, true, headingSize, h, Width-2*margin), margin, y+headingSize/2, left)
		y += headingSize + 18
	}
	if len(rows) == 0 {
		drawNoData(p, d.Labels.NoData, y, y+noDataHeight, 34)
		return
	}

	caption := clean(d.Labels.Percent)
	bottom := float64(Height - 28)
	if caption != "" {
		bottom -= captionSize + 12
	}
	axisY := bottom - tickSize - 14 // the tick labels sit under the rows
	rowH := math.Min(rowMax, (axisY-y)/float64(len(rows)))
	size := math.Max(nameMin, math.Min(nameMax, rowH*0.72))
	top := y
	end := top + rowH*float64(len(rows))

	// Name column: as wide as the longest (cut) name, at most 40% of the width.
	names := make([]string, len(rows))
	nameW := 0.0
	colMax := float64(Width-2*margin) * 0.40
	for i, r := range rows {
		if r.hidden > 0 {
			continue
		}
		names[i] = fitName(p, size, r.name, colMax)
		nameW = math.Max(nameW, p.width(false, size, names[i]))
	}
	nameX := margin + nameW // right edge of the names
	barX0 := nameX + 18
	valRoom := p.width(true, size, "100%") + 16
	barX1 := float64(Width-margin) - valRoom
	scale := (barX1 - barX0) / 100

	// Zebra stripes, then gridlines, then bars on top.
	for i := range rows {
		if i%2 == 1 {
			ry := top + rowH*float64(i)
			p.rect(margin-12, ry, Width-margin+12, ry+rowH, colRowAlt)
		}
	}
	for _, g := range []float64{0, 25, 50, 75, 100} {
		gx := barX0 + g*scale
		w, c := 1.5, colGrid
		if g == 0 {
			w, c = 2, colAxis
		}
		p.line(gx, top, gx, end+6, w, c)
		p.text(false, tickSize, colMuted, strconv.Itoa(int(g)), gx, end+14+tickSize/2, center)
	}
	if caption != "" {
		p.text(false, captionSize, colMuted, fit(p, false, captionSize, caption, barX1-barX0+valRoom), (barX0+barX1)/2, end+14+tickSize+12+captionSize/2, center)
	}

	barH := math.Max(6, math.Min(40, rowH*0.6))
	for i, r := range rows {
		cy := top + rowH*(float64(i)+0.5)
		if r.hidden > 0 {
			p.line(barX0, cy, barX1, cy, 2, colAxis, 8, 8)
			p.text(false, size, colMuted, fit(p, false, size, r.label, nameW+margin-8), nameX, cy, right)
			continue
		}
		p.text(false, size, colText, names[i], nameX, cy, right)
		w := r.pct * scale
		if r.pct > 0 && w < 3 {
			w = 3
		}
		p.roundRect(barX0, cy-barH/2, barX0+w, cy+barH/2, 6, colBar)
		p.rect(barX0, cy-barH/2, barX0+math.Min(w/2, 6), cy+barH/2, colBar) // square start
		p.text(true, size, colText, formatPct(r.pct), barX0+w+10, cy, left)
	}
}

// countWorking is how many days are working days (not Off).
func countWorking(days []Day) int {
	n := 0
	for _, d := range days {
		if d.Off == "" {
			n++
		}
	}
	return n
}

// nameTitles are titles written before a name without their dot, in lower case.
var nameTitles = map[string]bool{"h": true, "hj": true, "dr": true, "drs": true, "dra": true, "ir": true, "prof": true}

// fitName makes a person's name fit the name column at size: whole when it fits; else without its
// academic degrees (after the first comma) and leading titles ("Drs.", "Hj", "dr."), which say
// nothing of who the bar is; else with its middle names as initials ("Ni Luh P. A. K. Sari"), or
// all but the first ("Bambang S. W."); and only then cut with "…" (issue 26, item 8: the longest
// names were cut in the middle of a word).
func fitName(p *painter, size float64, name string, maxW float64) string {
	whole := truncate(name, MaxNameRunes)
	if whole == name && p.width(false, size, name) <= maxW {
		return name
	}
	short := name
	if i := strings.IndexByte(short, ','); i > 0 {
		short = short[:i]
	}
	words := strings.Fields(short)
	for len(words) > 1 && (strings.HasSuffix(words[0], ".") || nameTitles[strings.ToLower(words[0])]) {
		words = words[1:]
	}
	short = strings.Join(words, " ")
	if utf8.RuneCountInString(short) <= MaxNameRunes && p.width(false, size, short) <= maxW {
		return short
	}
	// "Ni Luh" and "I Made" keep their marker with the name after it.
	keep := 1
	if len(words) > 3 && (words[0] == "Ni" || words[0] == "I") {
		keep = 2
	}
	if len(words) > 2 {
		// Keep the first and the last name, the others as initials.
		parts := append([]string(nil), words[:keep]...)
		for _, w := range words[keep : len(words)-1] {
			r, _ := utf8.DecodeRuneInString(w)
			parts = append(parts, string(r)+".")
		}
		parts = append(parts, words[len(words)-1])
		if abbr := strings.Join(parts, " "); utf8.RuneCountInString(abbr) <= MaxNameRunes && p.width(false, size, abbr) <= maxW {
			return abbr
		}
	}
	if len(words) > 1 {
		// The first name whole, every other one an initial: "Bambang S. W.".
		parts := append([]string(nil), words[:min(keep, len(words)-1)]...)
		for _, w := range words[len(parts):] {
			r, _ := utf8.DecodeRuneInString(w)
			parts = append(parts, string(r)+".")
		}
		if abbr := strings.Join(parts, " "); utf8.RuneCountInString(abbr) <= MaxNameRunes && p.width(false, size, abbr) <= maxW {
			return abbr
		}
	}
	return fit(p, false, size, truncate(short, MaxNameRunes), maxW)
}

// drawNoData draws the caller's "no data" text centred in a tinted box from y0 to y1 and returns y1.
func drawNoData(p *painter, label string, y0, y1, size float64) float64 {
	p.roundRect(margin, y0, Width-margin, y1, 16, colRowAlt)
	if l := clean(label); l != "" {
		p.text(false, size, colMuted, fit(p, false, size, l, Width-2*margin-40), Width/2, (y0+y1)/2, center)
	}
	return y1
}

// --- text helpers ----------------------------------------------------------------------------------

// clean makes s safe to draw on one line: valid UTF-8, no control characters, single spaces, and
// no characters the font lacks (emoji, CJK…), which would otherwise take room and draw nothing.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "?")
	f, _ := loadFaces()
	var buf sfnt.Buffer
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r) || unicode.IsSpace(r):
			return ' '
		case f != nil:
			if g, err := f.regular.GlyphIndex(&buf, r); err != nil || g == 0 {
				return ' '
			}
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// truncate cuts s to at most n runes, the last one being "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n-1]), " .,-") + "…"
}

// fit cuts s with "…" until it is at most maxW pixels wide.
func fit(p *painter, bold bool, size float64, s string, maxW float64) string {
	if p.width(bold, size, s) <= maxW {
		return s
	}
	r := []rune(strings.TrimSuffix(s, "…"))
	for len(r) > 0 {
		r = r[:len(r)-1]
		c := strings.TrimRight(string(r), " .,-") + "…"
		if p.width(bold, size, c) <= maxW {
			return c
		}
	}
	return ""
}

// shrinkToFit returns the largest size, at most size and at least 12, at which s is at most maxW wide.
func shrinkToFit(p *painter, bold bool, size float64, s string, maxW float64) float64 {
	for size > 12 && p.width(bold, size, s) > maxW {
		size--
	}
	return size
}

// wrap breaks s into lines at spaces so that each line is at most maxW wide where possible.
func wrap(p *painter, bold bool, size float64, s string, maxW float64) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		next := w
		if cur != "" {
			next = cur + " " + w
		}
		if cur != "" && p.width(bold, size, next) > maxW {
			lines = append(lines, cur)
			cur = w
			continue
		}
		cur = next
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	for i, l := range lines { // a single word wider than the line
		lines[i] = fit(p, bold, size, l, maxW)
	}
	return lines
}

func clampPct(v float64) float64 {
	switch {
	case math.IsNaN(v) || v < 0:
		return 0
	case v > 100:
		return 100
	}
	return v
}

// formatPct rounds to a whole percent, but never shows 100% for less than 100 nor 0% for more than 0.
func formatPct(v float64) string {
	r := math.Round(v)
	if r >= 100 && v < 100 {
		r = 99
	}
	if r <= 0 && v > 0 {
		r = 1
	}
	return strconv.Itoa(int(r)) + "%"
}

// formatInt groups thousands: "1.234" in Indonesian, "1,234" in English.
func formatInt(n int, lang string) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := "."
	if lang == "en" {
		sep = ","
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
