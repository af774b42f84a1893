package app

import (
	"fmt"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/harfbuzz"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"

	"allium/app/internal/bidi"
	"allium/app/seed"
)

// persianConversation has messages in both directions, each way: ours first, then the
// other person's, and so on.
var persianConversation = []string{
	"سلام! من از Allium استفاده می\u200cکنم و خیلی خوبه",
	"Hi! Is it working for you?",
	"جلسه ساعت 10:30 شروع می\u200cشود. (فردا)",
	"بله، نسخه 2.7 را نصب کردم 😀",
	"I love the word سلام.",
	"این پیام طولانی\u200cتر است و در چند خط شکسته می\u200cشود تا ببینیم که هر خط جداگانه از راست به چپ چیده می\u200cشود و کلمه\u200cای مثل Session سر جای خودش می\u200cماند.",
	"First line in English\nو خط دوم به فارسی",
}

// openPersian opens a profile holding persianConversation, in a window of a usual size.
func openPersian(t *testing.T) (*harness, *Profile) {
	h := newHarness(t)
	dir, me := account(t, "Ivy")
	_, other := account(t, "Jon")
	if err := seed.Messages(dir, me, other, "جان", persianConversation); err != nil {
		t.Fatal(err)
	}
	p := h.open(dir)
	applyAppearance(h.fa, appearanceLight)
	p.win.Resize(fyne.NewSize(960, 900))
	h.waitFor("the conversation list", func() bool { return len(p.sidebar.shown) == 1 })
	p.openConversation(other)
	h.waitFor("the messages", func() bool { return p.conv.loaded })
	return h, p
}

// shownRows are the message rows on screen, by their text.
func shownRows(p *Profile) map[string]*msgRow {
	rows := map[string]*msgRow{}
	for _, o := range test.LaidOutObjects(p.win.Canvas().Content()) {
		if r, ok := o.(*msgRow); ok && r.Visible() && r.day == "" && r.msg.Body != "" {
			rows[r.msg.Body] = r
		}
	}
	return rows
}

// TestRightToLeftBubbles: a right-to-left paragraph's lines end at the right edge of
// its bubble and are drawn in the order of the bidi algorithm; left-to-right ones start
// at the left edge; the time stays at the bottom right either way. The window is kept
// as an image (go test -artifacts -outputdir DIR) for a person to look at.
func TestRightToLeftBubbles(t *testing.T) {
	_, p := openPersian(t)
	keepScreenshot(t, p.win.Canvas(), "persian-conversation.png")
	rows := shownRows(p)
	if len(rows) != len(persianConversation) {
		t.Fatalf("%d rows on screen, want %d", len(rows), len(persianConversation))
	}
	m := p.conv.m
	for _, body := range persianConversation {
		r := rows[body]
		rr := test.WidgetRenderer(r).(*msgRowRenderer)
		bgLeft := rr.bg.Position().X
		bgRight := bgLeft + rr.bg.Size().Width
		spans := wrapSpans(body, m.maxText, m.adv)
		if len(spans) != len(r.lines) {
			t.Fatalf("%q has %d lines, want %d", body, len(r.lines), len(spans))
		}
		for i, line := range r.lines {
			txt := rr.texts[i]
			left, right := txt.Position().X, txt.Position().X+txt.Size().Width
			if wantRTL := bidi.IsRightToLeft(spans[i].para); r.rtl[i] != wantRTL {
				t.Errorf("%q line %d: right to left %v, want %v", body, i, r.rtl[i], wantRTL)
			}
			switch {
			case r.rtl[i] && !nearX(right, bgRight-m.padX):
				t.Errorf("%q line %d ends at %v, want the bubble's right edge %v", body, i, right, bgRight-m.padX)
			case !r.rtl[i] && !nearX(left, bgLeft+m.padX):
				t.Errorf("%q line %d starts at %v, want the bubble's left edge %v", body, i, left, bgLeft+m.padX)
			}
			if txt.Text != line {
				t.Errorf("%q line %d draws %q, not the laid-out %q", body, i, txt.Text, line)
			}
		}
		metaRight := rr.meta.Position().X + rr.meta.Size().Width
		if !nearX(metaRight, bgRight-m.padX) {
			t.Errorf("%q: the time ends at %v, want %v", body, metaRight, bgRight-m.padX)
		}
	}
	// The mixed line is handed to Fyne in the algorithm's order: its last Persian
	// words first, then Allium, then its first words (the rightmost).
	first := rows[persianConversation[0]].lines[0]
	if want := visualLine(persianConversation[0]); first != want || !strings.HasSuffix(first, rlo+"سلام! من از "+pdf+lrm) {
		t.Errorf("the first message is drawn from %q", first)
	}
}

func nearX(a, b float32) bool { return a-b < 0.5 && b-a < 0.5 }

// keepScreenshot writes what c shows to the test's artifact directory.
func keepScreenshot(t *testing.T, c fyne.Canvas, name string) {
	t.Helper()
	path := filepath.Join(t.ArtifactDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, c.Capture()); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// TestBidiLabel: a name or preview starts on its own side and, when too long, loses
// its logical end behind an ellipsis: on the left for Persian, on the right for English.
func TestBidiLabel(t *testing.T) {
	fa := test.NewTempApp(t)
	applyAppearance(fa, appearanceLight)
	pad := theme.InnerPadding()
	for _, c := range []struct {
		text  string
		width float32
		rtl   bool
		cut   bool
	}{
		{"جان", 300, true, false},
		{"Jon", 300, false, false},
		{"سلام! من از Allium استفاده می\u200cکنم و خیلی خوبه، واقعاً خوبه", 160, true, true},
		{"Hello! I use Allium every day and I like it a lot", 160, false, true},
	} {
		l := newBidiLabel(c.text, fyne.TextStyle{})
		l.Resize(fyne.NewSize(c.width, l.MinSize().Height))
		txt := test.WidgetRenderer(l).Objects()[0].(*canvas.Text)
		left, right := txt.Position().X, txt.Position().X+txt.Size().Width
		if c.rtl && !nearX(right, c.width-pad) || !c.rtl && !nearX(left, pad) {
			t.Errorf("%q is drawn from %v to %v in %v", c.text, left, right, c.width)
		}
		if right > c.width-pad+0.5 || left < pad-0.5 {
			t.Errorf("%q overflows: %v to %v in %v", c.text, left, right, c.width)
		}
		if got := strings.Contains(txt.Text, "…"); got != c.cut {
			t.Errorf("%q shortened: %v, want %v (%q)", c.text, got, c.cut, txt.Text)
		}
		// What is shown is the beginning of the text, reordered.
		if first, _, _ := strings.Cut(txt.Text, pdf); c.cut && c.rtl && !strings.HasSuffix(first, "…") {
			t.Errorf("%q: the ellipsis is not at the left end of the Persian text: %q", c.text, txt.Text)
		}
		if c.cut && !c.rtl && !strings.HasPrefix(txt.Text, "Hello!") {
			t.Errorf("%q: shown as %q", c.text, txt.Text)
		}
	}
}

// TestIgnoredByFont: the quick answer for the first characters is the one of the
// tables Fyne's shaper uses.
func TestIgnoredByFont(t *testing.T) {
	for r := rune(0); r < 0x2000; r++ {
		want := unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r) ||
			(unicode.Is(unicode.Zs, r) && r != '\u1680') || harfbuzz.IsDefaultIgnorable(r)
		if ignoredByFont(r) != want {
			t.Errorf("ignoredByFont(%U) = %v, want %v", r, ignoredByFont(r), want)
		}
	}
}

// persianWords and englishWords are everyday words, a few hundred of each, that
// conversationTexts picks from: a message's phrases are new, as in a conversation,
// while its common words come back. Compound Persian words keep their zero-width
// non-joiner, as people type them (written _ here).
var (
	persianWords = strings.Fields(strings.ReplaceAll(`من تو او ما شما آنها این آن که را با از به در برای تا و یا اما اگر چون وقتی
		هم هنوز دیگر فقط خیلی کمی همه هیچ چند هر چه چرا کجا کی چطور امروز دیروز فردا امشب
		صبح ظهر عصر شب هفته ماه سال ساعت دقیقه روز وقت زمان خانه کار دفتر مدرسه دانشگاه شهر
		خیابان کوچه بازار فروشگاه رستوران کافه پارک باغ دریا کوه جنگل رود آسمان باران برف
		آفتاب هوا سرما گرما دوست خانواده مادر پدر برادر خواهر بچه پسر دختر همسایه همکار استاد
		دکتر مهمان پیام نامه تلفن گوشی رایانه شبکه برنامه نسخه فایل عکس صدا ویدیو کتاب دفترچه
		روزنامه مجله خبر داستان شعر آهنگ فیلم بازی ورزش فوتبال غذا نان چای قهوه آب میوه سیب
		انار پرتقال برنج شیر پنیر گوشت سبزی شام ناهار صبحانه پول قیمت حساب بانک کارت بلیت قطار
		اتوبوس ماشین هواپیما فرودگاه ایستگاه سفر راه مسیر نقشه خوب بد بزرگ کوچک تازه قدیمی
		زیبا سخت آسان ارزان گران گرم سرد بلند کوتاه دور نزدیک زود دیر آرام تند سریع درست غلط
		مهم لازم آماده خسته خوشحال ناراحت نگران مطمئن سالم مریض شلوغ خلوت روشن تاریک سبز آبی
		قرمز سفید سیاه زرد است نیست بود شد می_شود می_کنم می_کنی می_کند کردم کردی کرد
		می_روم رفتم رفت می_آیم آمدم آمد می_خواهم خواستم می_دانم دانستم می_بینم دیدم
		می_گویم گفتم گفت می_نویسم نوشتم می_خوانم خواندم می_فرستم فرستادم رسید رسیدم
		داریم دارید دارند دارم داشتم باید شاید نمی_دانم نمی_توانم می_توانم توانستم
		بگذار بفرست بنویس بخوان بیا برو ببین بگو بپرس منتظر ممنون لطفاً مرسی سلام خداحافظ
		ببخشید حتماً البته دقیقاً تقریباً معمولاً بالاخره اصلاً واقعاً ظاهراً همیشه هرگز
		گاهی اغلب دوباره تنها باهم کنار پشت جلو بالا پایین داخل بیرون وسط اول آخر بعد قبل
		حالا بعداً فوراً کم_کم یک_بار همین_جا آن_جا این_جا هیچ_کس همه_چیز چیزی کسی جایی
		حرف سؤال جواب فکر نظر تصمیم برنامه_ریزی جلسه قرار مهمانی تولد عروسی تعطیلات
		امتحان درس تمرین پروژه گزارش سند امضا رمز کلید قفل در پنجره اتاق آشپزخانه حیاط
		تخت میز صندلی چراغ باتری شارژر اینترنت نرم_افزار به_روزرسانی پشتیبان خطا مشکل
		راه_حل ایده خبرهای دوستانه شلوغی آرامش امنیت حریم خصوصی رمزنگاری گفتگو گروه
		عضو مدیر فرستنده گیرنده پیوست دانلود نصب حذف ذخیره جست_وجو تنظیمات زبان فارسی`, "_", "\u200c"))
	englishWords = strings.Fields(`I you he she we they it this that who which with from to in on at for and or
		but if because when also still other only very little all none some every what why
		where how today yesterday tomorrow tonight morning noon afternoon evening week month
		year hour minute day time home work office school university city street alley market
		shop restaurant cafe park garden sea mountain forest river sky rain snow sun weather
		cold heat friend family mother father brother sister child son daughter neighbour
		colleague teacher doctor guest message letter phone laptop computer network program
		version file photo sound video book notebook newspaper magazine news story poem song
		film game sport football food bread tea coffee water fruit apple pomegranate orange
		rice milk cheese meat greens dinner lunch breakfast money price account bank card
		ticket train bus car plane airport station trip road route map good bad big small new
		old beautiful hard easy cheap expensive warm cool tall short far near early late calm
		fast quick right wrong important needed ready tired happy sad worried sure healthy ill
		busy quiet bright dark green blue red white black yellow is isn't was became becomes
		do does did done go went gone come came want wanted know knew see saw say said write
		wrote read send sent arrived reached have has had must maybe can could cannot let
		please thanks hello goodbye sorry certainly of course exactly almost usually finally
		really apparently always never sometimes often again alone together beside behind
		front up down inside outside middle first last after before now later immediately
		slowly once here there nobody everything something someone somewhere word question
		answer thought opinion decision planning meeting appointment party birthday wedding
		holiday exam lesson exercise project report document signature password key lock door
		window room kitchen yard bed table chair lamp battery charger internet software update
		backup error problem solution idea friendly crowd peace security privacy private
		encryption conversation group member admin sender receiver attachment download install
		remove save search settings language English`)
	// latinWords are the Latin words people drop into Persian messages: names of
	// apps, places and things.
	latinWords = strings.Fields(`Allium Session Tor Signal GitHub Linux Android iPhone PDF Wi-Fi USB
		Berlin Tehran Google email OK Zoom Fyne Go QR VPN`)
)

// conversationTexts are 100 messages in the mix of lengths of seed.Conversation, in
// Persian (with Latin words and numbers, as people write) or in English, the words
// picked by a generator seeded with round: every round has new messages, whose phrases
// do not come back, as in a conversation opened for the first time. The same round
// gives messages of the same numbers of words in both languages.
func conversationTexts(persian bool, round int) []string {
	rng := rand.New(rand.NewPCG(uint64(round), 15))
	texts := make([]string, 100)
	var b strings.Builder
	for i := range texts {
		n := 2 + rng.IntN(3) // short: a few words
		switch {
		case i%17 == 0:
			n = 35 + rng.IntN(11)
		case i%5 == 0:
			n = 10 + rng.IntN(5)
		}
		b.Reset()
		for w := range n {
			if w > 0 {
				b.WriteByte(' ')
			}
			// Both languages draw the same numbers, so that their messages stay alike.
			kind, pick, end := rng.IntN(100), rng.Uint64(), rng.IntN(100)
			switch {
			case kind < 6:
				fmt.Fprintf(&b, "%d", pick%2000)
			case kind < 14 && persian:
				b.WriteString(latinWords[pick%uint64(len(latinWords))])
			case persian:
				b.WriteString(persianWords[pick%uint64(len(persianWords))])
			default:
				b.WriteString(englishWords[pick%uint64(len(englishWords))])
			}
			switch {
			case w == n-1 && end < 20:
				b.WriteString(map[bool]string{true: "؟", false: "?"}[persian])
			case w == n-1 || end < 5:
				b.WriteByte('.')
			case end < 12:
				b.WriteString(map[bool]string{true: "،", false: ","}[persian])
			}
		}
		texts[i] = b.String()
	}
	return texts
}

// layoutRound numbers the rounds of BenchmarkLayOut100 across its runs.
var layoutRound int

// layOut does for each text what the conversation view does for a message shown:
// wrap it, lay its lines out with the bidi algorithm and measure them (or, without
// reorder, measure the lines as they are, as before the algorithm).
func layOut(m bubbleMetrics, texts []string, reorder bool) int {
	n := 0
	for _, s := range texts {
		spans := wrapSpans(s, m.maxText, m.adv)
		shown := make([]string, len(spans))
		if reorder {
			shown, _ = shownLines(spans)
		} else {
			for i, l := range spans {
				shown[i] = l.text()
			}
		}
		for _, l := range shown {
			n += int(measureLine(l, m.textSize))
		}
	}
	return n
}

// BenchmarkLayOut100 lays out a 100-message conversation in English and in Persian;
// the Persian one may cost at most 1.5 times the English one (BENCHMARKS.md). Every
// round has new messages (conversationTexts), as a conversation opened for the first
// time: the widths of lines and runs measured before are kept, which would leave
// only the bidi algorithm to measure.
func BenchmarkLayOut100(b *testing.B) {
	// Run with a fixed count (-benchtime 200x): every round adds its strings to Fyne's
	// cache of widths, which slows it down as it grows.
	fa := test.NewTempApp(b)
	applyAppearance(fa, appearanceLight)
	m := newBubbleMetrics()
	for _, c := range []struct {
		name             string
		persian, reorder bool
	}{{"English", false, true}, {"Persian", true, true}, {"PersianUnordered", true, false}} {
		// Fonts are loaded, and system fonts looked up, once for both.
		layOut(m, conversationTexts(c.persian, -1), c.reorder)
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				layoutRound++
				layOut(m, conversationTexts(c.persian, layoutRound), c.reorder)
			}
		})
		// The algorithm alone, on strings Fyne has measured already.
		texts := conversationTexts(c.persian, 0)
		b.Run(c.name+"Measured", func(b *testing.B) {
			for b.Loop() {
				layOut(m, texts, c.reorder)
			}
		})
	}
}

// BenchmarkLayOut100Ratio lays out new 100-message conversations in English and in
// Persian by turns and reports what the Persian one costs against the English one: on a
// shared machine the load changes between two benchmarks run one after the other, and
// taking them by turns, a round of each, gives both the same load.
func BenchmarkLayOut100Ratio(b *testing.B) {
	fa := test.NewTempApp(b)
	applyAppearance(fa, appearanceLight)
	m := newBubbleMetrics()
	layOut(m, conversationTexts(false, -1), true)
	layOut(m, conversationTexts(true, -1), true)
	var english, persian time.Duration
	for b.Loop() {
		layoutRound++
		en, fa := conversationTexts(false, layoutRound), conversationTexts(true, layoutRound)
		start := time.Now()
		layOut(m, en, true)
		middle := time.Now()
		layOut(m, fa, true)
		english, persian = english+middle.Sub(start), persian+time.Since(middle)
	}
	b.ReportMetric(float64(english.Microseconds())/1000/float64(b.N), "en-ms/op")
	b.ReportMetric(float64(persian.Microseconds())/1000/float64(b.N), "fa-ms/op")
	b.ReportMetric(float64(persian)/float64(english), "fa/en")
}

// TestBidiText: a wrapped label gives each paragraph its direction, Persian lines at
// the right, and grows a line at a time as its width shrinks.
func TestBidiText(t *testing.T) {
	fa := test.NewTempApp(t)
	applyAppearance(fa, appearanceLight)
	pad := theme.InnerPadding()
	l := newBidiText("First line in English\nو خط دوم به فارسی که کمی بلندتر است و Allium دارد")
	w := test.NewWindow(l)
	defer w.Close()
	w.Resize(fyne.NewSize(700, 200))
	l.Resize(fyne.NewSize(600, l.MinSize().Height))
	r := test.WidgetRenderer(l).(*bidiTextRenderer)
	if len(r.objects) != 2 {
		t.Fatalf("%d lines at 600 wide, want 2", len(r.objects))
	}
	first, second := r.texts[0], r.texts[1]
	if !nearX(first.Position().X, pad) {
		t.Errorf("the English line starts at %v", first.Position().X)
	}
	if !nearX(second.Position().X+second.Size().Width, 600-pad) {
		t.Errorf("the Persian line ends at %v, want %v", second.Position().X+second.Size().Width, 600-pad)
	}
	if second.Text != visualLine("و خط دوم به فارسی که کمی بلندتر است و Allium دارد") {
		t.Errorf("the Persian line is drawn from %q", second.Text)
	}
	h := l.MinSize().Height
	l.Resize(fyne.NewSize(200, h))
	if len(r.objects) <= 2 || l.MinSize().Height <= h {
		t.Errorf("at 200 wide: %d lines, height %v (was %v)", len(r.objects), l.MinSize().Height, h)
	}
}

// joiningAcrossRuns are lines whose runs meet where Arabic letters could join: the
// shaper looks past a run's ends for that, so a run kept by measureLine must only be
// reused beside the same neighbours.
var joiningAcrossRuns = []string{
	"ب😀ب", "کتاب😀کتاب 😀 کتاب", "abc(بب)cd", "a\u202bبب\u202cب", "ب\u202aب\u202cب",
	"\u202eبب\u202c\u202dبب\u202c", "ب\u200dب 12 ب\u200dب", "سلام\u0651 Allium\u0301 سلام",
	"پیام 12، پیام 13، پیام", "کتاب 1 کتاب 2 کتاب ab کتاب",
}

// TestMeasureLine: lines measured with the kept shaper are as wide as Fyne measures
// them, Persian, English and mixed, laid out or not, and with an emoji; and again
// with their runs measured before, in other lines.
func TestMeasureLine(t *testing.T) {
	fa := test.NewTempApp(t)
	applyAppearance(fa, appearanceLight)
	m := newBubbleMetrics()
	texts := append(conversationTexts(true, 5), conversationTexts(false, 7)...)
	texts = append(texts, persianConversation...)
	texts = append(texts, joiningAcrossRuns...)
	texts = append(texts, conversationTexts(true, 1000)...)
	for _, s := range texts {
		for _, l := range wrapSpans(s, m.maxText, m.adv) {
			for _, line := range []string{l.text(), visualLine(l.text())} {
				if got, want := measureLine(line, m.textSize), fyne.MeasureText(line, m.textSize, fyne.TextStyle{}).Width; got != want {
					t.Errorf("%q is %v wide, Fyne says %v", line, got, want)
				}
			}
		}
	}
}

// sameRuns reports whether two cuts of a line are the same runs, in the same
// directions and scripts.
func sameRuns(a, b []shaping.Input) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].RunStart != b[i].RunStart || a[i].RunEnd != b[i].RunEnd ||
			a[i].Direction != b[i].Direction || a[i].Script != b[i].Script || a[i].Face != b[i].Face {
			return false
		}
	}
	return true
}

// checkOverrideRuns fails t if overrideRuns cuts line otherwise than go-text's
// segmenter, or, when must, if it leaves line to the segmenter.
func checkOverrideRuns(t *testing.T, line string, must bool) {
	t.Helper()
	face := theFont()
	in := shaping.Input{
		Text: []rune(line), RunEnd: len([]rune(line)), Direction: di.DirectionLTR,
		Face: face, Size: fixed.I(14),
	}
	got, _, _, ok := overrideRuns(in, nil, nil, nil)
	if !ok {
		if must {
			t.Errorf("%q is left to the segmenter", line)
		}
		return
	}
	var seg shaping.Segmenter
	if want := seg.Split(in, oneFace{face}); !sameRuns(got, want) {
		t.Errorf("%q is cut in %v, the segmenter cuts it in %v", line, describeRuns(got), describeRuns(want))
	}
}

// describeRuns shows runs as their text, direction and script.
func describeRuns(runs []shaping.Input) []string {
	var d []string
	for _, r := range runs {
		d = append(d, fmt.Sprintf("%q %v %v", string(r.Text[r.RunStart:r.RunEnd]), r.Direction, r.Script))
	}
	return d
}

// TestOverrideRuns: the lines visualLine writes are cut in runs as go-text's segmenter
// cuts them, without it; other lines are left to it.
func TestOverrideRuns(t *testing.T) {
	fa := test.NewTempApp(t)
	applyAppearance(fa, appearanceLight)
	m := newBubbleMetrics()
	texts := append(conversationTexts(true, 5), persianConversation...)
	texts = append(texts, joiningAcrossRuns...)
	texts = append(texts, "(سلام Allium)", "«کتاب» [Go] {۱۲}", "سلام  ", "  سلام", "Allium ، سلام ",
		"\u200cسلام\u200c Go\u200c", "ب\u0651 a\u0301 ب", "12 (ab سلام) 34", "سلام\u00a0Go\u00a0")
	for _, s := range texts {
		for _, l := range wrapSpans(s, m.maxText, m.adv) {
			v := visualLine(l.text())
			checkOverrideRuns(t, v, v != l.text())
		}
	}
	for _, line := range []string{
		"plain English", "a\u202bب\u202cb", lro + "ab" + lro + "c" + pdf + pdf, rlo + "ب", lro + "a" + pdf + " " + rlo + "ب" + pdf,
		rlo + "ب\tب" + pdf, "\u2067ب\u2069",
	} {
		checkOverrideRuns(t, line, false)
	}
}

// fuzzAlphabet is what FuzzMeasureLine writes lines with: Persian and Arabic letters,
// Latin letters, both kinds of digits, punctuation, brackets, joiners, marks and spaces.
var fuzzAlphabet = []rune("ابپتجچخدرزژسشصطعفقکگلمنوهیةيك" + "abcXYZ" + "0123۰۱۲" + ".,:;!?،؛؟-/%+" +
	"()[]{}«»<>" + "\u200c\u200d\u064b\u0651\u0301" + "  \u00a0")

// FuzzMeasureLine: a line laid out with the bidi algorithm is as wide measured by
// measureLine as Fyne measures it, and cut as the segmenter cuts it.
func FuzzMeasureLine(f *testing.F) {
	fa := test.NewTempApp(f)
	applyAppearance(fa, appearanceLight)
	m := newBubbleMetrics()
	for _, seed := range [][]byte{{0, 1, 2, 90, 30, 31, 3}, {70, 0, 1, 80, 71, 33, 5}, {58, 59, 0, 36, 62, 63}} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = fuzzAlphabet[int(c)%len(fuzzAlphabet)]
		}
		s := string(r)
		for _, line := range []string{s, visualLine(s)} {
			if got, want := measureLine(line, m.textSize), fyne.MeasureText(line, m.textSize, fyne.TextStyle{}).Width; got != want {
				t.Errorf("%q is %v wide, Fyne says %v", line, got, want)
			}
			// A line visualLine reordered is never left to the segmenter.
			checkOverrideRuns(t, line, line != s)
		}
	})
}
