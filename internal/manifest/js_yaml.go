package manifest

import "fmt"

// jsDecodeYAML is DecodeYAML for the JavaScript family's YAML files
// (pnpm-workspace.yaml, .yarnrc.yml, moon's workspace.yml): a panic deep in
// the YAML library on hostile input becomes an *Error, because a parser
// must never take the analysis down.
func jsDecodeYAML(data []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &Error{Msg: fmt.Sprintf("unreadable YAML: %v", r)}
		}
	}()
	return DecodeYAML(data, v)
}

// jsYAMLStrings turns a YAML value that should be a list of strings into one,
// dropping entries of other types; ok is false when the value is neither a
// list nor absent.
func jsYAMLStrings(v any) (out []string, ok bool) {
	switch t := v.(type) {
	case nil:
		return nil, true
	case []any:
		for _, e := range t {
			if s, isStr := e.(string); isStr && s != "" {
				out = append(out, s)
			}
		}
		return out, true
	case string:
		if t != "" {
			return []string{t}, true
		}
		return nil, true
	}
	return nil, false
}
