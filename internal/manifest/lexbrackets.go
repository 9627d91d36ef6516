// Bracket bookkeeping shared by the hand-written tokenisers of C-like
// manifests (clex.go), meson.build (meson.go) and mix.exs (mixexs.go): the
// stack of open brackets with its errors, and the pass that pairs each
// opening bracket with its closing one.

package manifest

import "fmt"

// brackets is the stack of brackets a tokeniser has opened and not yet
// closed; its length is the bracket depth.
type brackets []openBracket

type openBracket struct {
	c    byte
	line int
}

// open records an opening bracket read on line.
func (b *brackets) open(c byte, line int) { *b = append(*b, openBracket{c, line}) }

// close pops the bracket the closing c ends; it fails with the line when c
// does not close the innermost open bracket.
func (b *brackets) close(c byte, line int) error {
	want := map[byte]byte{')': '(', ']': '[', '}': '{'}[c]
	s := *b
	if len(s) == 0 || s[len(s)-1].c != want {
		return &Error{Line: line, Msg: fmt.Sprintf("unexpected %q", c)}
	}
	*b = s[:len(s)-1]
	return nil
}

// unclosed fails, with the line it was opened on, when a bracket is still
// open at the end of the input.
func (b brackets) unclosed() error {
	if len(b) == 0 {
		return nil
	}
	o := b[len(b)-1]
	return &Error{Line: o.line, Msg: fmt.Sprintf("%q is never closed", o.c)}
}

// matchBrackets pairs the brackets of a stream of n tokens, whose bracket
// byte at(i) gives ('(', ')' … or anything else for other tokens): match is
// called with each opening bracket's index and its closing one's, or n when
// it is never closed. Scans then jump over nested groups and stay linear
// however deep hostile input nests.
func matchBrackets(n int, at func(i int) byte, match func(open, close int)) {
	var open []int
	for i := 0; i < n; i++ {
		switch at(i) {
		case '(', '[', '{':
			match(i, n)
			open = append(open, i)
		case ')', ']', '}':
			if k := len(open); k > 0 {
				match(open[k-1], i)
				open = open[:k-1]
			}
		}
	}
}
