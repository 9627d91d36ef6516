package stacks

import (
	"testing"
)

func TestCobolDetect(t *testing.T) {
	const main = "       IDENTIFICATION DIVISION.\n       PROGRAM-ID. HELLO.\n       PROCEDURE DIVISION.\n           DISPLAY 'Hello'.\n           CALL 'GREET'.\n           STOP RUN.\n"
	const sub = "       IDENTIFICATION DIVISION.\n       PROGRAM-ID. GREET.\n       LINKAGE SECTION.\n       PROCEDURE DIVISION.\n           GOBACK.\n"
	for _, tc := range []struct {
		name  string
		files map[string]string
		check func(t *testing.T, r *Result)
	}{
		{"main and subprogram", map[string]string{"src/greet.cbl": sub, "src/hello.cbl": main, "copybooks/rec.cpy": ""}, func(t *testing.T, r *Result) {
			if r.Target != "src/hello.cbl" || r.Extra["program"] != "hello" || r.Extra["sources"] != "src/greet.cbl" || r.Extra["copy"] != "copybooks" ||
				r.Kind != "job" || r.Start != "/app/bin/hello" || r.Score != 0.6 || r.Extra["format"] != "" {
				t.Errorf("%+v", r)
			}
		}},
		{"free format", map[string]string{"main.cob": ">>SOURCE FORMAT FREE\nIDENTIFICATION DIVISION.\nPROGRAM-ID. tick.\nPROCEDURE DIVISION.\n  DISPLAY \"x\".\n  STOP RUN.\n"}, func(t *testing.T, r *Result) {
			if r.Extra["format"] != "free" || r.Extra["program"] != "tick" {
				t.Errorf("%+v", r)
			}
		}},
		{"subprograms only", map[string]string{"greet.cbl": sub}, func(t *testing.T, r *Result) {
			if !r.Library || r.Start != "" {
				t.Errorf("%+v", r)
			}
		}},
		{"malformed second source", map[string]string{"hello.cbl": main, "bad.cbl": "       PROCEDURE DIVISION.\n           STOP RUN.\n"}, func(t *testing.T, r *Result) {
			if len(r.Warnings) != 1 || r.Warnings[0].File != "bad.cbl" || r.Target != "hello.cbl" || r.Score >= 0.6 {
				t.Errorf("%+v", r)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := detectIn(t, Cobol{}, tc.files, ".")
			if r == nil || r.Language != "cobol" {
				t.Fatalf("got %+v", r)
			}
			tc.check(t, r)
		})
	}
	if r := detectIn(t, Cobol{}, map[string]string{"src/hello.cbl": main}, "src"); r != nil {
		t.Errorf("src/ belongs to the folder above: %+v", r)
	}
	if r := detectIn(t, Cobol{}, map[string]string{"rec.cpy": ""}, "."); r != nil {
		t.Errorf("copybooks alone: %+v", r)
	}
}
