// JSON helpers of the JavaScript family's parsers (package.json, deno.json,
// angular.json, Nx's files, turbo.json, tsconfig.json, lerna.json): reading
// as leniently as the tools themselves do, and telling absent values from
// present ones.

package manifest

import (
	"encoding/json"
	"strings"
)

// jsDecodeJSONC decodes a file the JavaScript tools read with comments and
// trailing commas allowed, after dropping a byte order mark. ok is false
// only on a syntax error, when nothing could be read; a field of the wrong
// type leaves every other field decoded, and err says which.
func jsDecodeJSONC(data []byte, v any) (ok bool, err error) {
	data = jsStripBOM(data)
	err = DecodeJSONC(data, v)
	return err == nil || json.Valid(StripJSONC(data)), err
}

// jsStripBOM drops a UTF-8 byte order mark, as npm and Node do before
// parsing.
func jsStripBOM(data []byte) []byte {
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		return data[3:]
	}
	return data
}

// jsPresent reports whether a raw JSON value is there and not null.
func jsPresent(raw json.RawMessage) bool {
	return len(raw) > 0 && string(raw) != "null"
}

// jsDecodeLoose decodes raw into v; an absent or null value decodes to nothing
// and counts as success.
func jsDecodeLoose(raw json.RawMessage, v any) bool {
	if !jsPresent(raw) {
		return true
	}
	return json.Unmarshal(raw, v) == nil
}

// jsTruthy reports whether a JSON value is present and not false, null or "".
func jsTruthy(raw json.RawMessage) bool {
	switch string(raw) {
	case "", "null", "false", `""`:
		return false
	}
	return true
}

// jsNonEmpty returns the entries of list trimmed, without the empty ones.
func jsNonEmpty(list []string) []string {
	var out []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
