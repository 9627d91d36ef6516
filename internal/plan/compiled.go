// Helpers the compiled-language generators (Go, Rust, JVM, .NET) share:
// checks on the names and folders a detector found before they go into a
// Dockerfile, image version arithmetic, and the framework's port variable.

package plan

import (
	"errors"
	"path"
	"strconv"
	"strings"
)

var errNoTarget = errors.New("the detector named no build target")

// compiledSafeName accepts a file name made of letters, digits, '.', '-'
// and '_' that does not start with '.' or '-'.
func compiledSafeName(s string) bool {
	if s == "" || len(s) > 128 || s[0] == '.' || s[0] == '-' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// compiledRelDir accepts a clean relative folder inside the build context
// ("." included): no "..", no absolute path, no segment starting with '-',
// no control characters.
func compiledRelDir(p string) bool {
	if p == "." {
		return true
	}
	if p == "" || len(p) > 512 || strings.HasPrefix(p, "/") || path.Clean(p) != p {
		return false
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." || strings.HasPrefix(seg, "-") {
			return false
		}
	}
	for _, c := range p {
		if c < 0x20 || c == 0x7f || c == '\\' {
			return false
		}
	}
	return true
}

// compiledDefaultVersion returns the D of an image reference's
// "{version:D}", or "".
func compiledDefaultVersion(ref string) string {
	i := strings.Index(ref, "{version:")
	if i < 0 {
		return ""
	}
	j := strings.IndexByte(ref[i:], '}')
	if j < 0 {
		return ""
	}
	return ref[i+len("{version:") : i+j]
}

// compiledVersionLess compares dotted version numbers numerically.
func compiledVersionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}

// compiledPortEnv sets a framework's port variable to the service's port,
// so the server listens where Kyozo routes whatever its own default.
func compiledPortEnv(g *Gen, name string) {
	if name == "" || g.S.Port <= 0 || g.S.Kind != "web" {
		return
	}
	if !ValidEnvName(name) {
		return
	}
	g.D.Env(name, strconv.Itoa(g.S.Port))
}
