package manifest

// cTok is a token of a C-like language (Swift manifests, Zig build files
// and ZON): enough to find calls, named arguments and string literals.
type cTok struct {
	kind  byte // 'i' identifier, 's' string, 'n' number, or the punctuation byte itself
	text  string
	line  int
	depth int // bracket depth before the token
	// match is, for an opening bracket, the index of its closing one (the
	// token count when it is never closed), so scans can jump over nested
	// calls and stay linear however deep hostile input nests.
	match int
}

// cMatch fills in match for every opening bracket of toks.
func cMatch(toks []cTok) []cTok {
	matchBrackets(len(toks), func(i int) byte { return toks[i].kind }, func(o, c int) { toks[o].match = c })
	return toks
}

// lexC tokenises src with // line comments, /* */ block comments (when
// block is set), "…" strings with backslash escapes, Swift's """ multi-line
// strings and Zig's \\ line strings. It fails, with the line, on an
// unterminated string or comment and on unbalanced brackets; the tokens read
// so far are returned with the error.
func lexC(src []byte, block bool) ([]cTok, error) {
	toks, err := lexCRaw(src, block)
	return cMatch(toks), err
}

func lexCRaw(src []byte, block bool) ([]cTok, error) {
	var toks []cTok
	var br brackets
	line := 1
	s := src
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '/' && i+1 < len(s) && s[i+1] == '/':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case block && c == '/' && i+1 < len(s) && s[i+1] == '*':
			start := line
			j := i + 2
			for ; j+1 < len(s) && !(s[j] == '*' && s[j+1] == '/'); j++ {
				if s[j] == '\n' {
					line++
				}
			}
			if j+1 >= len(s) {
				return toks, &Error{Line: start, Msg: "unterminated comment"}
			}
			i = j + 2
		case c == '\\' && i+1 < len(s) && s[i+1] == '\\':
			// Zig multi-line string line: runs to the end of the line.
			j := i
			for j < len(s) && s[j] != '\n' {
				j++
			}
			toks = append(toks, cTok{'s', string(s[i+2 : j]), line, len(br), 0})
			i = j
		case c == '"' && i+2 < len(s) && s[i+1] == '"' && s[i+2] == '"':
			start := line
			j := i + 3
			for ; j+2 < len(s) && !(s[j] == '"' && s[j+1] == '"' && s[j+2] == '"'); j++ {
				if s[j] == '\n' {
					line++
				}
			}
			if j+2 >= len(s) {
				return toks, &Error{Line: start, Msg: "unterminated multi-line string"}
			}
			toks = append(toks, cTok{'s', string(s[i+3 : j]), start, len(br), 0})
			i = j + 3
		case c == '\'':
			// Zig character literal ('{', '\n'): never a bracket.
			j := i + 1
			for ; j < len(s) && s[j] != '\'' && s[j] != '\n'; j++ {
				if s[j] == '\\' {
					j++
				}
			}
			if j < len(s) && s[j] == '\'' {
				toks = append(toks, cTok{'n', string(s[i : j+1]), line, len(br), 0})
				i = j + 1
			} else {
				toks = append(toks, cTok{c, "'", line, len(br), 0})
				i++
			}
		case c == '"':
			text, end, ok := cString(s, i)
			if !ok {
				return toks, &Error{Line: line, Msg: "unterminated string"}
			}
			toks = append(toks, cTok{'s', text, line, len(br), 0})
			i = end
		case cIdentStart(c):
			j := cIdentEnd(s, i)
			toks = append(toks, cTok{'i', string(s[i:j]), line, len(br), 0})
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && (s[j] == '.' || s[j] == '_' || s[j] >= '0' && s[j] <= '9' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z') {
				j++
			}
			toks = append(toks, cTok{'n', string(s[i:j]), line, len(br), 0})
			i = j
		default:
			var err error
			if toks, err = cPunct(toks, &br, c, line); err != nil {
				return toks, err
			}
			i++
		}
	}
	return toks, br.unclosed()
}

// cString reads the one-line string quoted by s[i] (a backslash keeps the
// byte after it); it returns the text and the index after the closing
// quote, or false when the line or the input ends first.
func cString(s []byte, i int) (string, int, bool) {
	q := s[i]
	var b []byte
	j := i + 1
	for ; j < len(s) && s[j] != q && s[j] != '\n'; j++ {
		if s[j] == '\\' && j+1 < len(s) && s[j+1] != '\n' {
			j++
		}
		b = append(b, s[j])
	}
	if j >= len(s) || s[j] != q {
		return "", j, false
	}
	return string(b), j + 1, true
}

func cIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// cIdentEnd returns the index after the identifier starting at s[i].
func cIdentEnd(s []byte, i int) int {
	for i < len(s) && (cIdentStart(s[i]) || s[i] >= '0' && s[i] <= '9') {
		i++
	}
	return i
}

// cPunct appends the punctuation byte c read on line as a token of its
// own, keeping the bracket stack: a closing bracket that does not match
// fails with the line.
func cPunct(toks []cTok, br *brackets, c byte, line int) ([]cTok, error) {
	switch c {
	case '(', '[', '{':
		toks = append(toks, cTok{c, string(c), line, len(*br), 0})
		br.open(c, line)
	case ')', ']', '}':
		if err := br.close(c, line); err != nil {
			return toks, err
		}
		toks = append(toks, cTok{c, string(c), line, len(*br), 0})
	default:
		toks = append(toks, cTok{c, string(c), line, len(*br), 0})
	}
	return toks, nil
}

// cCallEnd returns the index of the bracket closing the one at toks[open].
func cCallEnd(toks []cTok, open int) int { return toks[open].match }

// cNext returns the index after toks[j], jumping over a bracketed group.
func cNext(toks []cTok, j int) int {
	switch toks[j].kind {
	case '(', '[', '{':
		return toks[j].match
	}
	return j + 1
}

// cNamedString returns the string given to label: directly inside the call
// whose bracket is toks[open] (Swift's `name: "App"`), or "".
func cNamedString(toks []cTok, open int, label string) string {
	end := cCallEnd(toks, open)
	for j := open + 1; j < end && j+2 < len(toks); j = cNext(toks, j) {
		if toks[j].kind == 'i' && toks[j].text == label && toks[j+1].kind == ':' && toks[j+2].kind == 's' {
			return toks[j+2].text
		}
	}
	return ""
}
