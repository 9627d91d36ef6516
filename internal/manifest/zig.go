package manifest

import (
	"fmt"
	"strings"
)

// ZigPackage is what Kyozo reads of a build.zig.zon.
type ZigPackage struct {
	Name              string // .name = "app" (0.13) or .name = .app (0.14)
	Version           string
	MinimumZigVersion string
	Deps              []string // keys of .dependencies, sorted
	// LocalPaths are the .path values of path dependencies.
	LocalPaths []string
}

// ParseZigZon reads a build.zig.zon: a Zig anonymous struct literal
// `.{ .field = value, … }`. Malformed input fails with the line.
func ParseZigZon(data []byte) (*ZigPackage, error) {
	toks, err := lexC(data, false)
	if err != nil {
		return nil, err
	}
	z := &zonParser{toks: toks}
	v, err := z.value(0)
	if err != nil {
		return nil, err
	}
	if z.i < len(toks) {
		return nil, &Error{Line: toks[z.i].line, Msg: fmt.Sprintf("unexpected %q after the package", toks[z.i].text)}
	}
	root, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{Line: 1, Msg: "build.zig.zon must hold a struct literal .{ … }"}
	}
	p := &ZigPackage{
		Name:              zonText(root["name"]),
		Version:           zonText(root["version"]),
		MinimumZigVersion: zonText(root["minimum_zig_version"]),
	}
	if deps, ok := root["dependencies"].(map[string]any); ok {
		p.Deps = tailSortedKeys(deps)
		for _, name := range p.Deps {
			if d, ok := deps[name].(map[string]any); ok {
				if lp := zonText(d["path"]); lp != "" {
					p.LocalPaths = append(p.LocalPaths, lp)
				}
			}
		}
	}
	return p, nil
}

// zonEnum is an enum literal value (.app).
type zonEnum string

func zonText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case zonEnum:
		return string(x)
	}
	return ""
}

type zonParser struct {
	toks []cTok
	i    int
}

// zonMaxDepth bounds nesting so hostile input cannot exhaust the stack.
const zonMaxDepth = 64

func (z *zonParser) peek() *cTok {
	if z.i < len(z.toks) {
		return &z.toks[z.i]
	}
	return nil
}

func (z *zonParser) fail(msg string) error {
	line := 0
	if t := z.peek(); t != nil {
		line = t.line
	} else if len(z.toks) > 0 {
		line = z.toks[len(z.toks)-1].line
	}
	return &Error{Line: line, Msg: msg}
}

// value parses one ZON value: .{…} (struct or tuple), .name (enum),
// "string", \\ lines, a number, true/false/null, or @"quoted" identifiers.
func (z *zonParser) value(depth int) (any, error) {
	if depth > zonMaxDepth {
		return nil, z.fail("nested too deeply")
	}
	t := z.peek()
	if t == nil {
		return nil, z.fail("unexpected end of file")
	}
	switch t.kind {
	case 's':
		// Consecutive \\ lines form one string.
		var b strings.Builder
		b.WriteString(t.text)
		z.i++
		for n := z.peek(); n != nil && n.kind == 's' && n.line == t.line+1; n = z.peek() {
			b.WriteByte('\n')
			b.WriteString(n.text)
			t = n
			z.i++
		}
		return b.String(), nil
	case 'n', 'i':
		z.i++
		return t.text, nil
	case '-':
		z.i++
		return z.value(depth + 1)
	case '.':
		z.i++
		n := z.peek()
		if n == nil {
			return nil, z.fail("unexpected end of file after '.'")
		}
		if n.kind == 'i' {
			z.i++
			return zonEnum(n.text), nil
		}
		if n.kind == '{' {
			return z.container(depth)
		}
		return nil, z.fail(fmt.Sprintf("unexpected %q after '.'", n.text))
	}
	return nil, z.fail(fmt.Sprintf("unexpected %q", t.text))
}

// container parses .{ .a = x, … } into a map or .{ x, y } into a list.
func (z *zonParser) container(depth int) (any, error) {
	z.i++ // {
	fields := map[string]any{}
	var items []any
	isStruct := false
	for {
		t := z.peek()
		if t == nil {
			return nil, z.fail("unexpected end of file in .{")
		}
		if t.kind == '}' {
			z.i++
			if isStruct {
				return fields, nil
			}
			if items == nil {
				return fields, nil // .{} is an empty struct as much as a tuple
			}
			return items, nil
		}
		// A field: . name = value, or . @"quoted name" = value.
		if t.kind == '.' && z.i+2 < len(z.toks) && (z.toks[z.i+1].kind == 'i' && z.toks[z.i+2].kind == '=' ||
			z.toks[z.i+1].kind == '@' && z.i+3 < len(z.toks) && z.toks[z.i+2].kind == 's' && z.toks[z.i+3].kind == '=') {
			var name string
			if z.toks[z.i+1].kind == 'i' {
				name = z.toks[z.i+1].text
				z.i += 3
			} else {
				name = z.toks[z.i+2].text
				z.i += 4
			}
			v, err := z.value(depth + 1)
			if err != nil {
				return nil, err
			}
			fields[name] = v
			isStruct = true
		} else {
			if isStruct {
				return nil, z.fail("expected .field = value")
			}
			v, err := z.value(depth + 1)
			if err != nil {
				return nil, err
			}
			items = append(items, v)
		}
		if n := z.peek(); n != nil && n.kind == ',' {
			z.i++
		} else if n == nil || n.kind != '}' {
			return nil, z.fail("expected ',' or '}'")
		}
	}
}

// ZigBuild is what Kyozo reads of a build.zig: the artifacts it adds and the
// packages it takes from build.zig.zon. build.zig is Zig code, scanned for
// b.addExecutable(.{ .name = "app" … }) and b.dependency("httpz", …).
type ZigBuild struct {
	Executables []string
	Libraries   []string
	Deps        []string
}

// ParseBuildZig scans a build.zig; it fails with the line on input that does
// not tokenise, returning what it found before.
func ParseBuildZig(data []byte) (*ZigBuild, error) {
	b := &ZigBuild{}
	toks, err := lexC(data, false)
	for i := 0; i+2 < len(toks); i++ {
		if toks[i].kind != 'i' || toks[i+1].kind != '(' {
			continue
		}
		switch toks[i].text {
		case "addExecutable", "addStaticLibrary", "addSharedLibrary", "addLibrary":
			name := zigNameField(toks, i+1)
			if name == "" {
				continue
			}
			if toks[i].text == "addExecutable" {
				b.Executables = append(b.Executables, name)
			} else {
				b.Libraries = append(b.Libraries, name)
			}
		case "dependency":
			if toks[i+2].kind == 's' {
				b.Deps = append(b.Deps, toks[i+2].text)
			}
		}
	}
	return b, err
}

// zigNameField finds `.name = "x"` inside the call opening at toks[open].
func zigNameField(toks []cTok, open int) string {
	end := cCallEnd(toks, open)
	for j := open + 1; j+3 < len(toks) && j < end; j = cNext(toks, j) {
		if toks[j].kind == '{' && j+1 < len(toks) && toks[j+1].kind != '}' {
			// The call's .{ … } options: look inside this one group.
			if name := zigNameField(toks, j); name != "" {
				return name
			}
			continue
		}
		if toks[j].kind == '.' && toks[j+1].kind == 'i' && toks[j+1].text == "name" && toks[j+2].kind == '=' && toks[j+3].kind == 's' {
			return toks[j+3].text
		}
	}
	return ""
}
