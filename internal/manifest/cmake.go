package manifest

import (
	"fmt"
	"strings"
)

// CMakeCommand is one command invocation of a CMakeLists.txt.
type CMakeCommand struct {
	Name string // lowercased: CMake command names are case-insensitive
	Args []string
	Line int
}

// CMakeProject is what Kyozo reads of a CMakeLists.txt.
type CMakeProject struct {
	Name        string // project(<name> …)
	MinVersion  string // cmake_minimum_required(VERSION 3.20)
	CXXStandard string // set(CMAKE_CXX_STANDARD 20)
	Executables []CMakeTarget
	Libraries   []CMakeTarget
	// Packages are find_package names; Fetched are FetchContent_Declare,
	// CPMAddPackage and ExternalProject_Add names and repository URLs;
	// Links are target_link_libraries items. Detectors match frameworks
	// against all three.
	Packages []string
	Fetched  []string
	Links    []string
	Subdirs  []string // add_subdirectory
	Commands []CMakeCommand
}

// CMakeTarget is an add_executable or add_library target.
type CMakeTarget struct {
	Name string
	Line int
}

// ParseCMake scans a CMakeLists.txt. ${PROJECT_NAME} and variables given a
// single value by set() are substituted; anything computed (generator
// expressions, functions) is left as written. Unterminated quotes, brackets
// or parentheses fail with the line; what was read is returned with the error.
func ParseCMake(data []byte) (*CMakeProject, error) {
	cmds, err := lexCMake(data)
	p := &CMakeProject{Commands: cmds}
	vars := map[string]string{}
	expand := func(s string) string {
		if !strings.Contains(s, "${") {
			return s
		}
		for k, v := range vars {
			s = strings.ReplaceAll(s, "${"+k+"}", v)
		}
		return s
	}
	for _, c := range cmds {
		args := make([]string, len(c.Args))
		for i, a := range c.Args {
			args[i] = expand(a)
		}
		switch c.Name {
		case "project":
			if len(args) > 0 && p.Name == "" {
				p.Name = args[0]
				vars["PROJECT_NAME"] = args[0]
				vars["CMAKE_PROJECT_NAME"] = args[0]
			}
		case "cmake_minimum_required":
			if len(args) > 1 && strings.EqualFold(args[0], "VERSION") {
				p.MinVersion = args[1]
			}
		case "set":
			if len(args) == 2 {
				vars[args[0]] = args[1]
				if args[0] == "CMAKE_CXX_STANDARD" {
					p.CXXStandard = args[1]
				}
			}
		case "add_executable":
			if len(args) > 0 && !cmakeImported(args) {
				p.Executables = append(p.Executables, CMakeTarget{args[0], c.Line})
			}
		case "add_library":
			if len(args) > 0 && !cmakeImported(args) {
				p.Libraries = append(p.Libraries, CMakeTarget{args[0], c.Line})
			}
		case "find_package", "pkg_check_modules", "pkg_search_module":
			if len(args) > 0 {
				p.Packages = append(p.Packages, args...)
			}
		case "fetchcontent_declare", "cpmaddpackage", "cpmfindpackage", "externalproject_add":
			p.Fetched = append(p.Fetched, args...)
		case "target_link_libraries":
			if len(args) > 1 {
				p.Links = append(p.Links, args[1:]...)
			}
		case "add_subdirectory":
			if len(args) > 0 {
				p.Subdirs = append(p.Subdirs, args[0])
			}
		}
	}
	return p, err
}

// cmakeImported reports an IMPORTED or ALIAS target, which builds nothing.
func cmakeImported(args []string) bool {
	for _, a := range args[1:] {
		if a == "IMPORTED" || a == "ALIAS" {
			return true
		}
	}
	return false
}

// lexCMake splits a CMake file into command invocations.
func lexCMake(s []byte) ([]CMakeCommand, error) {
	var cmds []CMakeCommand
	line := 1
	i := 0
	skipSpaceAndComments := func() error {
		for i < len(s) {
			switch c := s[i]; {
			case c == '\n':
				line++
				i++
			case c == ' ' || c == '\t' || c == '\r':
				i++
			case c == '#':
				if n, nl, ok := cmakeBracket(s[i+1:]); ok {
					i += 1 + n
					line += nl
					continue
				} else if n > 0 {
					return &Error{Line: line, Msg: "unterminated bracket comment"}
				}
				for i < len(s) && s[i] != '\n' {
					i++
				}
			default:
				return nil
			}
		}
		return nil
	}
	for {
		if err := skipSpaceAndComments(); err != nil {
			return cmds, err
		}
		if i >= len(s) {
			return cmds, nil
		}
		start := i
		for i < len(s) && (s[i] == '_' || s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9') {
			i++
		}
		if i == start {
			return cmds, &Error{Line: line, Msg: fmt.Sprintf("expected a command name, got %q", s[i])}
		}
		cmd := CMakeCommand{Name: strings.ToLower(string(s[start:i])), Line: line}
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i >= len(s) || s[i] != '(' {
			return cmds, &Error{Line: line, Msg: fmt.Sprintf("expected '(' after %s", cmd.Name)}
		}
		i++
		depth := 1
		var arg strings.Builder
		inArg := false
		endArg := func() {
			if inArg {
				cmd.Args = append(cmd.Args, arg.String())
				arg.Reset()
				inArg = false
			}
		}
		for depth > 0 {
			if i >= len(s) {
				return cmds, &Error{Line: cmd.Line, Msg: fmt.Sprintf("%s( is never closed", cmd.Name)}
			}
			c := s[i]
			switch {
			case c == '\n':
				endArg()
				line++
				i++
			case c == ' ' || c == '\t' || c == '\r' || c == ';':
				endArg()
				i++
			case c == '#':
				endArg()
				if n, nl, ok := cmakeBracket(s[i+1:]); ok {
					i += 1 + n
					line += nl
					continue
				}
				for i < len(s) && s[i] != '\n' {
					i++
				}
			case c == '(':
				depth++
				arg.WriteByte(c)
				inArg = true
				i++
			case c == ')':
				depth--
				if depth > 0 {
					arg.WriteByte(c)
				}
				i++
			case c == '"':
				startLine := line
				i++
				for i < len(s) && s[i] != '"' {
					if s[i] == '\\' && i+1 < len(s) {
						i++
					}
					if s[i] == '\n' {
						line++
					}
					arg.WriteByte(s[i])
					i++
				}
				if i >= len(s) {
					return cmds, &Error{Line: startLine, Msg: "unterminated quoted argument"}
				}
				i++
				inArg = true
			case c == '[':
				if n, nl, ok := cmakeBracket(s[i:]); ok {
					body := s[i : i+n]
					open := strings.IndexByte(string(body[1:]), '[') + 2
					arg.Write(body[open : len(body)-open])
					i += n
					line += nl
					inArg = true
					continue
				}
				arg.WriteByte(c)
				inArg = true
				i++
			default:
				arg.WriteByte(c)
				inArg = true
				i++
			}
		}
		endArg()
		cmds = append(cmds, cmd)
	}
}

// cmakeBracket measures a bracket argument or comment body [[…]] or
// [==[…]==] at s[0]: its length, newlines, and whether it is one. A bracket
// that opens but never closes returns a positive length and false.
func cmakeBracket(s []byte) (int, int, bool) {
	if len(s) < 2 || s[0] != '[' {
		return 0, 0, false
	}
	eq := 0
	for 1+eq < len(s) && s[1+eq] == '=' {
		eq++
	}
	if 1+eq >= len(s) || s[1+eq] != '[' {
		return 0, 0, false
	}
	closer := "]" + strings.Repeat("=", eq) + "]"
	body := string(s[2+eq:])
	k := strings.Index(body, closer)
	if k < 0 {
		return len(s), 0, false
	}
	n := 2 + eq + k + len(closer)
	return n, strings.Count(string(s[:n]), "\n"), true
}
