package topology

import (
	"encoding/json"
)

// Schema names the JSON form of a Topology. Later versions only add fields.
const Schema = "kyozo.topology/v1"

// Kind is how a service runs.
type Kind string

const (
	KindWeb    Kind = "web"    // serves HTTP on a port
	KindWorker Kind = "worker" // runs without a port and is kept running
	KindStatic Kind = "static" // files built once and served by a static server
	KindJob    Kind = "job"    // runs to completion (migrations, cron)
)

// Topology is the analysis of one tree: every service in it, what they need,
// and in which order they start.
type Topology struct {
	Schema          string            `json:"schema"`
	Root            string            `json:"root"`
	Services        []*Service        `json:"services"`
	BackingServices []*BackingService `json:"backing_services"`
	StartOrder      [][]string        `json:"start_order"`
	Libraries       []*Library        `json:"libraries"`
	Ignored         []Ignored         `json:"ignored"`
	Warnings        []Warning         `json:"warnings"`
}

// Service is a deployable unit found in the tree.
type Service struct {
	Name           string       `json:"name"`
	Path           string       `json:"path"`
	Kind           Kind         `json:"kind"`
	Language       string       `json:"language"`
	Framework      string       `json:"framework"`
	PackageManager string       `json:"package_manager"`
	RuntimeVersion string       `json:"runtime_version"`
	Port           int          `json:"port"`
	StartCommand   string       `json:"start_command"`
	BuildCommand   string       `json:"build_command"`
	HealthCheck    *HealthCheck `json:"health_check"`
	Env            []string     `json:"env"`
	DependsOn      []string     `json:"depends_on"`
	Dockerfile     Dockerfile   `json:"dockerfile"`
	Resources      Resources    `json:"resources"`
	Confidence     float64      `json:"confidence"`
	Evidence       []Evidence   `json:"evidence"`

	// Added to v1: where the image is built from (the workspace or module
	// root when the service shares a lockfile or module with others), the
	// local libraries it uses, and the paths whose change means a rebuild.
	BuildContext string   `json:"build_context"`
	Libraries    []string `json:"libraries"`
	WatchPaths   []string `json:"watch_paths"`

	// Build carries what the Dockerfile generator needs and JSON readers don't.
	Build BuildHints `json:"-"`
}

// BuildHints are stack specifics for Dockerfile generation.
type BuildHints struct {
	// Target is what the build produces: a Go package path ("./cmd/api"),
	// a binary name, a project file, or the folder of a static build ("dist").
	Target string
	// Assets is the secondary stack that builds front-end assets for this
	// service (a Laravel or Rails app with a package.json), or "".
	Assets string
	// AssetsBuild is the assets stack's build command.
	AssetsBuild string
	// Lockfiles the generator copies before sources so dependency layers cache.
	Lockfiles []string
	// Extra holds per-stack facts ("entry": "main.py", "server": "gunicorn" …).
	Extra map[string]string
	// CommandDeclared is set when the start command comes from a Procfile
	// or compose file rather than the image: a repository Dockerfile's
	// container must then be given it.
	CommandDeclared bool
}

// HealthCheck is how the service says it is ready.
type HealthCheck struct {
	Path string `json:"path"`
}

// Dockerfile says where a service's Dockerfile comes from.
type Dockerfile struct {
	Source string `json:"source"` // "repo" or "generated"
	Path   string `json:"path"`   // tree path of the repo's file, or where `detect --format dockerfiles` writes it
}

// Resources is the recommended reservation for one replica.
type Resources struct {
	MemoryMB int     `json:"memory_mb"`
	CPUs     float64 `json:"cpus"`
}

// Evidence is one reason behind a conclusion, and the file it came from.
type Evidence struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
}

// BackingService is a database, cache, broker or store the services need.
type BackingService struct {
	Name   string            `json:"name"`
	Type   string            `json:"type"`
	Image  string            `json:"image"`
	Env    map[string]string `json:"env"`
	Volume string            `json:"volume"`
	UsedBy []string          `json:"used_by"`

	// Added to v1: the container port, where its data lives, the variables
	// the container itself needs, and the variables holding secrets.
	Port      int               `json:"port"`
	DataPath  string            `json:"data_path"`
	Command   []string          `json:"command"`
	Health    []string          `json:"health_command"`
	Container map[string]string `json:"container_env"`
	Secrets   []string          `json:"secrets"`
	Evidence  []Evidence        `json:"evidence"`
}

// Library is a workspace member without an entry point: not deployed, but a
// change in it means its users are rebuilt.
type Library struct {
	Name     string   `json:"name"`
	Path     string   `json:"path"`
	Language string   `json:"language"`
	UsedBy   []string `json:"used_by"`
}

// Ignored is a folder that looked deployable but is not a service.
type Ignored struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Warning is something the analysis could not take at face value.
type Warning struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// Service returns the service with this name, or nil.
func (t *Topology) Service(name string) *Service {
	for _, s := range t.Services {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Backing returns the backing service with this name, or nil.
func (t *Topology) Backing(name string) *BackingService {
	for _, b := range t.BackingServices {
		if b.Name == name {
			return b
		}
	}
	return nil
}

// MarshalJSON writes absent scalars as null, as the schema says, and empty
// lists as [] so readers need no nil checks.
func (s *Service) MarshalJSON() ([]byte, error) {
	type plain Service
	return json.Marshal(struct {
		*plain
		Framework      *string    `json:"framework"`
		PackageManager *string    `json:"package_manager"`
		RuntimeVersion *string    `json:"runtime_version"`
		Port           *int       `json:"port"`
		StartCommand   *string    `json:"start_command"`
		BuildCommand   *string    `json:"build_command"`
		Env            []string   `json:"env"`
		DependsOn      []string   `json:"depends_on"`
		Evidence       []Evidence `json:"evidence"`
		Libraries      []string   `json:"libraries"`
		WatchPaths     []string   `json:"watch_paths"`
	}{
		plain:          (*plain)(s),
		Framework:      nullable(s.Framework),
		PackageManager: nullable(s.PackageManager),
		RuntimeVersion: nullable(s.RuntimeVersion),
		Port:           nullableInt(s.Port),
		StartCommand:   nullable(s.StartCommand),
		BuildCommand:   nullable(s.BuildCommand),
		Env:            nonNil(s.Env),
		DependsOn:      nonNil(s.DependsOn),
		Evidence:       nonNil(s.Evidence),
		Libraries:      nonNil(s.Libraries),
		WatchPaths:     nonNil(s.WatchPaths),
	})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (s *Service) UnmarshalJSON(b []byte) error {
	type plain Service
	aux := struct {
		*plain
		Framework      *string `json:"framework"`
		PackageManager *string `json:"package_manager"`
		RuntimeVersion *string `json:"runtime_version"`
		Port           *int    `json:"port"`
		StartCommand   *string `json:"start_command"`
		BuildCommand   *string `json:"build_command"`
	}{plain: (*plain)(s)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	s.Framework = deref(aux.Framework)
	s.PackageManager = deref(aux.PackageManager)
	s.RuntimeVersion = deref(aux.RuntimeVersion)
	s.StartCommand = deref(aux.StartCommand)
	s.BuildCommand = deref(aux.BuildCommand)
	if aux.Port != nil {
		s.Port = *aux.Port
	}
	return nil
}

// MarshalJSON writes empty lists and maps as [] and {}.
func (t *Topology) MarshalJSON() ([]byte, error) {
	type plain Topology
	return json.Marshal(struct {
		*plain
		Services        []*Service        `json:"services"`
		BackingServices []*BackingService `json:"backing_services"`
		StartOrder      [][]string        `json:"start_order"`
		Libraries       []*Library        `json:"libraries"`
		Ignored         []Ignored         `json:"ignored"`
		Warnings        []Warning         `json:"warnings"`
	}{
		plain:           (*plain)(t),
		Services:        nonNil(t.Services),
		BackingServices: nonNil(t.BackingServices),
		StartOrder:      nonNil(t.StartOrder),
		Libraries:       nonNil(t.Libraries),
		Ignored:         nonNil(t.Ignored),
		Warnings:        nonNil(t.Warnings),
	})
}

// MarshalJSON writes empty lists and maps as [] and {}.
func (b *BackingService) MarshalJSON() ([]byte, error) {
	type plain BackingService
	return json.Marshal(struct {
		*plain
		Env       map[string]string `json:"env"`
		UsedBy    []string          `json:"used_by"`
		Command   []string          `json:"command"`
		Health    []string          `json:"health_command"`
		Container map[string]string `json:"container_env"`
		Secrets   []string          `json:"secrets"`
		Evidence  []Evidence        `json:"evidence"`
	}{
		plain:     (*plain)(b),
		Env:       nonNilMap(b.Env),
		UsedBy:    nonNil(b.UsedBy),
		Command:   nonNil(b.Command),
		Health:    nonNil(b.Health),
		Container: nonNilMap(b.Container),
		Secrets:   nonNil(b.Secrets),
		Evidence:  nonNil(b.Evidence),
	})
}

// MarshalJSON writes an empty used_by as [].
func (l *Library) MarshalJSON() ([]byte, error) {
	type plain Library
	return json.Marshal(struct {
		*plain
		UsedBy []string `json:"used_by"`
	}{(*plain)(l), nonNil(l.UsedBy)})
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nullableInt(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
