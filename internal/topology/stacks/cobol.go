package stacks

import (
	"path"
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/manifest"
)

// Cobol detects GnuCOBOL programs: *.cbl / *.cob sources in the folder or
// its src/ folder, one of which is a main program (a PROCEDURE DIVISION
// without USING or LINKAGE SECTION). The sources are compiled together with
// `cobc -x`, the main program first. A COBOL program that ends with STOP
// RUN is a batch run, so the service is a job.
//
// Target is the main program's source, relative to the folder
// ("src/hello.cbl"); the binary is /app/bin/<program>.
//
// Extra keys, read by plan.genCobol:
//
//	"program" the binary's name: the main PROGRAM-ID, lower-cased
//	"sources" the other sources (subprograms), space-separated, relative to the folder
//	"format"  "free" for free-format source (cobc -free)
//	"copy"    space-separated folders holding copybooks (cobc -I), relative to the folder
type Cobol struct{}

// Name implements Detector.
func (Cobol) Name() string { return "cobol" }

// cobolMaxFiles bounds how many sources are read.
const cobolMaxFiles = 64

// Detect implements Detector.
func (Cobol) Detect(c *Context) *Result {
	if c.Dir.Path != "." && path.Base(c.Dir.Path) == "src" {
		return nil // the folder above claims its src/ sources
	}
	var sources, copyDirs []string
	for _, sub := range []string{".", "src"} {
		d := c.Dir
		if sub != "." {
			if d = c.Tree.Dir(c.Path(sub)); d == nil {
				continue
			}
		}
		for _, f := range d.Files {
			rel := path.Join(sub, f)
			switch strings.ToLower(path.Ext(f)) {
			case ".cbl", ".cob", ".cobol":
				if len(sources) < cobolMaxFiles {
					sources = append(sources, rel)
				}
			case ".cpy":
				if !slices.Contains(copyDirs, sub) {
					copyDirs = append(copyDirs, sub)
				}
			}
		}
	}
	for _, sub := range []string{"copybooks", "copy", "cpy", "src/copybooks"} {
		if c.Tree.Dir(c.Path(sub)) != nil && !slices.Contains(copyDirs, sub) {
			copyDirs = append(copyDirs, sub)
		}
	}
	if len(sources) == 0 {
		return nil
	}
	r := &Result{Language: "cobol", Score: 0.6, SourceExts: []string{".cbl", ".cob", ".cpy"}}
	var main *manifest.CobolProgram
	mainFile := ""
	var rest []string
	free := false
	for _, s := range sources {
		file := c.Path(s)
		data, err := c.Read(s)
		if err != nil {
			r.Warn(file, 0, "cannot read: "+err.Error())
			continue
		}
		p, err := manifest.ParseCobol(data)
		if err != nil {
			r.WarnParse(file, err)
		}
		if p == nil || !p.Procedure || p.ID == "" {
			continue // a copybook with a source extension
		}
		free = free || p.Free
		if p.Main && main == nil {
			main, mainFile = p, s
			continue
		}
		rest = append(rest, s)
	}
	r.Because(c.Path(sources[0]), "COBOL sources")
	if main == nil {
		r.Library = true
		r.Score = 0.4
		r.Because(c.Path(sources[0]), "no main program: subprograms only")
		return r
	}
	prog := strings.ToLower(main.ID)
	if !tailSafeName(prog) {
		prog = strings.TrimSuffix(path.Base(mainFile), path.Ext(mainFile))
	}
	if !tailSafeName(prog) || !tailSafePath(mainFile) {
		r.Library = true
		r.Score = 0.3
		r.Warn(c.Path(mainFile), main.Line, "program name is not usable in an image")
		return r
	}
	r.Name = prog
	r.Target = mainFile
	r.Entrypoints = []string{mainFile}
	r.Set("program", prog)
	var safeRest []string
	for _, s := range rest {
		if tailSafePath(s) {
			safeRest = append(safeRest, s)
		}
	}
	if len(safeRest) > 0 {
		r.Set("sources", strings.Join(safeRest, " "))
	}
	if free {
		r.Set("format", "free")
		r.Because(c.Path(mainFile), "free-format source")
	}
	if len(copyDirs) > 0 {
		r.Set("copy", strings.Join(copyDirs, " "))
	}
	r.Build = "cobc -x -o " + prog + " " + strings.Join(append([]string{mainFile}, safeRest...), " ")
	r.Start = "/app/bin/" + prog
	r.Because(c.Path(mainFile), "main program "+main.ID)
	if main.StopRun {
		r.Kind = "job"
		r.Because(c.Path(mainFile), "ends with STOP RUN: a batch job")
	}
	return r
}
