package client

import (
	"context"
	"io"
)

// Progress reports how much of a request has crossed this computer's link to its path:
// Up the request's bytes sent, Down the answer's bytes read, each with the total when it
// is known (-1 when not). A file's upload is its Up, its download its Down. Either may be
// nil. The functions are called on the request's goroutine, often: keep them cheap.
type Progress struct {
	Up, Down func(done, total int64)
}

type progressKey struct{}

// WithProgress returns a context whose requests report their progress to p.
func WithProgress(ctx context.Context, p Progress) context.Context {
	return context.WithValue(ctx, progressKey{}, p)
}

// ProgressOf returns the Progress ctx carries, if any (for implementations of the same
// calls elsewhere, such as a test's).
func ProgressOf(ctx context.Context) Progress {
	p, _ := ctx.Value(progressKey{}).(Progress)
	return p
}

// countingReader reports each read's running total to report.
type countingReader struct {
	r      io.Reader
	done   int64
	total  int64
	report func(done, total int64)
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	if n > 0 {
		c.done += int64(n)
		c.report(c.done, c.total)
	}
	return n, err
}

// counted wraps r so that its reads are reported, if report is set.
func counted(r io.Reader, total int64, report func(done, total int64)) io.Reader {
	if report == nil {
		return r
	}
	return &countingReader{r: r, total: total, report: report}
}
