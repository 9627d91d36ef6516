package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Composer is the part of a composer.json Kyozo uses.
type Composer struct {
	Name string
	Type string // "project", "library" …
	// Require and RequireDev map package → constraint, platform packages
	// (php, ext-*, lib-*) included, as written.
	Require    map[string]string
	RequireDev map[string]string
	PHP        string // require.php: ">=8.2", "^8.3"
	// PlatformPHP is config.platform.php, the version Composer resolves
	// for: an exact version, so it wins over require.php.
	PlatformPHP string
	// Extensions are the PHP extensions require asks for, without "ext-".
	Extensions []string
	// PathRepos are the urls of repositories of type "path" (local packages).
	PathRepos []string
	Scripts   []string // script names
}

// Deps returns the required packages other than platform ones, lower case
// and sorted (Composer names are case-insensitive).
func (c *Composer) Deps() []string {
	var out []string
	for k := range c.Require {
		k = strings.ToLower(k)
		if isPlatformPackage(k) || slices.Contains(out, k) {
			continue
		}
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Requires reports whether require names the package.
func (c *Composer) Requires(pkg string) bool {
	for k := range c.Require {
		if strings.EqualFold(k, pkg) {
			return true
		}
	}
	return false
}

func isPlatformPackage(k string) bool {
	return k == "php" || k == "php-64bit" || k == "hhvm" || k == "composer" || k == "composer-plugin-api" ||
		k == "composer-runtime-api" || strings.HasPrefix(k, "ext-") || strings.HasPrefix(k, "lib-")
}

type composerWire struct {
	Name         string          `json:"name"`
	Type         string          `json:"type"`
	Require      json.RawMessage `json:"require"`
	RequireDev   json.RawMessage `json:"require-dev"`
	Repositories json.RawMessage `json:"repositories"`
	Config       struct {
		Platform map[string]json.RawMessage `json:"platform"`
	} `json:"config"`
	Scripts json.RawMessage `json:"scripts"`
}

// ParseComposer reads a composer.json.
func ParseComposer(data []byte) (*Composer, error) {
	var w composerWire
	if err := DecodeJSON(data, &w); err != nil {
		return nil, err
	}
	c := &Composer{Name: w.Name, Type: w.Type}
	var err error
	if c.Require, err = composerLinks(data, "require", w.Require); err != nil {
		return nil, err
	}
	if c.RequireDev, err = composerLinks(data, "require-dev", w.RequireDev); err != nil {
		return nil, err
	}
	for k, v := range c.Require {
		lk := strings.ToLower(k)
		switch {
		case lk == "php":
			c.PHP = v
		case strings.HasPrefix(lk, "ext-"):
			c.Extensions = append(c.Extensions, lk[len("ext-"):])
		}
	}
	slices.Sort(c.Extensions)
	if raw, ok := w.Config.Platform["php"]; ok {
		// false removes the platform entry; only a string is a version.
		var s string
		if json.Unmarshal(raw, &s) == nil {
			c.PlatformPHP = s
		}
	}
	if c.PathRepos, err = composerPathRepos(data, w.Repositories); err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(w.Scripts)) > 0 {
		var scripts map[string]json.RawMessage
		if json.Unmarshal(w.Scripts, &scripts) == nil {
			c.Scripts = pyKeys(scripts)
		}
	}
	return c, nil
}

// composerLinks reads require or require-dev: an object of constraints, or
// the empty array PHP's json_encode writes for an empty one.
func composerLinks(data []byte, field string, raw json.RawMessage) (map[string]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" || string(raw) == "[]" {
		return map[string]string{}, nil
	}
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, &Error{Line: pyTextLine(data, `"`+field+`"`), Msg: fmt.Sprintf("%q must be an object of package constraints", field)}
	}
	return m, nil
}

// composerPathRepos returns the urls of "path" repositories; repositories
// may be a list or an object keyed by name.
func composerPathRepos(data []byte, raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	type repo struct {
		Type string `json:"type"`
		URL  string `json:"url"`
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return nil, &Error{Line: pyTextLine(data, `"repositories"`), Msg: `"repositories" must be a list or an object`}
		}
		for _, k := range pyKeys(obj) {
			list = append(list, obj[k])
		}
	}
	var out []string
	for _, e := range list {
		var r repo
		// Entries such as {"packagist.org": false} are not repositories.
		if json.Unmarshal(e, &r) == nil && r.Type == "path" && r.URL != "" {
			out = append(out, r.URL)
		}
	}
	return out, nil
}
