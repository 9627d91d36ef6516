package manifest

import (
	"bufio"
	"bytes"
	"strings"
)

// CobolProgram is what Kyozo reads of a COBOL source file.
type CobolProgram struct {
	ID string // PROGRAM-ID, as written
	// Free is set for free-format source (>>SOURCE FORMAT FREE, or code
	// that starts before column 8); cobc needs -free for it.
	Free      bool
	Procedure bool // has a PROCEDURE DIVISION
	// Main is set for a program that runs on its own: a PROCEDURE DIVISION
	// without USING and no LINKAGE SECTION. Subprograms take parameters.
	Main     bool
	StopRun  bool     // ends with STOP RUN
	Calls    []string // CALL 'literal' targets
	Copies   []string // COPY members
	Line     int      // line of the PROGRAM-ID
	Accepts  bool     // reads input with ACCEPT (a batch or interactive program)
	Displays bool
}

// ParseCobol scans one COBOL source file (fixed or free format). Only the
// first program of the file is described; nested programs are part of it.
// A file with a PROCEDURE DIVISION and no PROGRAM-ID fails; a copybook (no
// divisions at all) yields an empty program and no error.
func ParseCobol(data []byte) (*CobolProgram, error) {
	p := &CobolProgram{Free: cobolFree(data)}
	linkage := false
	usingProc := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	var pending string // a keyword whose operand is on the next line
	for sc.Scan() {
		n++
		code := cobolCode(sc.Text(), p.Free)
		if code == "" {
			continue
		}
		words := strings.FieldsFunc(code, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' })
		if pending != "" && len(words) > 0 {
			words = append([]string{pending}, words...)
			pending = ""
		}
		for i, w := range words {
			w = strings.ToUpper(strings.TrimSuffix(w, "."))
			next, nextRaw := "", ""
			if i+1 < len(words) {
				nextRaw = strings.TrimSuffix(words[i+1], ".")
				next = strings.ToUpper(nextRaw)
			}
			switch w {
			case "PROGRAM-ID":
				if p.ID == "" {
					if next == "" {
						pending = "PROGRAM-ID"
					} else {
						p.ID = cobolName(nextRaw)
						p.Line = n
					}
				}
			case "LINKAGE":
				if next == "SECTION" {
					linkage = true
				}
			case "PROCEDURE":
				if next == "DIVISION" {
					p.Procedure = true
					if i+2 < len(words) && strings.ToUpper(strings.TrimSuffix(words[i+2], ".")) == "USING" {
						usingProc = true
					}
				}
			case "STOP":
				if next == "RUN" {
					p.StopRun = true
				}
			case "CALL":
				if lit := cobolName(nextRaw); lit != "" && strings.ContainsAny(nextRaw, `'"`) {
					p.Calls = append(p.Calls, lit)
				}
			case "COPY":
				if next != "" {
					p.Copies = append(p.Copies, cobolName(nextRaw))
				}
			case "ACCEPT":
				p.Accepts = true
			case "DISPLAY":
				p.Displays = true
			}
		}
	}
	if sc.Err() != nil {
		return p, &Error{Line: n + 1, Msg: sc.Err().Error()}
	}
	p.Main = p.Procedure && !linkage && !usingProc
	if p.Procedure && p.ID == "" {
		return p, &Error{Msg: "PROCEDURE DIVISION without a PROGRAM-ID"}
	}
	return p, nil
}

// cobolFree reports free-format source: a >>SOURCE directive saying so, or
// a division header that starts in the sequence area (columns 1–7).
func cobolFree(data []byte) bool {
	up := bytes.ToUpper(data)
	if bytes.Contains(up, []byte(">>SOURCE FORMAT FREE")) || bytes.Contains(up, []byte(">>SOURCE FREE")) ||
		bytes.Contains(up, []byte(`SOURCEFORMAT"FREE"`)) || bytes.Contains(up, []byte("SOURCEFORMAT(FREE)")) {
		return true
	}
	sc := bufio.NewScanner(bytes.NewReader(up))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		k := strings.Index(l, "IDENTIFICATION DIVISION")
		if k < 0 {
			k = strings.Index(l, "PROGRAM-ID")
		}
		if k >= 0 {
			return k < 7
		}
	}
	return false
}

// cobolCode returns a line's code without comments: in fixed format the
// area from column 8 to 72 unless column 7 marks a comment; in free format
// the text before *>.
func cobolCode(line string, free bool) string {
	if !free {
		if len(line) < 7 {
			return ""
		}
		if c := line[6]; c == '*' || c == '/' {
			return ""
		}
		line = line[7:]
		if len(line) > 65 {
			line = line[:65]
		}
	} else if strings.HasPrefix(strings.TrimSpace(line), "*") && !strings.HasPrefix(strings.TrimSpace(line), "*>") {
		return ""
	}
	if k := strings.Index(line, "*>"); k >= 0 {
		line = line[:k]
	}
	if strings.HasPrefix(strings.TrimSpace(line), ">>") {
		return ""
	}
	return strings.TrimSpace(line)
}

// cobolName strips quotes and a trailing period from a program name.
func cobolName(s string) string {
	s = strings.TrimSuffix(s, ".")
	return strings.Trim(s, `'"`)
}
