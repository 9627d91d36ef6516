// Package lazyre compiles a regular expression on first use. Kyozo has many
// patterns and `kyozo detect` on a small app must start in a few
// milliseconds, so none is compiled at program start.
package lazyre

import (
	"regexp"
	"sync"
)

// Regexp is a pattern compiled the first time it is used.
type Regexp struct {
	pattern string
	once    sync.Once
	re      *regexp.Regexp
}

// New returns a lazily compiled pattern. An invalid pattern panics on first
// use, as regexp.MustCompile does at start; tests use every pattern.
func New(pattern string) *Regexp { return &Regexp{pattern: pattern} }

// Re returns the compiled expression.
func (r *Regexp) Re() *regexp.Regexp {
	r.once.Do(func() { r.re = regexp.MustCompile(r.pattern) })
	return r.re
}
