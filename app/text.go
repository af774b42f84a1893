package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"allium/crypto"
	"allium/engine"
)

// noteToSelf names the conversation with oneself, as Session does.
const noteToSelf = "Note to Self"

// convName is how a conversation is named: the person's name, or their short ID; the
// conversation with oneself (me) is Note to Self.
func convName(c engine.Conversation, me crypto.SessionID) string {
	if c.ID == me {
		return lang.L(noteToSelf)
	}
	if c.Name != "" {
		return c.Name
	}
	return shortID(c.ID)
}

// namedID is how a person is named where no avatar is shown (dialogs, notifications):
// their name with their short ID, so that two people of the same name can be told
// apart.
func namedID(c engine.Conversation, me crypto.SessionID) string {
	if c.ID == me {
		return lang.L(noteToSelf)
	}
	if c.Name != "" {
		return c.Name + " (" + shortID(c.ID) + ")"
	}
	return shortID(c.ID)
}

// shortID shortens a Session ID for lists and headers: its first and last characters.
func shortID(id crypto.SessionID) string {
	s := id.String()
	return s[:6] + "…" + s[len(s)-4:]
}

// firstLine is the first line of a message, for previews.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }

// listTime is a message time as the conversation list shows it: the time today, the
// weekday this week, the date before.
func listTime(t, now time.Time) string {
	y1, m1, d1 := t.Date()
	y2, m2, d2 := now.Date()
	switch {
	case y1 == y2 && m1 == m2 && d1 == d2:
		return clockText(t)
	case now.Sub(t) < 6*24*time.Hour && t.Before(now):
		return weekdayText(t, true)
	}
	return dateText(t, false, !sameYear(t, now))
}

// dayLabel is the heading above a day's messages.
func dayLabel(day, now time.Time) string {
	today := startOfDay(now)
	d := startOfDay(day)
	switch {
	case d.Equal(today):
		return lang.L("Today")
	case d.Equal(today.AddDate(0, 0, -1)):
		return lang.L("Yesterday")
	}
	return dateText(d, true, !sameYear(d, today))
}

func startOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// disappearSentence says when messages disappear.
func disappearSentence(mode engine.DisappearMode, d time.Duration) string {
	if mode == engine.DisappearAfterRead {
		return fmt.Sprintf(lang.L("Messages disappear after reading, %s"), durationText(d))
	}
	return fmt.Sprintf(lang.L("Messages disappear after sending, %s"), durationText(d))
}

// durationText says how long d is, in the largest whole unit.
func durationText(d time.Duration) string {
	const week, day = 7 * 24 * time.Hour, 24 * time.Hour
	switch {
	case d >= week && d%week == 0:
		n := int(d / week)
		return lang.N("{{.Count}} weeks", n, map[string]string{"Count": num(n)})
	case d >= day && d%day == 0:
		n := int(d / day)
		return lang.N("{{.Count}} days", n, map[string]string{"Count": num(n)})
	case d >= time.Hour && d%time.Hour == 0:
		n := int(d / time.Hour)
		return lang.N("{{.Count}} hours", n, map[string]string{"Count": num(n)})
	}
	n := int(d / time.Minute)
	return lang.N("{{.Count}} minutes", n, map[string]string{"Count": num(n)})
}
