package manifest

import (
	"fmt"
	"slices"
)

// Shard is what Kyozo reads of a Crystal shard.yml.
type Shard struct {
	Name    string
	Version string
	Crystal string // crystal: ">= 1.10.0" (a requirement)
	// Targets maps a binary name to its main file (targets: {app: {main: src/app.cr}}).
	Targets     map[string]string
	TargetNames []string // sorted
	Deps        []string
	DevDeps     []string
}

// ParseShardYML reads a shard.yml.
func ParseShardYML(data []byte) (*Shard, error) {
	var w struct {
		Name    string `yaml:"name"`
		Version any    `yaml:"version"`
		Crystal any    `yaml:"crystal"`
		Targets map[string]struct {
			Main string `yaml:"main"`
		} `yaml:"targets"`
		Deps    map[string]any `yaml:"dependencies"`
		DevDeps map[string]any `yaml:"development_dependencies"`
	}
	if err := DecodeYAML(data, &w); err != nil {
		return nil, err
	}
	s := &Shard{
		Name: w.Name, Version: yamlScalar(w.Version), Crystal: yamlScalar(w.Crystal),
		Targets: map[string]string{},
		Deps:    tailSortedKeys(w.Deps), DevDeps: tailSortedKeys(w.DevDeps),
	}
	for name, t := range w.Targets {
		s.Targets[name] = t.Main
		s.TargetNames = append(s.TargetNames, name)
	}
	slices.Sort(s.TargetNames)
	return s, nil
}

// yamlScalar renders a scalar YAML decoded as any (1.14 decodes as a float,
// "1.14" as a string) as text; other shapes are "".
func yamlScalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int, int64, uint64, float64, bool:
		return fmt.Sprint(x)
	}
	return ""
}
