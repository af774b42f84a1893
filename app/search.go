package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"allium/engine"
)

// searchLimit bounds the messages a search shows: the newest are the likely ones.
const searchLimit = 200

// searchResults is the lower part of the sidebar while searching: the messages whose
// text matches, newest first. Tapping one opens its conversation at that message.
type searchResults struct {
	p       *Profile
	query   string // the query the results are for
	found   []engine.Message
	done    bool // the search for query has finished
	status  *bidiText
	list    *widget.List
	content fyne.CanvasObject
}

func newSearchResults(p *Profile) *searchResults {
	r := &searchResults{p: p, status: wrapped("")}
	r.list = widget.NewList(
		func() int { return len(r.found) },
		func() fyne.CanvasObject { return newConvRow() },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(r.found) {
				r.setRow(o.(*convRow), r.found[id])
			}
		})
	r.list.HideSeparators = true
	r.list.OnSelected = func(id widget.ListItemID) {
		r.list.UnselectAll()
		if id < len(r.found) {
			m := r.found[id]
			p.openConversationAt(m.Conversation, msgID{m.Author, m.Timestamp})
		}
	}
	head := widget.NewLabelWithStyle(lang.L("Messages"), leading(), fyne.TextStyle{Bold: true})
	r.content = container.NewBorder(container.NewVBox(widget.NewSeparator(), head, r.status), nil, nil, nil, r.list)
	return r
}

func (r *searchResults) setRow(row *convRow, m engine.Message) {
	c, _ := r.p.sidebar.conversation(m.Conversation)
	row.avatar.set(r.p, c.ID, c.Name, c.Avatar)
	row.name.SetText(convName(c, r.p.me))
	row.preview.TextStyle = fyne.TextStyle{}
	row.preview.SetText(firstLine(m.Body))
	row.when.SetText(listTime(time.UnixMilli(m.Timestamp), time.Now()))
	row.badge.Hide()
}

// search looks for q in every message, off the Fyne goroutine; a result for a query
// that has changed meanwhile is dropped.
func (r *searchResults) search(q string) {
	r.query, r.done = q, false
	r.found = nil
	r.list.Refresh()
	r.status.SetText(lang.L("Searching…"))
	r.status.Show()
	background(r.p, func(e *engine.Engine) ([]engine.Message, error) { return e.Search(q, searchLimit) },
		func(found []engine.Message, err error) {
			if r.query != q {
				return
			}
			r.done = true
			// Only messages of conversations in the list: not requests or blocked people.
			r.found = r.found[:0]
			for _, m := range found {
				if c, ok := r.p.sidebar.conversation(m.Conversation); ok && c.Approved && !c.Blocked {
					r.found = append(r.found, m)
				}
			}
			r.list.Refresh()
			r.say()
			if err != nil {
				r.status.SetText(lang.L("Allium could not search the messages on the disk. Try again."))
				r.status.Show()
			}
		})
}

// say shows how the search went: nothing, or the count of messages found.
func (r *searchResults) say() {
	if !r.done {
		return
	}
	switch {
	case len(r.found) == 0 && len(r.p.sidebar.shown) == 0:
		r.status.SetText(lang.L("No results. Check the spelling, or search for another word."))
	case len(r.found) == 0:
		r.status.SetText(lang.L("No messages contain this."))
	default:
		r.status.Hide()
		return
	}
	r.status.Show()
}
