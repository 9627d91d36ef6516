package plan

import (
	"bytes"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/kyozo/kyozo/internal/topology"
	yaml "go.yaml.in/yaml/v4"
)

// ComposeOptions say where the compose file will live relative to the tree.
type ComposeOptions struct {
	// Root is the analysed tree's folder; Dir is the folder the compose
	// file is written to. Build contexts and Dockerfile paths are written
	// relative to Dir. Both empty means the compose file sits at the root.
	Root, Dir string
	// DockerfileDir is where generated Dockerfiles are written, relative to
	// Dir ("" means ".kyozo" under Root, where `detect --format dockerfiles`
	// puts them).
	DockerfileDir string
	// DevPassword is the default of every generated secret, used when the
	// variable is not set where compose runs ("kyozo" when empty).
	DevPassword string
}

type composeFile struct {
	Services map[string]*composeService `yaml:"services"`
	Volumes  map[string]struct{}        `yaml:"volumes,omitempty"`
}

type composeService struct {
	Build       *composeBuild             `yaml:"build,omitempty"`
	Image       string                    `yaml:"image,omitempty"`
	Command     []string                  `yaml:"command,omitempty"`
	Ports       []string                  `yaml:"ports,omitempty"`
	Environment map[string]string         `yaml:"environment,omitempty"`
	DependsOn   map[string]composeDepends `yaml:"depends_on,omitempty"`
	Volumes     []string                  `yaml:"volumes,omitempty"`
	Healthcheck *composeHealth            `yaml:"healthcheck,omitempty"`
	Restart     string                    `yaml:"restart,omitempty"`
	MemLimit    string                    `yaml:"mem_limit,omitempty"`
	CPUs        float64                   `yaml:"cpus,omitempty"`
}

type composeBuild struct {
	Context    string `yaml:"context"`
	Dockerfile string `yaml:"dockerfile,omitempty"`
}

type composeDepends struct {
	Condition string `yaml:"condition"`
}

type composeHealth struct {
	Test        []string `yaml:"test"`
	Interval    string   `yaml:"interval"`
	Timeout     string   `yaml:"timeout"`
	Retries     int      `yaml:"retries"`
	StartPeriod string   `yaml:"start_period,omitempty"`
}

// Compose writes a compose file that builds and runs the whole topology:
// every service with its build, published port, variables (with the links
// to its backing services) and dependencies, and every backing service with
// a named volume for its data. It is written for the compose file format
// both docker-compose 1.29 and Compose v2 accept.
func Compose(t *topology.Topology, opts ComposeOptions) ([]byte, error) {
	pw := opts.DevPassword
	if pw == "" {
		pw = "kyozo"
	}
	cf := &composeFile{Services: map[string]*composeService{}, Volumes: map[string]struct{}{}}
	healthy := map[string]bool{} // services compose can wait on being healthy
	for _, b := range t.BackingServices {
		cs := &composeService{Image: b.Image, Command: b.Command, Restart: "unless-stopped"}
		cs.Environment = devEnv(b.Container, pw)
		if b.Volume != "" && b.DataPath != "" {
			cs.Volumes = []string{b.Volume + ":" + b.DataPath}
			cf.Volumes[b.Volume] = struct{}{}
		}
		if len(b.Health) > 0 {
			cs.Healthcheck = &composeHealth{Test: b.Health, Interval: "5s", Timeout: "5s", Retries: 20, StartPeriod: "10s"}
			healthy[b.Name] = true
		}
		cf.Services[b.Name] = cs
	}
	level := map[string]int{}
	for i, names := range t.StartOrder {
		for _, n := range names {
			level[n] = i
		}
	}
	published := map[int]bool{}
	sharedDockerfile := map[string]int{}
	for _, s := range t.Services {
		if s.Dockerfile.Source == "repo" {
			sharedDockerfile[s.Dockerfile.Path]++
		}
		if s.Dockerfile.Source == "generated" && s.HealthCheck != nil && ValidHealthPath(s.HealthCheck.Path) && s.Kind == topology.KindWeb {
			healthy[s.Name] = true // the generated image carries a HEALTHCHECK
		}
	}
	for _, s := range t.Services {
		ctx, err := rel(opts, s.BuildContext)
		if err != nil {
			return nil, err
		}
		cs := &composeService{Build: &composeBuild{Context: ctx}, Restart: "unless-stopped"}
		switch s.Dockerfile.Source {
		case "repo":
			if df := relPath(s.BuildContext, s.Dockerfile.Path); df != "Dockerfile" {
				cs.Build.Dockerfile = df
			}
		default:
			df, err := dockerfileFor(opts, s)
			if err != nil {
				return nil, err
			}
			cs.Build.Dockerfile = df
		}
		if s.Dockerfile.Source == "repo" && sharedDockerfile[s.Dockerfile.Path] > 1 && s.StartCommand != "" {
			// Several services may share one Dockerfile (Procfile or compose
			// process types); each runs its own command.
			cs.Command = CommandArgv(s.StartCommand)
		}
		env := map[string]string{}
		if s.Port > 0 {
			env["PORT"] = strconv.Itoa(s.Port)
			host := s.Port
			for published[host] {
				host++
			}
			published[host] = true
			cs.Ports = []string{fmt.Sprintf("%d:%d", host, s.Port)}
		}
		for _, b := range t.BackingServices {
			if slices.Contains(b.UsedBy, s.Name) {
				for k, v := range devEnv(b.Env, pw) {
					env[k] = v
				}
			}
		}
		if len(env) > 0 {
			cs.Environment = env
		}
		for _, d := range s.DependsOn {
			// Members of a dependency cycle share a start level and start
			// together: compose refuses a circular depends_on.
			if lv, ok := level[d]; ok && lv >= level[s.Name] {
				continue
			}
			if cs.DependsOn == nil {
				cs.DependsOn = map[string]composeDepends{}
			}
			cond := "service_started"
			if healthy[d] {
				cond = "service_healthy"
			}
			cs.DependsOn[d] = composeDepends{Condition: cond}
		}
		if s.Resources.MemoryMB > 0 {
			cs.MemLimit = fmt.Sprintf("%dm", s.Resources.MemoryMB)
			cs.CPUs = s.Resources.CPUs
		}
		cf.Services[s.Name] = cs
	}
	if len(cf.Volumes) == 0 {
		cf.Volumes = nil
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# Generated by `kyozo detect --format compose`. Passwords default to %q\n", pw)
	buf.WriteString("# unless set in the environment or a .env file beside this file.\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(cf); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// devEnv gives every ${SECRET} a development default: ${SECRET:-pw}.
func devEnv(env map[string]string, pw string) map[string]string {
	if len(env) == 0 {
		return nil
	}
	out := make(map[string]string, len(env))
	for k, v := range env {
		out[k] = withDefaults(v, pw)
	}
	return out
}

func withDefaults(v, pw string) string {
	var b strings.Builder
	for {
		i := strings.Index(v, "${")
		if i < 0 {
			b.WriteString(v)
			return b.String()
		}
		j := strings.IndexByte(v[i:], '}')
		if j < 0 {
			b.WriteString(v)
			return b.String()
		}
		name := v[i+2 : i+j]
		b.WriteString(v[:i])
		if strings.ContainsAny(name, ":-?") {
			b.WriteString(v[i : i+j+1])
		} else {
			b.WriteString("${" + name + ":-" + pw + "}")
		}
		v = v[i+j+1:]
	}
}

// rel turns a tree path into a path relative to the compose file's folder.
func rel(opts ComposeOptions, treePath string) (string, error) {
	if opts.Dir == "" || opts.Root == "" {
		if treePath == "." {
			return ".", nil
		}
		return "./" + treePath, nil
	}
	r, err := filepath.Rel(opts.Dir, filepath.Join(opts.Root, filepath.FromSlash(treePath)))
	if err != nil {
		return "", err
	}
	r = filepath.ToSlash(r)
	if !strings.HasPrefix(r, ".") {
		r = "./" + r
	}
	return r, nil
}

// dockerfileFor is the generated Dockerfile's path relative to the
// service's build context, as compose reads it.
func dockerfileFor(opts ComposeOptions, s *topology.Service) (string, error) {
	name := path.Base(topology.GeneratedDockerfile(s.Name))
	if opts.Dir == "" || opts.Root == "" || opts.DockerfileDir == "" {
		return relPath(s.BuildContext, path.Join(".kyozo", name)), nil
	}
	abs := filepath.Join(opts.Dir, opts.DockerfileDir, name)
	r, err := filepath.Rel(filepath.Join(opts.Root, filepath.FromSlash(s.BuildContext)), abs)
	if err != nil {
		return "", err
	}
	return filepath.ToSlash(r), nil
}
