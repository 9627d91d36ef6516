package manifest

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// NxJSON is the part of an Nx workspace's nx.json Kyozo uses.
type NxJSON struct {
	// AppsDir and LibsDir are workspaceLayout's folders ("apps", "libs" by
	// default in older Nx; Nx 16+ finds projects anywhere).
	AppsDir string
	LibsDir string
	// Plugins are the names of the plugins that infer targets
	// ("@nx/next/plugin", "@nx/vite/plugin" …).
	Plugins []string
}

// ParseNxJSON reads an nx.json (comments allowed, as Nx allows them).
func ParseNxJSON(data []byte) (*NxJSON, error) {
	var w struct {
		WorkspaceLayout struct {
			AppsDir string `json:"appsDir"`
			LibsDir string `json:"libsDir"`
		} `json:"workspaceLayout"`
		Plugins []json.RawMessage `json:"plugins"`
	}
	ok, err := jsDecodeJSONC(data, &w)
	if !ok {
		return nil, err
	}
	n := &NxJSON{AppsDir: w.WorkspaceLayout.AppsDir, LibsDir: w.WorkspaceLayout.LibsDir}
	for _, raw := range w.Plugins {
		var s string
		var o struct {
			Plugin string `json:"plugin"`
		}
		if json.Unmarshal(raw, &s) == nil && s != "" {
			n.Plugins = append(n.Plugins, s)
		} else if json.Unmarshal(raw, &o) == nil && o.Plugin != "" {
			n.Plugins = append(n.Plugins, o.Plugin)
		}
	}
	return n, err
}

// ProjectJSON is an Nx project.json: a folder Nx treats as a project.
type ProjectJSON struct {
	Name        string
	ProjectType string // "application" or "library"
	SourceRoot  string
	Tags        []string
	Targets     map[string]NxTarget
}

// NxTarget is one target of a project: its executor and the options that
// say where the build goes and what it runs.
type NxTarget struct {
	Executor   string
	OutputPath string // options.outputPath (a string, or {"base": …})
	Main       string // options.main
	Command    string // options.command of nx:run-commands
	// BuildTarget is a serve target's "project:target" it runs.
	BuildTarget string
}

type nxTargetWire struct {
	Executor string `json:"executor"`
	Builder  string `json:"builder"` // Angular's name for executor
	Command  string `json:"command"`
	Options  struct {
		OutputPath  json.RawMessage `json:"outputPath"`
		Main        string          `json:"main"`
		Command     json.RawMessage `json:"command"`
		BuildTarget string          `json:"buildTarget"`
	} `json:"options"`
}

// ParseProjectJSON reads an Nx project.json.
func ParseProjectJSON(data []byte) (*ProjectJSON, error) {
	var w struct {
		Name        string                     `json:"name"`
		ProjectType string                     `json:"projectType"`
		SourceRoot  string                     `json:"sourceRoot"`
		Tags        []string                   `json:"tags"`
		Targets     map[string]json.RawMessage `json:"targets"`
	}
	ok, err := jsDecodeJSONC(data, &w)
	if !ok {
		return nil, err
	}
	p := &ProjectJSON{Name: w.Name, ProjectType: w.ProjectType, SourceRoot: w.SourceRoot, Tags: w.Tags}
	for _, name := range slices.Sorted(maps.Keys(w.Targets)) {
		var t nxTargetWire
		if e := json.Unmarshal(w.Targets[name], &t); e != nil {
			if err == nil {
				err = &Error{Line: KeyLine(data, name), Msg: fmt.Sprintf("target %q must be an object with an executor", name)}
			}
			continue
		}
		nt := NxTarget{Executor: t.Executor, Main: t.Options.Main, Command: t.Command, BuildTarget: t.Options.BuildTarget}
		if nt.Executor == "" {
			nt.Executor = t.Builder
		}
		nt.OutputPath = jsOutputPath(t.Options.OutputPath)
		if nt.Command == "" {
			var s string
			if json.Unmarshal(t.Options.Command, &s) == nil {
				nt.Command = s
			}
		}
		if p.Targets == nil {
			p.Targets = map[string]NxTarget{}
		}
		p.Targets[name] = nt
	}
	return p, err
}

// jsOutputPath reads an outputPath that is a string or {"base": …}.
func jsOutputPath(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var o struct {
		Base string `json:"base"`
	}
	if json.Unmarshal(raw, &o) == nil {
		return o.Base
	}
	return ""
}
