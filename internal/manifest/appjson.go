package manifest

import (
	"encoding/json"
	"slices"
	"strings"
)

// AppJSON is the part of Heroku's and Dokku's app.json Kyozo uses.
type AppJSON struct {
	Name         string
	Env          []string // variable names
	Addons       []string // plan names such as "heroku-postgresql"
	Formation    map[string]int
	Healthchecks map[string][]AppHealthcheck
	Predeploy    string
	Postdeploy   string
	Buildpacks   []string
}

// AppHealthcheck is one entry of app.json's healthchecks (Dokku's form).
type AppHealthcheck struct {
	Type string `json:"type"`
	Path string `json:"path"`
	Port int    `json:"port"`
}

type appJSONWire struct {
	Name         string                            `json:"name"`
	Env          map[string]json.RawMessage        `json:"env"`
	Addons       []json.RawMessage                 `json:"addons"`
	Formation    map[string]struct{ Quantity int } `json:"formation"`
	Healthchecks map[string][]AppHealthcheck       `json:"healthchecks"`
	Scripts      struct {
		Postdeploy json.RawMessage `json:"postdeploy"`
		Dokku      struct {
			Predeploy  string `json:"predeploy"`
			Postdeploy string `json:"postdeploy"`
		} `json:"dokku"`
	} `json:"scripts"`
	Buildpacks []struct {
		URL string `json:"url"`
	} `json:"buildpacks"`
}

// ParseAppJSON reads an app.json.
func ParseAppJSON(data []byte) (*AppJSON, error) {
	var w appJSONWire
	if err := DecodeJSON(data, &w); err != nil {
		return nil, err
	}
	a := &AppJSON{Name: w.Name, Healthchecks: w.Healthchecks, Predeploy: w.Scripts.Dokku.Predeploy}
	for k := range w.Env {
		a.Env = append(a.Env, k)
	}
	slices.Sort(a.Env)
	for _, raw := range w.Addons {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			a.Addons = append(a.Addons, addonPlan(s))
			continue
		}
		var o struct {
			Plan string `json:"plan"`
		}
		if json.Unmarshal(raw, &o) == nil && o.Plan != "" {
			a.Addons = append(a.Addons, addonPlan(o.Plan))
		}
	}
	if len(w.Formation) > 0 {
		a.Formation = map[string]int{}
		for k, v := range w.Formation {
			a.Formation[k] = v.Quantity
		}
	}
	var post string
	if json.Unmarshal(w.Scripts.Postdeploy, &post) == nil {
		a.Postdeploy = post
	}
	if a.Postdeploy == "" {
		a.Postdeploy = w.Scripts.Dokku.Postdeploy
	}
	for _, b := range w.Buildpacks {
		a.Buildpacks = append(a.Buildpacks, b.URL)
	}
	return a, nil
}

// addonPlan drops the ":tier" of "heroku-postgresql:mini".
func addonPlan(s string) string {
	plan, _, _ := strings.Cut(s, ":")
	return strings.TrimSpace(plan)
}
