package manifest

import "encoding/json"

// LernaJSON is a lerna.json: member globs of a Lerna monorepo that does not
// use the package manager's workspaces.
type LernaJSON struct {
	Packages  []string
	NpmClient string // npm, yarn or pnpm
}

// ParseLernaJSON reads a lerna.json.
func ParseLernaJSON(data []byte) (*LernaJSON, error) {
	data = jsStripBOM(data)
	var w struct {
		Packages  []string `json:"packages"`
		NpmClient string   `json:"npmClient"`
	}
	err := DecodeJSON(data, &w)
	if err != nil && !json.Valid(data) {
		return nil, err
	}
	return &LernaJSON{Packages: jsNonEmpty(w.Packages), NpmClient: w.NpmClient}, err
}
