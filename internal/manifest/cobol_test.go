package manifest

import (
	"slices"
	"testing"
)

const cobolFixed = `      * A fixed-format program.
       IDENTIFICATION DIVISION.
       PROGRAM-ID. hello.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 WS-NAME PIC X(20) VALUE 'World'.
       PROCEDURE DIVISION.
           DISPLAY 'Hello, ' WS-NAME.
           CALL 'greet' USING WS-NAME.
           COPY 'common'.
           STOP RUN.
`

const cobolSub = `       IDENTIFICATION DIVISION.
       PROGRAM-ID.
           GREET.
       DATA DIVISION.
       LINKAGE SECTION.
       01 L-NAME PIC X(20).
       PROCEDURE DIVISION USING L-NAME.
           DISPLAY L-NAME.
           GOBACK.
`

const cobolFreeSrc = `>>SOURCE FORMAT FREE
*> free format
identification division.
program-id. counter.
procedure division.
    display "tick" *> a comment
    stop run.
`

func TestCobolParse(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      CobolProgram
	}{
		{"fixed main", cobolFixed, CobolProgram{ID: "hello", Procedure: true, Main: true, StopRun: true, Calls: []string{"greet"}, Copies: []string{"common"}, Line: 3, Displays: true}},
		{"subprogram", cobolSub, CobolProgram{ID: "GREET", Procedure: true, Line: 3, Displays: true}},
		{"free", cobolFreeSrc, CobolProgram{ID: "counter", Free: true, Procedure: true, Main: true, StopRun: true, Line: 4, Displays: true}},
		{"free by column", "IDENTIFICATION DIVISION.\nPROGRAM-ID. x.\nPROCEDURE DIVISION.\n  STOP RUN.\n", CobolProgram{ID: "x", Free: true, Procedure: true, Main: true, StopRun: true, Line: 2}},
		{"copybook", "       01 CUSTOMER-RECORD.\n          05 NAME PIC X(30).\n", CobolProgram{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParseCobol([]byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			if p.ID != tc.want.ID || p.Free != tc.want.Free || p.Procedure != tc.want.Procedure || p.Main != tc.want.Main ||
				p.StopRun != tc.want.StopRun || p.Line != tc.want.Line || !slices.Equal(p.Calls, tc.want.Calls) ||
				!slices.Equal(p.Copies, tc.want.Copies) || p.Displays != tc.want.Displays {
				t.Errorf("got %+v, want %+v", *p, tc.want)
			}
		})
	}
	if _, err := ParseCobol([]byte("       PROCEDURE DIVISION.\n           STOP RUN.\n")); err == nil {
		t.Error("a procedure without PROGRAM-ID should fail")
	}
}

func FuzzCobol(f *testing.F) {
	f.Add(cobolFixed)
	f.Add(cobolSub)
	f.Add(cobolFreeSrc)
	f.Add("PROGRAM-ID")
	f.Fuzz(func(t *testing.T, src string) {
		if p, _ := ParseCobol([]byte(src)); p == nil {
			t.Fatal("nil program")
		}
	})
}
