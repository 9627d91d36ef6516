package manifest

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// DenoJSON is the part of a deno.json or deno.jsonc Kyozo uses.
type DenoJSON struct {
	Name    string
	Version string
	// Exports are the module files of "exports" (a path, or a map of them).
	Exports []string
	// Tasks maps task names to command lines; Deno 2's object form
	// ({"command": …, "dependencies": […]}) contributes its command.
	Tasks     map[string]string
	Imports   map[string]string
	ImportMap string // "importMap": a separate import map file
	// Workspace are member folders (the array form or {"members": […]}).
	Workspace []string
	// JSXImportSource is compilerOptions.jsxImportSource ("preact" for Fresh).
	JSXImportSource string
	// Lock is the lockfile path ("deno.lock" unless "lock" says otherwise);
	// "" when "lock": false switches it off.
	Lock string
}

type denoJSONWire struct {
	Name            string                     `json:"name"`
	Version         string                     `json:"version"`
	Exports         json.RawMessage            `json:"exports"`
	Tasks           map[string]json.RawMessage `json:"tasks"`
	Imports         map[string]string          `json:"imports"`
	ImportMap       string                     `json:"importMap"`
	Workspace       json.RawMessage            `json:"workspace"`
	Lock            json.RawMessage            `json:"lock"`
	CompilerOptions struct {
		JSXImportSource string `json:"jsxImportSource"`
	} `json:"compilerOptions"`
}

// ParseDenoJSON reads a deno.json or deno.jsonc (comments and trailing
// commas allowed). On a field of the wrong type it returns the rest of the
// configuration with the error.
func ParseDenoJSON(data []byte) (*DenoJSON, error) {
	var w denoJSONWire
	ok, err := jsDecodeJSONC(data, &w)
	if !ok {
		return nil, err
	}
	d := &DenoJSON{
		Name: w.Name, Version: w.Version, Imports: w.Imports, ImportMap: w.ImportMap,
		JSXImportSource: w.CompilerOptions.JSXImportSource, Lock: "deno.lock",
	}
	bad := func(field, want string) {
		if err == nil {
			err = &Error{Line: KeyLine(data, field), Msg: fmt.Sprintf("%q must be %s", field, want)}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(w.Tasks)) {
		raw := w.Tasks[name]
		var s string
		if json.Unmarshal(raw, &s) == nil {
			d.setTask(name, s)
			continue
		}
		var o struct {
			Command string `json:"command"`
		}
		if json.Unmarshal(raw, &o) == nil {
			d.setTask(name, o.Command)
			continue
		}
		bad(name, "a command line or {\"command\": …}")
	}
	if jsPresent(w.Exports) {
		var s string
		var m map[string]string
		switch {
		case json.Unmarshal(w.Exports, &s) == nil:
			d.Exports = []string{s}
		case json.Unmarshal(w.Exports, &m) == nil:
			for _, k := range slices.Sorted(maps.Keys(m)) {
				d.Exports = append(d.Exports, m[k])
			}
		default:
			bad("exports", "a path or an object of paths")
		}
	}
	if jsPresent(w.Workspace) {
		var list []string
		var o struct {
			Members []string `json:"members"`
		}
		switch {
		case json.Unmarshal(w.Workspace, &list) == nil:
			d.Workspace = jsNonEmpty(list)
		case json.Unmarshal(w.Workspace, &o) == nil:
			d.Workspace = jsNonEmpty(o.Members)
		default:
			bad("workspace", "an array of folders")
		}
	}
	if jsPresent(w.Lock) {
		var b bool
		var s string
		var o struct {
			Path string `json:"path"`
		}
		switch {
		case json.Unmarshal(w.Lock, &b) == nil:
			if !b {
				d.Lock = ""
			}
		case json.Unmarshal(w.Lock, &s) == nil && s != "":
			d.Lock = s
		case json.Unmarshal(w.Lock, &o) == nil:
			if o.Path != "" {
				d.Lock = o.Path
			}
		default:
			bad("lock", "true, false, a path or {\"path\": …}")
		}
	}
	return d, err
}

func (d *DenoJSON) setTask(name, cmd string) {
	if d.Tasks == nil {
		d.Tasks = map[string]string{}
	}
	d.Tasks[name] = cmd
}

// ImportNames returns the keys and targets of the import map, sorted: how
// Fresh, Hono or a database driver shows up in a Deno project.
func (d *DenoJSON) ImportNames() []string {
	var out []string
	for k, v := range d.Imports {
		out = append(out, k, v)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
