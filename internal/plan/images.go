package plan

import (
	"maps"
	"strings"
	"unicode"
)

// Images maps a base-image key ("node", "go", "go-runtime", "static" …) to an
// image reference. A reference may hold "{version:D}": it is replaced by the
// service's runtime version, cut to the precision the stack's tags use, or by
// D when the tree pins none. Sites without registry access point the keys at
// their own images.
type Images map[string]string

// familyImages are the defaults of every stack family, merged by DefaultImages.
var familyImages = []Images{
	commonImages,
	nodeImages, denoImages, staticImages,
	pythonImages, rubyImages, phpImages,
	goImages, rustImages, jvmImages, dotnetImages,
	otherImages,
}

// commonImages are used by every stack.
var commonImages = Images{
	// A static busybox whose wget gives HEALTHCHECK an HTTP client in any
	// runtime image, distroless and scratch included.
	"healthcheck": "busybox:{version:1.37}-musl",
}

// DefaultImages returns the official images Kyozo builds from by default.
func DefaultImages() Images {
	out := Images{}
	for _, m := range familyImages {
		maps.Copy(out, m)
	}
	return out
}

// With returns the images with overrides applied.
func (im Images) With(overrides map[string]string) Images {
	out := maps.Clone(im)
	maps.Copy(out, overrides)
	return out
}

// Ref resolves key with version ("" for the default). An unknown key is
// returned as "" so a generator can fail with a clear error.
func (im Images) Ref(key, version string) string {
	ref, ok := im[key]
	if !ok {
		return ""
	}
	return ExpandVersion(ref, version)
}

// ExpandVersion replaces "{version:D}" in ref with version, or D when version is "".
func ExpandVersion(ref, version string) string {
	i := strings.Index(ref, "{version")
	if i < 0 {
		return ref
	}
	j := strings.IndexByte(ref[i:], '}')
	if j < 0 {
		return ref
	}
	def := ""
	if k := strings.IndexByte(ref[i:i+j], ':'); k >= 0 {
		def = ref[i+k+1 : i+j]
	}
	if version == "" || !safeTag(version) {
		version = def
	}
	return ref[:i] + version + ref[i+j+1:]
}

// safeTag reports whether a version may go into an image tag.
func safeTag(s string) bool {
	for _, c := range s {
		if !(c == '.' || c == '-' || c == '_' || unicode.IsLetter(c) && c < 128 || unicode.IsDigit(c) && c < 128) {
			return false
		}
	}
	return len(s) <= 64
}

// VersionPrefix extracts the first version number in raw (">=20.3",
// "^3.12.1", "python-3.11.4", "net8.0", "~> 1.15", "v1.22.0") and keeps its
// first parts components: VersionPrefix(">=20.3", 1) is "20". It returns ""
// when raw holds no number.
func VersionPrefix(raw string, parts int) string {
	start := strings.IndexFunc(raw, func(r rune) bool { return r >= '0' && r <= '9' })
	if start < 0 {
		return ""
	}
	s := raw[start:]
	end := 0
	n := 1
	for end < len(s) {
		c := s[end]
		if c == '.' {
			if n == parts || end+1 >= len(s) || s[end+1] < '0' || s[end+1] > '9' {
				break
			}
			n++
		} else if c < '0' || c > '9' {
			break
		}
		end++
	}
	return s[:end]
}
