package manifest

import (
	"encoding/json"
	"maps"
	"slices"
)

// TurboJSON is a Turborepo turbo.json: the tasks it knows and where their
// output goes. Members come from the package manager's workspaces, not from
// here; the file says that `turbo run build` builds a member and the
// members it depends on.
type TurboJSON struct {
	Tasks map[string]TurboTask
}

// TurboTask is one task of turbo.json.
type TurboTask struct {
	DependsOn  []string
	Outputs    []string
	Persistent bool
}

// ParseTurboJSON reads a turbo.json (2.x "tasks" or 1.x "pipeline";
// comments allowed, as turbo allows them).
func ParseTurboJSON(data []byte) (*TurboJSON, error) {
	var w struct {
		Tasks    map[string]json.RawMessage `json:"tasks"`
		Pipeline map[string]json.RawMessage `json:"pipeline"`
	}
	ok, err := jsDecodeJSONC(data, &w)
	if !ok {
		return nil, err
	}
	t := &TurboJSON{Tasks: map[string]TurboTask{}}
	for _, m := range []map[string]json.RawMessage{w.Pipeline, w.Tasks} {
		for _, name := range slices.Sorted(maps.Keys(m)) {
			var tw struct {
				DependsOn  []string `json:"dependsOn"`
				Outputs    []string `json:"outputs"`
				Persistent bool     `json:"persistent"`
			}
			// A task of the wrong shape is kept by name: it still exists.
			_ = json.Unmarshal(m[name], &tw)
			t.Tasks[name] = TurboTask{DependsOn: tw.DependsOn, Outputs: tw.Outputs, Persistent: tw.Persistent}
		}
	}
	return t, err
}

// HasTask reports whether turbo.json defines the task, by itself or for one
// package ("web#build").
func (t *TurboJSON) HasTask(name string) bool {
	if _, ok := t.Tasks[name]; ok {
		return true
	}
	for k := range t.Tasks {
		if i := len(k) - len(name) - 1; i > 0 && k[i] == '#' && k[i+1:] == name {
			return true
		}
	}
	return false
}
