package manifest

import (
	"bytes"
	"slices"

	"github.com/compose-spec/compose-go/v2/dotenv"
)

// Env is the content of a .env-style file. Values are kept for callers that
// need a non-secret fact from them (a port number, a URL's scheme); nothing
// that prints a topology may print a value.
type Env struct {
	Names  []string // sorted
	Values map[string]string
}

// ParseDotenv reads a .env, .env.example or similar file with compose-go's
// dotenv parser. ${VAR} references are left unexpanded.
func ParseDotenv(data []byte) (*Env, error) {
	vals, err := dotenv.ParseWithLookup(bytes.NewReader(data), func(string) (string, bool) { return "", false })
	if err != nil {
		return nil, &Error{Line: dotenvErrorLine(data, err), Msg: err.Error()}
	}
	env := &Env{Values: vals}
	for k := range vals {
		env.Names = append(env.Names, k)
	}
	slices.Sort(env.Names)
	return env, nil
}

// dotenvErrorLine finds the line compose-go's parser stopped at, which its
// messages quote but do not number.
func dotenvErrorLine(data []byte, err error) int {
	msg := err.Error()
	lines := bytes.Split(data, []byte("\n"))
	for i, l := range lines {
		l = bytes.TrimSpace(l)
		if len(l) > 3 && bytes.Contains([]byte(msg), l) {
			return i + 1
		}
	}
	return 0
}
