package manifest

import (
	"encoding/json"
	"maps"
	"slices"
)

// AngularJSON is the part of an angular.json Kyozo uses: the application
// projects and how each is built.
type AngularJSON struct {
	// Apps are the application projects, the default project first.
	Apps []AngularApp
}

// AngularApp is one application project of angular.json.
type AngularApp struct {
	Name    string
	Root    string
	Builder string // the build target's builder
	// OutputPath is options.outputPath (or its "base"); "" means the
	// builder's default, dist/<name>.
	OutputPath string
	// Browser is outputPath.browser when outputPath is an object; nil when
	// unset (the application builder's default is "browser").
	Browser *string
	// SSR is set when the build renders on a server (options.ssr or
	// options.server), so the product is a Node server, not files.
	SSR bool
}

type angularTargetWire struct {
	Builder string `json:"builder"`
	Options struct {
		OutputPath json.RawMessage `json:"outputPath"`
		SSR        json.RawMessage `json:"ssr"`
		Server     json.RawMessage `json:"server"`
	} `json:"options"`
}

// ParseAngularJSON reads an angular.json (comments allowed, as the Angular
// CLI allows them).
func ParseAngularJSON(data []byte) (*AngularJSON, error) {
	var w struct {
		DefaultProject string `json:"defaultProject"`
		Projects       map[string]struct {
			ProjectType string                       `json:"projectType"`
			Root        string                       `json:"root"`
			Architect   map[string]angularTargetWire `json:"architect"`
			Targets     map[string]angularTargetWire `json:"targets"`
		} `json:"projects"`
	}
	ok, err := jsDecodeJSONC(data, &w)
	if !ok {
		return nil, err
	}
	a := &AngularJSON{}
	for _, name := range slices.Sorted(maps.Keys(w.Projects)) {
		p := w.Projects[name]
		if p.ProjectType != "" && p.ProjectType != "application" {
			continue
		}
		targets := p.Architect
		if targets == nil {
			targets = p.Targets
		}
		b := targets["build"]
		app := AngularApp{Name: name, Root: p.Root, Builder: b.Builder}
		var s string
		var o struct {
			Base    string  `json:"base"`
			Browser *string `json:"browser"`
		}
		if json.Unmarshal(b.Options.OutputPath, &s) == nil {
			app.OutputPath = s
		} else if json.Unmarshal(b.Options.OutputPath, &o) == nil {
			app.OutputPath, app.Browser = o.Base, o.Browser
		}
		app.SSR = jsTruthy(b.Options.SSR) || jsTruthy(b.Options.Server)
		if name == w.DefaultProject {
			a.Apps = append([]AngularApp{app}, a.Apps...)
		} else {
			a.Apps = append(a.Apps, app)
		}
	}
	return a, err
}
