package app

import (
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
		return noteToSelf
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
		return noteToSelf
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

// disappearWhen says when messages disappear, before the duration (durationText).
func disappearWhen(mode engine.DisappearMode) string {
	if mode == engine.DisappearAfterRead {
		return "after reading,"
	}
	return "after sending,"
}

// durationText says how long d is, in the largest whole unit.
func durationText(d time.Duration) string {
	switch {
	case d >= 7*24*time.Hour && d%(7*24*time.Hour) == 0:
		if n := int(d / (7 * 24 * time.Hour)); n > 1 {
			return itoa(n) + " weeks"
		}
		return "1 week"
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		if n := int(d / (24 * time.Hour)); n > 1 {
			return itoa(n) + " days"
		}
		return "1 day"
	case d >= time.Hour && d%time.Hour == 0:
		if n := int(d / time.Hour); n > 1 {
			return itoa(n) + " hours"
		}
		return "1 hour"
	}
	n := int(d / time.Minute)
	if n == 1 {
		return "1 minute"
	}
	return itoa(n) + " minutes"
}
