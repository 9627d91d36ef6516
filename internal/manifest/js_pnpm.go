package manifest

import "strings"

// PnpmWorkspace is a pnpm-workspace.yaml: the member globs of a pnpm
// workspace ("!" globs exclude).
type PnpmWorkspace struct {
	Packages []string
}

// ParsePnpmWorkspace reads a pnpm-workspace.yaml. An empty file is a valid
// workspace with no members besides the root.
func ParsePnpmWorkspace(data []byte) (*PnpmWorkspace, error) {
	var w struct {
		Packages any `yaml:"packages"`
	}
	if err := jsDecodeYAML(data, &w); err != nil {
		return nil, err
	}
	list, ok := jsYAMLStrings(w.Packages)
	if !ok {
		return &PnpmWorkspace{}, &Error{Line: jsYAMLKeyLine(data, "packages"), Msg: `"packages" must be a list of globs`}
	}
	return &PnpmWorkspace{Packages: list}, nil
}

// jsYAMLKeyLine returns the line of the first top-level `key:` in a YAML
// document, or 0.
func jsYAMLKeyLine(data []byte, key string) int {
	for i, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, key+":") {
			return i + 1
		}
	}
	return 0
}
