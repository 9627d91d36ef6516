package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/kyozo/kyozo/internal/lazyre"
	toml "github.com/pelletier/go-toml/v2"
	yaml "go.yaml.in/yaml/v4"
)

// DecodeJSON decodes data into v; a syntax or type error names its line.
func DecodeJSON(data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return jsonError(data, err)
	}
	return nil
}

// DecodeJSONC decodes JSON with comments and trailing commas (deno.jsonc,
// tsconfig.json, project.json); lines in errors are the original lines
// because comments are blanked, not removed.
func DecodeJSONC(data []byte, v any) error {
	return DecodeJSON(StripJSONC(data), v)
}

// StripJSONC blanks // and /* */ comments and trailing commas outside
// strings, keeping every newline so offsets map to the same lines.
func StripJSONC(data []byte) []byte {
	out := bytes.Clone(data)
	inStr := false
	for i := 0; i < len(out); i++ {
		c := out[i]
		switch {
		case inStr:
			if c == '\\' {
				i++
			} else if c == '"' {
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '/' && i+1 < len(out) && out[i+1] == '/':
			for ; i < len(out) && out[i] != '\n'; i++ {
				out[i] = ' '
			}
		case c == '/' && i+1 < len(out) && out[i+1] == '*':
			out[i], out[i+1] = ' ', ' '
			for i += 2; i < len(out); i++ {
				if out[i] == '*' && i+1 < len(out) && out[i+1] == '/' {
					out[i], out[i+1] = ' ', ' '
					i++
					break
				}
				if out[i] != '\n' {
					out[i] = ' '
				}
			}
		case c == ',':
			j := i + 1
			for j < len(out) && (out[j] == ' ' || out[j] == '\t' || out[j] == '\n' || out[j] == '\r') {
				j++
			}
			if j < len(out) && (out[j] == '}' || out[j] == ']') {
				out[i] = ' '
			}
		}
	}
	return out
}

// DecodeTOML decodes data into v; an error names its line.
func DecodeTOML(data []byte, v any) error {
	if err := toml.Unmarshal(data, v); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, _ := de.Position()
			return &Error{Line: row, Msg: de.Error()}
		}
		var se *toml.StrictMissingError
		if errors.As(err, &se) {
			return &Error{Msg: se.Error()}
		}
		return &Error{Msg: err.Error()}
	}
	return nil
}

var yamlLine = lazyre.New(`line (\d+)`)

// DecodeYAML decodes data into v; an error names its line.
func DecodeYAML(data []byte, v any) error {
	if err := yaml.Unmarshal(data, v); err != nil {
		return yamlError(err)
	}
	return nil
}

func yamlError(err error) error {
	msg := err.Error()
	line := 0
	// The last line a message names is where the parser stopped.
	if ms := yamlLine.Re().FindAllStringSubmatch(msg, -1); ms != nil {
		line, _ = strconv.Atoi(ms[len(ms)-1][1])
	}
	return &Error{Line: line, Msg: msg}
}
