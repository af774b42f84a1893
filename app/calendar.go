package app

import (
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"
)

// Dates in a language whose catalogue says "persian" are in the Solar Hijri calendar:
// it is Iran's official calendar, the one its people date their days, letters and
// phones by, so a Gregorian date in Persian text would have to be converted in one's
// head. Its year begins at Nowruz, the March equinox; its first six months have 31
// days, the next five 30, and Esfand 29, or 30 in a leap year.

// persianEpoch is 1 Farvardin 1403, which was 20 March 2024 (a known date that every
// other is counted from).
var persianEpoch = time.Date(2024, time.March, 20, 0, 0, 0, 0, time.UTC)

const persianEpochYear = 1403

// persianLeap says whether Solar Hijri year y has 366 days. The 33-year arithmetic rule
// gives the same leap years as the astronomical calendar (the equinox as seen in
// Tehran, as Borkowski's table of its breaks computes it) for every year from 1200 to
// 1633 (1821 to 2255), far beyond any message's date.
func persianLeap(y int) bool {
	return mod(25*y+11, 33) < 8
}

func mod(a, b int) int {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

func persianYearDays(y int) int {
	if persianLeap(y) {
		return 366
	}
	return 365
}

// toPersian converts the Gregorian calendar day of t (in t's location) to the Solar
// Hijri year, month (1 = Farvardin) and day.
func toPersian(t time.Time) (year, month, day int) {
	y, m, d := t.Date()
	days := int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(persianEpoch) / (24 * time.Hour))
	year = persianEpochYear
	for days < 0 {
		year--
		days += persianYearDays(year)
	}
	for days >= persianYearDays(year) {
		days -= persianYearDays(year)
		year++
	}
	if days < 6*31 {
		return year, days/31 + 1, days%31 + 1
	}
	days -= 6 * 31
	return year, days/30 + 7, days%30 + 1
}

// persianMonths are the Solar Hijri months' keys (their Latin names), which the
// catalogue translates.
var persianMonths = [12]string{"Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
	"Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand"}

// clockText is a time of day, 15:04, with the language's digits.
func clockText(t time.Time) string { return digits(t.Format("15:04")) }

// weekdayText is the day of the week, short ("Mon") or in full ("Monday"). A language
// without short names translates both the same.
func weekdayText(t time.Time, short bool) string {
	// Fyne's catalogues name the days ("monday", "monday.short").
	w := t.Weekday().String()
	if short {
		return lang.X(strings.ToLower(w)+".short", w[:3])
	}
	return lang.X(strings.ToLower(w), w)
}

// dateText is a day of the calendar. Long, it is the weekday, the day, the month in
// full and, withYear, the year (a day's heading); short, the day and the month
// abbreviated, as a list has room for (a language without abbreviations translates
// them in full).
func dateText(t time.Time, long, withYear bool) string {
	var day, month, year string
	if current().persian {
		y, m, d := toPersian(t)
		day, month, year = num(d), lang.L(persianMonths[m-1]), num(y)
	} else {
		month = t.Month().String()
		if !long {
			month = month[:3]
		}
		day, month, year = num(t.Day()), lang.L(month), num(t.Year())
	}
	data := map[string]string{"Day": day, "Month": month, "Year": year}
	switch {
	case long && withYear:
		data["Weekday"] = weekdayText(t, false)
		return lang.L("{{.Weekday}}, {{.Day}} {{.Month}} {{.Year}}", data)
	case long:
		data["Weekday"] = weekdayText(t, false)
		return lang.L("{{.Weekday}}, {{.Day}} {{.Month}}", data)
	case withYear:
		return lang.L("{{.Day}} {{.Month}} {{.Year}}", data)
	}
	return lang.L("{{.Day}} {{.Month}}", data)
}

// sameYear says whether a and b fall in one year of the language's calendar: a list
// leaves out the year of this year's dates.
func sameYear(a, b time.Time) bool {
	if current().persian {
		ya, _, _ := toPersian(a)
		yb, _, _ := toPersian(b)
		return ya == yb
	}
	return a.Year() == b.Year()
}
