package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Error is a malformed manifest. Line is 1-based; 0 when the parser could
// not tell.
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// LineOf returns the 1-based line of a byte offset in data.
func LineOf(data []byte, offset int64) int {
	if offset < 0 {
		return 0
	}
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

// jsonError turns encoding/json's errors into an *Error with a line.
func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return &Error{Line: LineOf(data, syn.Offset), Msg: syn.Error()}
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		msg := fmt.Sprintf("%s must be %s, not %s", fieldName(typ.Field), typ.Type, typ.Value)
		return &Error{Line: LineOf(data, typ.Offset), Msg: msg}
	}
	return &Error{Msg: err.Error()}
}

func fieldName(f string) string {
	if f == "" {
		return "value"
	}
	return fmt.Sprintf("%q", f)
}

// ErrorLine returns the line an error names, or 0.
func ErrorLine(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Line
	}
	return 0
}
