package engine

import "strings"

// Search returns the newest limit messages, of every conversation, whose text contains
// query, newest first. Case is ignored, and so are spaces around the query; an empty
// query finds nothing. It reads the whole store: call it off the UI's goroutine.
func (e *Engine) Search(query string, limit int) ([]Message, error) {
	q := foldQuery(query)
	if q == "" {
		return nil, nil
	}
	ms, err := e.st.SearchMessages(func(body string) bool { return containsFolded(body, q) }, limit)
	return e.messagesOf(ms), err
}

// foldQuery is a query as containsFolded takes it.
func foldQuery(query string) string { return strings.ToLower(strings.TrimSpace(query)) }

// containsFolded reports whether text contains q (from foldQuery), ignoring case.
func containsFolded(text, q string) bool {
	return q != "" && strings.Contains(strings.ToLower(text), q)
}
