package manifest

import (
	"fmt"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/interpolation"
	"github.com/compose-spec/compose-go/v2/transform"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/go-viper/mapstructure/v2"
	yaml "go.yaml.in/yaml/v4"
)

// Compose is what Kyozo reads from a compose file.
type Compose struct {
	Services []ComposeService // sorted by name
}

// ComposeService is one service of a compose file.
type ComposeService struct {
	Name       string
	Image      string
	Context    string // build context relative to the compose file's folder, "" without build
	Dockerfile string // relative to Context
	Ports      []int  // container ports, from ports and expose
	Env        map[string]string
	EnvFiles   []string
	DependsOn  []string
	Healthy    []string // depends_on entries with condition service_healthy
	Health     []string // healthcheck test
	Command    []string
	Restart    string
	Volumes    []ComposeVolume
	Profiles   []string
}

// ComposeVolume is a volume mount of a service.
type ComposeVolume struct {
	Type   string // "volume", "bind", "tmpfs"
	Source string
	Target string
}

// ParseCompose reads a compose file with compose-go's interpolation,
// canonical-form transform and types. compose-go's loader is not used: it
// imports a JSON-schema package whose start-up compiles every draft's
// meta-schema (4 ms of every `kyozo` process, measured), and it resolves
// includes and env files from disk, which a pushed tree must not do.
// ${VAR:-default} takes its default; unset variables are empty.
func ParseCompose(data []byte) (*Compose, error) {
	var raw any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, yamlError(err)
	}
	if raw == nil {
		return &Compose{}, nil
	}
	conv, err := stringKeys(raw, "")
	if err != nil {
		return nil, &Error{Msg: err.Error()}
	}
	dict, ok := conv.(map[string]any)
	if !ok {
		return nil, &Error{Line: 1, Msg: "top-level must be a mapping"}
	}
	noEnv := func(string) (string, bool) { return "", false }
	dict, err = interpolation.Interpolate(dict, interpolation.Options{LookupValue: noEnv})
	if err != nil {
		return nil, &Error{Msg: err.Error()}
	}
	rawServices, _ := dict["services"].(map[string]any)
	if dict["services"] != nil && rawServices == nil {
		return nil, &Error{Line: keyLine(data, "services"), Msg: "services must be a mapping"}
	}
	dict, err = canonical(dict)
	if err != nil {
		return nil, &Error{Msg: err.Error()}
	}
	services, _ := dict["services"].(map[string]any)
	c := &Compose{}
	names := make([]string, 0, len(services))
	for name := range services {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		var sc types.ServiceConfig
		m, ok := services[name].(map[string]any)
		if !ok {
			if services[name] == nil {
				m = map[string]any{}
			} else {
				return c, &Error{Line: keyLine(data, name), Msg: fmt.Sprintf("service %q must be a mapping", name)}
			}
		}
		if err := decodeCompose(m, &sc); err != nil {
			return c, &Error{Line: keyLine(data, name), Msg: fmt.Sprintf("service %q: %v", name, err)}
		}
		c.Services = append(c.Services, composeService(name, &sc))
	}
	return c, nil
}

func canonical(dict map[string]any) (out map[string]any, err error) {
	// transform has panicked on odd shapes in the past; a pushed tree must
	// never take the worker down.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("unsupported compose structure: %v", r)
		}
	}()
	return transform.Canonical(dict, false)
}

func composeService(name string, sc *types.ServiceConfig) ComposeService {
	s := ComposeService{Name: name, Image: sc.Image, Restart: sc.Restart, Profiles: sc.Profiles}
	if sc.Build != nil {
		s.Context = cleanRel(sc.Build.Context)
		if s.Context == "" {
			s.Context = "."
		}
		s.Dockerfile = sc.Build.Dockerfile
	}
	for _, p := range sc.Ports {
		if p.Target > 0 {
			s.Ports = appendUniqueInt(s.Ports, int(p.Target))
		}
	}
	for _, e := range sc.Expose {
		lo, _, _ := strings.Cut(strings.TrimSuffix(strings.TrimSuffix(e, "/tcp"), "/udp"), "-")
		if n, err := strconv.Atoi(lo); err == nil && n > 0 && n < 65536 {
			s.Ports = appendUniqueInt(s.Ports, n)
		}
	}
	if len(sc.Environment) > 0 {
		s.Env = map[string]string{}
		for k, v := range sc.Environment {
			if v != nil {
				s.Env[k] = *v
			} else {
				s.Env[k] = ""
			}
		}
	}
	for _, f := range sc.EnvFiles {
		s.EnvFiles = append(s.EnvFiles, cleanRel(f.Path))
	}
	for dep, d := range sc.DependsOn {
		s.DependsOn = append(s.DependsOn, dep)
		if d.Condition == types.ServiceConditionHealthy {
			s.Healthy = append(s.Healthy, dep)
		}
	}
	slices.Sort(s.DependsOn)
	slices.Sort(s.Healthy)
	if sc.HealthCheck != nil && !sc.HealthCheck.Disable {
		s.Health = sc.HealthCheck.Test
	}
	s.Command = sc.Command
	for _, v := range sc.Volumes {
		s.Volumes = append(s.Volumes, ComposeVolume{Type: v.Type, Source: v.Source, Target: v.Target})
	}
	return s
}

// cleanRel cleans a path relative to the compose file; an absolute path or
// a URL (a remote build context) is returned unchanged for the caller to refuse.
func cleanRel(p string) string {
	if p == "" || strings.Contains(p, "://") || strings.HasPrefix(p, "/") {
		return p
	}
	return path.Clean(p)
}

func appendUniqueInt(s []int, v int) []int {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// decodeCompose fills a compose-go type from its canonical map form, with
// the same hooks compose-go's loader uses: the types' own
// DecodeMapstructure methods, and string to number casts after interpolation.
func decodeCompose(src any, dst any) error {
	dec, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{
		DecodeHook: mapstructure.ComposeDecodeHookFunc(composeTypeHook, composeCast),
		Result:     dst,
		TagName:    "yaml",
		Squash:     true,
	})
	if err != nil {
		return err
	}
	return dec.Decode(src)
}

type mapstructureDecoder interface{ DecodeMapstructure(any) error }

func composeTypeHook(from, to reflect.Value) (any, error) {
	u, ok := to.Interface().(mapstructureDecoder)
	if !ok && to.CanAddr() {
		u, ok = to.Addr().Interface().(mapstructureDecoder)
	}
	if !ok {
		return from.Interface(), nil
	}
	if to.Kind() == reflect.Pointer && to.IsNil() {
		to.Set(reflect.New(to.Type().Elem()))
		u = to.Interface().(mapstructureDecoder)
	}
	if err := u.DecodeMapstructure(from.Interface()); err != nil {
		return to.Interface(), err
	}
	return to.Interface(), nil
}

func composeCast(from, to reflect.Value) (any, error) {
	switch from.Kind() {
	case reflect.String:
		s := from.String()
		switch to.Kind() {
		case reflect.Bool:
			switch strings.ToLower(s) {
			case "true", "yes", "y", "on":
				return true, nil
			case "false", "no", "n", "off", "":
				return false, nil
			}
			return nil, fmt.Errorf("%q is not a boolean", s)
		case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint32, reflect.Uint64:
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%q is not a number", s)
			}
			return n, nil
		case reflect.Float32, reflect.Float64:
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, fmt.Errorf("%q is not a number", s)
			}
			return f, nil
		}
	case reflect.Int, reflect.Int64:
		if to.Kind() == reflect.String {
			return strconv.FormatInt(from.Int(), 10), nil
		}
	}
	return from.Interface(), nil
}

// stringKeys turns YAML maps with non-string keys into map[string]any, as
// compose requires string keys.
func stringKeys(v any, at string) (any, error) {
	switch m := v.(type) {
	case map[string]any:
		for k, x := range m {
			c, err := stringKeys(x, at+"."+k)
			if err != nil {
				return nil, err
			}
			m[k] = c
		}
		return m, nil
	case map[any]any:
		out := make(map[string]any, len(m))
		for k, x := range m {
			var key string
			switch kk := k.(type) {
			case string:
				key = kk
			case int, int64, float64, bool:
				key = fmt.Sprint(kk)
			default:
				return nil, fmt.Errorf("%s: key %v is not a string", strings.TrimPrefix(at, "."), k)
			}
			c, err := stringKeys(x, at+"."+key)
			if err != nil {
				return nil, err
			}
			out[key] = c
		}
		return out, nil
	case []any:
		for i, x := range m {
			c, err := stringKeys(x, fmt.Sprintf("%s[%d]", at, i))
			if err != nil {
				return nil, err
			}
			m[i] = c
		}
		return m, nil
	}
	return v, nil
}

// keyLine finds the line of the first `key:` in a YAML document, for errors
// the decoder reports without one.
func keyLine(data []byte, key string) int {
	for i, l := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, key+":") || strings.HasPrefix(t, strconv.Quote(key)+":") {
			return i + 1
		}
	}
	return 0
}
