// Package config holds Kyozo's one configuration: defaults in code, then a
// YAML file, then KYOZO_* environment variables, then flags, then Validate.
// Every setting has one name used in all three places: the YAML key
// "drain_timeout", the variable KYOZO_DRAIN_TIMEOUT, the flag --drain-timeout.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kyozo/kyozo/internal/plan"
	yaml "go.yaml.in/yaml/v4"
)

// ErrInvalid wraps every configuration error, so callers can tell bad
// configuration (exit code 2) from a failure.
var ErrInvalid = errors.New("invalid configuration")

// Config is Kyozo's configuration.
type Config struct {
	// DataDir holds the SSH host key, the bare repositories, sources being
	// deployed and caches.
	DataDir string `yaml:"data_dir"`
	// RedisURL is the Redis for the queue and the state; empty runs an
	// in-process Redis whose contents do not survive a restart.
	RedisURL string `yaml:"redis_url"`

	SSHAddr    string `yaml:"ssh_addr"`    // git push and ssh commands
	HTTPAddr   string `yaml:"http_addr"`   // API, /metrics, /healthz, /readyz
	RouterAddr string `yaml:"router_addr"` // the apps' traffic
	// APIToken, when set, is the bearer token /api/v1 requires. It must be
	// set when HTTPAddr is reachable from other hosts.
	APIToken string `yaml:"api_token"`
	// Domain: APP.DOMAIN reaches an app's main web service and
	// SERVICE.APP.DOMAIN its others.
	Domain string `yaml:"domain"`
	// PublicPort is the router port printed in URLs; 0 means RouterAddr's.
	PublicPort int `yaml:"public_port"`

	// DeployBranch is the branch whose pushes deploy ("master" is accepted
	// too when it is "main").
	DeployBranch string `yaml:"deploy_branch"`
	// Workers is how many deploys run at once (one per app at a time).
	Workers int `yaml:"workers"`
	// HealthTimeout is how long a new release may take to become healthy.
	HealthTimeout Duration `yaml:"health_timeout"`
	// BuildTimeout bounds one service's image build.
	BuildTimeout Duration `yaml:"build_timeout"`
	// DrainTimeout is how long old containers may finish in-flight
	// requests after a switch before they are stopped.
	DrainTimeout Duration `yaml:"drain_timeout"`
	// WorkerSettle is how long a worker (no port) must keep running to
	// count as healthy.
	WorkerSettle Duration `yaml:"worker_settle"`
	// ShutdownTimeout is how long a stopping daemon waits for running
	// deploys before handing them back to the queue.
	ShutdownTimeout Duration `yaml:"shutdown_timeout"`
	// KeepReleases is how many releases keep their images for rollback.
	KeepReleases int `yaml:"keep_releases"`
	// CheckInterval, CheckTimeout and CheckThreshold tune the continuous
	// health checks of running replicas: one that fails CheckThreshold
	// checks in a row is replaced.
	CheckInterval  Duration `yaml:"check_interval"`
	CheckTimeout   Duration `yaml:"check_timeout"`
	CheckThreshold int      `yaml:"check_threshold"`
	// EventsPerApp bounds each app's audit trail (oldest events go first).
	EventsPerApp int `yaml:"events_per_app"`

	// Images maps base-image keys to references for generated Dockerfiles
	// (see plan.Images); an entry replaces the default of its key.
	Images map[string]string `yaml:"images"`
	// BackingImages maps backing-service types ("postgres") to images.
	BackingImages map[string]string `yaml:"backing_images"`

	LogLevel string `yaml:"log_level"` // debug, info, warn, error
}

// Duration is a time.Duration written as "30s", "5m".
type Duration time.Duration

// UnmarshalYAML reads "30s" or a number of seconds.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := parseDuration(n.Value)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

func (d Duration) String() string { return time.Duration(d).String() }

func parseDuration(s string) (time.Duration, error) {
	if n, err := strconv.Atoi(s); err == nil {
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration (write 30s, 5m)", s)
	}
	return d, nil
}

// Default returns the configuration `kyozo serve` runs with when nothing
// is set: everything on this machine, data under the user's data folder.
func Default() *Config {
	return &Config{
		DataDir:         defaultDataDir(),
		SSHAddr:         ":2222",
		HTTPAddr:        "127.0.0.1:8080",
		RouterAddr:      ":8000",
		Domain:          "localhost",
		DeployBranch:    "main",
		Workers:         4,
		HealthTimeout:   Duration(2 * time.Minute),
		BuildTimeout:    Duration(20 * time.Minute),
		DrainTimeout:    Duration(30 * time.Second),
		WorkerSettle:    Duration(5 * time.Second),
		ShutdownTimeout: Duration(60 * time.Second),
		KeepReleases:    5,
		CheckInterval:   Duration(10 * time.Second),
		CheckTimeout:    Duration(2 * time.Second),
		CheckThreshold:  3,
		EventsPerApp:    1000,
		Images:          map[string]string{},
		BackingImages:   map[string]string{},
		LogLevel:        "info",
	}
}

func defaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "kyozo")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "share", "kyozo")
	}
	return "kyozo-data"
}

// setting is one scalar setting and how to set it from text.
type setting struct {
	key string // YAML key; env KYOZO_KEY; flag --key with - for _
	set func(c *Config, v string) error
	doc string
}

func str(f func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *f(c) = v; return nil }
}

func integer(f func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%q is not a number", v)
		}
		*f(c) = n
		return nil
	}
}

func duration(f func(*Config) *Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := parseDuration(v)
		if err != nil {
			return err
		}
		*f(c) = Duration(d)
		return nil
	}
}

var settings = []setting{
	{"data_dir", str(func(c *Config) *string { return &c.DataDir }), "folder for the host key, repositories and caches"},
	{"redis_url", str(func(c *Config) *string { return &c.RedisURL }), "redis://host:port/db (empty: in-process, nothing survives a restart)"},
	{"ssh_addr", str(func(c *Config) *string { return &c.SSHAddr }), "SSH listener for git push and commands"},
	{"http_addr", str(func(c *Config) *string { return &c.HTTPAddr }), "HTTP listener for the API, /metrics, /healthz, /readyz"},
	{"api_token", str(func(c *Config) *string { return &c.APIToken }), "bearer token the HTTP API requires (needed when http_addr is not loopback)"},
	{"router_addr", str(func(c *Config) *string { return &c.RouterAddr }), "HTTP listener for the apps' traffic"},
	{"domain", str(func(c *Config) *string { return &c.Domain }), "APP.DOMAIN reaches an app"},
	{"public_port", integer(func(c *Config) *int { return &c.PublicPort }), "router port printed in URLs (0: the router's)"},
	{"deploy_branch", str(func(c *Config) *string { return &c.DeployBranch }), "branch whose pushes deploy"},
	{"workers", integer(func(c *Config) *int { return &c.Workers }), "deploys running at once"},
	{"health_timeout", duration(func(c *Config) *Duration { return &c.HealthTimeout }), "time a new release has to become healthy"},
	{"build_timeout", duration(func(c *Config) *Duration { return &c.BuildTimeout }), "time one image build may take"},
	{"drain_timeout", duration(func(c *Config) *Duration { return &c.DrainTimeout }), "time old containers have to finish requests"},
	{"worker_settle", duration(func(c *Config) *Duration { return &c.WorkerSettle }), "time a worker must keep running to count as healthy"},
	{"shutdown_timeout", duration(func(c *Config) *Duration { return &c.ShutdownTimeout }), "time a stopping daemon waits for running deploys"},
	{"keep_releases", integer(func(c *Config) *int { return &c.KeepReleases }), "releases whose images are kept for rollback"},
	{"check_interval", duration(func(c *Config) *Duration { return &c.CheckInterval }), "how often every running replica is health-checked"},
	{"check_timeout", duration(func(c *Config) *Duration { return &c.CheckTimeout }), "time one health check may take"},
	{"check_threshold", integer(func(c *Config) *int { return &c.CheckThreshold }), "failed checks in a row that get a replica replaced"},
	{"events_per_app", integer(func(c *Config) *int { return &c.EventsPerApp }), "audit-trail events kept per app"},
	{"log_level", str(func(c *Config) *string { return &c.LogLevel }), "debug, info, warn or error"},
}

// Setting is a scalar setting as the CLI shows it.
type Setting struct{ Key, Flag, Env, Doc string }

// Settings lists the scalar settings, for flags and help.
func Settings() []Setting {
	out := make([]Setting, len(settings))
	for i, s := range settings {
		out[i] = Setting{s.key, strings.ReplaceAll(s.key, "_", "-"), "KYOZO_" + strings.ToUpper(s.key), s.doc}
	}
	return out
}

// Set sets the setting named by its YAML key from text.
func (c *Config) Set(key, value string) error {
	for _, s := range settings {
		if s.key == key {
			if err := s.set(c, value); err != nil {
				return fmt.Errorf("%w: %s: %v", ErrInvalid, key, err)
			}
			return nil
		}
	}
	return fmt.Errorf("%w: unknown setting %q", ErrInvalid, key)
}

// Load reads the YAML file at path (none when path is ""), then applies the
// environment (os.Environ() form). Unknown keys in the file are errors
// naming the key and line.
func Load(path string, environ []string) (*Config, error) {
	c := Default()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, path, err)
		}
		if c.Images == nil {
			c.Images = map[string]string{}
		}
		if c.BackingImages == nil {
			c.BackingImages = map[string]string{}
		}
	}
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(k, "KYOZO_") {
			continue
		}
		name := strings.TrimPrefix(k, "KYOZO_")
		switch {
		case strings.HasPrefix(name, "IMAGE_"):
			c.Images[envKey(strings.TrimPrefix(name, "IMAGE_"))] = v
		case strings.HasPrefix(name, "BACKING_IMAGE_"):
			c.BackingImages[envKey(strings.TrimPrefix(name, "BACKING_IMAGE_"))] = v
		default:
			key := strings.ToLower(name)
			if slices.ContainsFunc(settings, func(s setting) bool { return s.key == key }) {
				if err := c.Set(key, v); err != nil {
					return nil, fmt.Errorf("%w (from %s)", err, k)
				}
			}
		}
	}
	return c, nil
}

// loopback reports whether a listen address takes connections only from
// this host: a loopback IP or "localhost", not an empty or wildcard host.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// envKey turns GO_RUNTIME into go-runtime.
func envKey(s string) string { return strings.ReplaceAll(strings.ToLower(s), "_", "-") }

// Validate checks every value and names the first bad one.
func (c *Config) Validate() error {
	bad := func(key, format string, a ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrInvalid, key, fmt.Sprintf(format, a...))
	}
	if c.DataDir == "" {
		return bad("data_dir", "must be set")
	}
	for key, addr := range map[string]string{"ssh_addr": c.SSHAddr, "http_addr": c.HTTPAddr, "router_addr": c.RouterAddr} {
		if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
			return bad(key, "%q is not host:port (write :2222 or 127.0.0.1:8080)", addr)
		}
	}
	if c.APIToken == "" && !loopback(c.HTTPAddr) {
		return bad("http_addr", "%q is reachable from other hosts, and the API shows every app's jobs and audit trail: set api_token (KYOZO_API_TOKEN) too, or listen on 127.0.0.1", c.HTTPAddr)
	}
	if c.APIToken != "" && (len(c.APIToken) < 16 || strings.ContainsAny(c.APIToken, " \t\r\n")) {
		return bad("api_token", "must be at least 16 characters without spaces (openssl rand -hex 32 makes one)")
	}
	if c.Domain == "" || strings.ContainsAny(c.Domain, " /:@") {
		return bad("domain", "%q is not a domain name", c.Domain)
	}
	if c.DeployBranch == "" || strings.ContainsAny(c.DeployBranch, " ~^:?*[\\") || strings.HasPrefix(c.DeployBranch, "-") {
		return bad("deploy_branch", "%q is not a branch name", c.DeployBranch)
	}
	if c.Workers < 1 || c.Workers > 256 {
		return bad("workers", "must be between 1 and 256, not %d", c.Workers)
	}
	if c.CheckThreshold < 1 || c.CheckThreshold > 100 {
		return bad("check_threshold", "must be between 1 and 100, not %d", c.CheckThreshold)
	}
	if c.EventsPerApp < 10 || c.EventsPerApp > 1_000_000 {
		return bad("events_per_app", "must be between 10 and 1000000, not %d", c.EventsPerApp)
	}
	if c.KeepReleases < 1 || c.KeepReleases > 1000 {
		return bad("keep_releases", "must be between 1 and 1000, not %d", c.KeepReleases)
	}
	if c.PublicPort < 0 || c.PublicPort > 65535 {
		return bad("public_port", "%d is not a port", c.PublicPort)
	}
	for key, d := range map[string]Duration{
		"health_timeout": c.HealthTimeout, "build_timeout": c.BuildTimeout, "drain_timeout": c.DrainTimeout,
		"worker_settle": c.WorkerSettle, "shutdown_timeout": c.ShutdownTimeout,
		"check_interval": c.CheckInterval, "check_timeout": c.CheckTimeout,
	} {
		if d <= 0 {
			return bad(key, "must be positive, not %s", d)
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return bad("log_level", "must be debug, info, warn or error, not %q", c.LogLevel)
	}
	known := plan.DefaultImages()
	for k, v := range c.Images {
		if _, ok := known[k]; !ok {
			return bad("images", "unknown key %q (known: %s)", k, strings.Join(slices.Sorted(maps.Keys(known)), ", "))
		}
		if err := validRef(v); err != nil {
			return bad("images."+k, "%v", err)
		}
	}
	for k, v := range c.BackingImages {
		if err := validRef(v); err != nil {
			return bad("backing_images."+k, "%v", err)
		}
	}
	return nil
}

func validRef(v string) error {
	if v == "" {
		return errors.New("empty image reference")
	}
	if strings.ContainsAny(v, " \t\n\r\"'\\") {
		return fmt.Errorf("%q is not an image reference", v)
	}
	return nil
}

// RouterPort is the port URLs name.
func (c *Config) RouterPort() int {
	if c.PublicPort > 0 {
		return c.PublicPort
	}
	_, p, _ := net.SplitHostPort(c.RouterAddr)
	n, _ := strconv.Atoi(p)
	return n
}

// DeployBranches are the branch names whose pushes deploy.
func (c *Config) DeployBranches() []string {
	if c.DeployBranch == "main" {
		return []string{"main", "master"}
	}
	return []string{c.DeployBranch}
}
