package manifest

import (
	"bufio"
	"bytes"
	"errors"
	"strings"

	"golang.org/x/mod/modfile"
)

// GoMod is what Kyozo reads of a go.mod.
type GoMod struct {
	Module    string   // module path
	Go        string   // go directive ("1.23", "1.23.4")
	Toolchain string   // toolchain directive without its "go" prefix ("1.23.4"), or ""
	Require   []string // required module paths, direct and indirect, in file order
	Indirect  []string // the subset of Require marked // indirect
	// LocalReplaces are the directories (as written: "../lib", "./tools")
	// that replace directives point to: sibling modules built from the tree.
	LocalReplaces []string
}

// GoWork is what Kyozo reads of a go.work.
type GoWork struct {
	Go            string
	Toolchain     string
	Use           []string // module directories, as written ("./api", ".")
	LocalReplaces []string
}

// ParseGoMod reads a go.mod with golang.org/x/mod/modfile, the parser the go
// command uses. A malformed file fails with the line of its first error;
// what could still be read (the module path at least) is returned with it.
func ParseGoMod(data []byte) (*GoMod, error) {
	f, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		// A lax parse still yields the module, go and require lines when
		// only a replace, exclude or unknown directive is wrong.
		part := &GoMod{}
		if lax, lerr := modfile.ParseLax("go.mod", data, nil); lerr == nil {
			part = goModFrom(lax)
		} else {
			part.Module, part.Go = scanGoModHead(data)
		}
		return part, goModError(err)
	}
	return goModFrom(f), nil
}

func goModFrom(f *modfile.File) *GoMod {
	m := &GoMod{}
	if f.Module != nil {
		m.Module = f.Module.Mod.Path
	}
	if f.Go != nil {
		m.Go = f.Go.Version
	}
	if f.Toolchain != nil {
		m.Toolchain = strings.TrimPrefix(f.Toolchain.Name, "go")
		if m.Toolchain == "default" {
			m.Toolchain = ""
		}
	}
	for _, r := range f.Require {
		m.Require = append(m.Require, r.Mod.Path)
		if r.Indirect {
			m.Indirect = append(m.Indirect, r.Mod.Path)
		}
	}
	for _, r := range f.Replace {
		if r.New.Version == "" && modfile.IsDirectoryPath(r.New.Path) {
			m.LocalReplaces = appendUnique(m.LocalReplaces, r.New.Path)
		}
	}
	return m
}

// ParseGoWork reads a go.work.
func ParseGoWork(data []byte) (*GoWork, error) {
	f, err := modfile.ParseWork("go.work", data, nil)
	if err != nil {
		return &GoWork{}, goModError(err)
	}
	w := &GoWork{}
	if f.Go != nil {
		w.Go = f.Go.Version
	}
	if f.Toolchain != nil {
		w.Toolchain = strings.TrimPrefix(f.Toolchain.Name, "go")
		if w.Toolchain == "default" {
			w.Toolchain = ""
		}
	}
	for _, u := range f.Use {
		w.Use = appendUnique(w.Use, u.Path)
	}
	for _, r := range f.Replace {
		if r.New.Version == "" && modfile.IsDirectoryPath(r.New.Path) {
			w.LocalReplaces = appendUnique(w.LocalReplaces, r.New.Path)
		}
	}
	return w, nil
}

// modError turns modfile's error list into an *Error naming the first line.
func goModError(err error) error {
	var list modfile.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		e := list[0]
		msg := e.Err.Error()
		if e.Verb != "" {
			msg = e.Verb + ": " + msg
		}
		return &Error{Line: e.Pos.Line, Msg: msg}
	}
	var one *modfile.Error
	if errors.As(err, &one) {
		return &Error{Line: one.Pos.Line, Msg: one.Err.Error()}
	}
	return &Error{Msg: err.Error()}
}

// scanGoModHead finds the module and go lines of a go.mod the parser
// rejected, so the module keeps its name.
func scanGoModHead(data []byte) (module, goVersion string) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "module":
			if module == "" {
				module = strings.Trim(f[1], "\"`")
			}
		case "go":
			if goVersion == "" {
				goVersion = f[1]
			}
		}
	}
	return module, goVersion
}
