package csvimport

// chunks collects records in fixed-size blocks and joins them once at the
// end. Appending to one slice would copy a large file's records many times
// over as the slice grows; this copies each record once.
type chunks[T any] struct {
	full [][]T
	cur  []T
	n    int
}

const (
	firstChunk = 64
	maxChunk   = 16 << 10
)

func (c *chunks[T]) add(v T) {
	if len(c.cur) == cap(c.cur) {
		size := firstChunk
		if c.cur != nil {
			c.full = append(c.full, c.cur)
			size = min(2*cap(c.cur), maxChunk)
		}
		c.cur = make([]T, 0, size)
	}
	c.cur = append(c.cur, v)
	c.n++
}

// slice returns every record added, in order; nil when there is none.
func (c *chunks[T]) slice() []T {
	if len(c.full) == 0 {
		return c.cur
	}
	out := make([]T, 0, c.n)
	for _, b := range c.full {
		out = append(out, b...)
	}
	return append(out, c.cur...)
}
