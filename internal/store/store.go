// Package store keeps Kyozo's state in Redis: keys, apps, releases, deploy
// jobs with their logs, locks and secrets. Each entity has a small
// interface; Store composes them, and the Redis type implements it.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"
)

// ErrNotFound is returned for a key, app, release or job that does not exist.
var ErrNotFound = errors.New("not found")

// ErrExists is returned when creating something that already exists.
var ErrExists = errors.New("already exists")

// ErrConflict is returned when the state changed under an update.
var ErrConflict = errors.New("conflict")

// Key is an SSH public key and who it belongs to.
type Key struct {
	Name        string    `json:"name"`
	Fingerprint string    `json:"fingerprint"` // SHA256:… as ssh-keygen -l prints it
	Admin       bool      `json:"admin"`
	PublicKey   string    `json:"public_key"` // authorized_keys form, without a comment
	Added       time.Time `json:"added"`
}

// App is one git repository pushed to Kyozo.
type App struct {
	Name    string    `json:"name"`
	Owner   string    `json:"owner"` // the key name that created it
	Created time.Time `json:"created"`
	// Release is the version serving now (0: none yet); Commit its commit.
	Release int    `json:"release"`
	Commit  string `json:"commit"`
	// Running is what serves the current release, by service: the
	// containers, and how many replicas should run.
	Running map[string]Running `json:"running,omitempty"`
}

// Running is the state of one service of the current release.
type Running struct {
	Containers []string `json:"containers"`
	// Replicas is how many should run (ps:scale); Stopped is set by ps:stop.
	Replicas int  `json:"replicas"`
	Stopped  bool `json:"stopped,omitempty"`
}

// Release is one deployed state of an app: the unit of rollback.
type Release struct {
	App         string        `json:"app"`
	Version     int           `json:"version"`
	Commit      string        `json:"commit"`
	JobID       string        `json:"job_id"`
	Pusher      string        `json:"pusher"`
	Description string        `json:"description"`
	Created     time.Time     `json:"created"`
	Duration    time.Duration `json:"duration"`
	// Kind is what made it: deploy, rollback, config.
	Kind     string                    `json:"kind"`
	Services map[string]ReleaseService `json:"services"`
	// Order is the start order, by levels of service names.
	Order [][]string `json:"order,omitempty"`
	// Config is the app's config at this release, values sealed.
	Config map[string]string `json:"config,omitempty"`
	// Backing are the backing services the release runs beside.
	Backing  []BackingService `json:"backing"`
	Topology json.RawMessage  `json:"topology,omitempty"`
}

// MainService is the service APP.DOMAIN reaches (one of its Hosts), which
// the app's custom domains reach too; "" when the release has none.
func (r Release) MainService(domain string) string {
	main := r.App + "." + domain
	for name, s := range r.Services {
		if slices.Contains(s.Hosts, main) {
			return name
		}
	}
	return ""
}

// ReleaseService is how one service of a release runs.
type ReleaseService struct {
	Image       string   `json:"image"`
	Fingerprint string   `json:"fingerprint"`
	Kind        string   `json:"kind"`
	Port        int      `json:"port"`
	HealthPath  string   `json:"health_path,omitempty"`
	Command     []string `json:"command,omitempty"` // empty: the image's own
	// Env holds the variables the service gets besides PORT: links to
	// backing services with ${SECRET} references, resolved at run time.
	Env      map[string]string `json:"env,omitempty"`
	Replicas int               `json:"replicas"`
	MemoryMB int               `json:"memory_mb"`
	CPUs     float64           `json:"cpus"`
	Hosts    []string          `json:"hosts,omitempty"` // router host names
}

// BackingService is a backing service a release needs.
type BackingService struct {
	Name      string            `json:"name"`
	Type      string            `json:"type"`
	Image     string            `json:"image"`
	Port      int               `json:"port"`
	Volume    string            `json:"volume,omitempty"`
	DataPath  string            `json:"data_path,omitempty"`
	Command   []string          `json:"command,omitempty"`
	Container map[string]string `json:"container_env,omitempty"` // with ${SECRET} references
	Secrets   []string          `json:"secrets,omitempty"`
}

// JobState is where a deploy job is.
type JobState string

const (
	JobQueued     JobState = "queued"
	JobRunning    JobState = "running"
	JobSucceeded  JobState = "succeeded"
	JobFailed     JobState = "failed"
	JobSuperseded JobState = "superseded"
	JobCancelled  JobState = "cancelled"
)

// Final reports whether a job in this state will not change again.
func (s JobState) Final() bool {
	return s == JobSucceeded || s == JobFailed || s == JobSuperseded || s == JobCancelled
}

// Job is one deploy: a push turned into a release, or not.
type Job struct {
	ID       string    `json:"id"`
	App      string    `json:"app"`
	Commit   string    `json:"commit"`
	Ref      string    `json:"ref"`
	Pusher   string    `json:"pusher"`
	State    JobState  `json:"state"`
	Error    string    `json:"error,omitempty"`
	Release  int       `json:"release,omitempty"`
	Created  time.Time `json:"created"`
	Started  time.Time `json:"started,omitzero"`
	Finished time.Time `json:"finished,omitzero"`
}

// Line is one line of a job's log.
type Line struct {
	ID   string    `json:"id"` // stream id, for reading on after it
	Time time.Time `json:"time"`
	Text string    `json:"text"`
	// State is set on the line that ends the job.
	State JobState `json:"state,omitempty"`
}

// Keys stores SSH keys by fingerprint.
type Keys interface {
	AddKey(ctx context.Context, k Key) error // ErrExists for a known fingerprint or name
	KeyByFingerprint(ctx context.Context, fp string) (Key, error)
	KeysList(ctx context.Context) ([]Key, error)
	RemoveKey(ctx context.Context, name string) (Key, error)
}

// Apps stores apps.
type Apps interface {
	CreateApp(ctx context.Context, a App) error // ErrExists when taken
	App(ctx context.Context, name string) (App, error)
	AppsList(ctx context.Context) ([]App, error)
	// DeleteApp forgets an app: its record, releases, config, secrets.
	DeleteApp(ctx context.Context, name string) error
}

// Configs stores each app's config; values arrive sealed and are kept so.
type Configs interface {
	Config(ctx context.Context, app string) (map[string]string, error)
	// SetConfig sets and unsets variables in one step.
	SetConfig(ctx context.Context, app string, set map[string]string, unset []string) error
	// ReplaceConfig makes the app's config exactly cfg (a rollback).
	ReplaceConfig(ctx context.Context, app string, cfg map[string]string) error
}

// Releases stores releases, numbered per app.
type Releases interface {
	// Activate makes rel the app's current release, numbering it when its
	// Version is 0, and records what runs it, in one transaction. A nil
	// rel keeps the current release and records running alone (scale,
	// restart, reconcile); it fails if the current release is not version.
	Activate(ctx context.Context, app string, rel *Release, version int, running map[string]Running) error
	Release(ctx context.Context, app string, version int) (Release, error)
	ReleasesList(ctx context.Context, app string, n int) ([]Release, error)
}

// Jobs stores deploy jobs and their logs.
type Jobs interface {
	CreateJob(ctx context.Context, j Job) error
	Job(ctx context.Context, id string) (Job, error)
	UpdateJob(ctx context.Context, j Job) error
	AppendLine(ctx context.Context, id, text string, final JobState) error
	// ReadLines returns lines after the stream id (""/"0" for the start),
	// waiting up to block for the first one when there are none.
	ReadLines(ctx context.Context, id, after string, block time.Duration) ([]Line, error)
	// SetLatestJob records the newest push of an app; older waiting jobs
	// are superseded by it.
	SetLatestJob(ctx context.Context, app, id string) error
	LatestJob(ctx context.Context, app string) (string, error)
	RequestCancel(ctx context.Context, id string) error
	CancelRequested(ctx context.Context, id string) (bool, error)
}

// Locks are short leases on a name, renewed by their holder.
type Locks interface {
	// TryLock takes the lock for ttl; ok is false when another holds it.
	TryLock(ctx context.Context, name, owner string, ttl time.Duration) (ok bool, err error)
	RenewLock(ctx context.Context, name, owner string, ttl time.Duration) (bool, error)
	Unlock(ctx context.Context, name, owner string) error
}

// Secrets stores generated credentials per app, sealed by the caller.
type Secrets interface {
	// Secret returns the named secret of an app, creating it with gen when
	// absent.
	Secret(ctx context.Context, app, name string, gen func() (string, error)) (string, error)
}

// Event is one entry of an app's audit trail.
type Event struct {
	Seq      int64     `json:"seq"` // per app, from 1
	App      string    `json:"app"`
	Type     string    `json:"type"` // see the Event* constants
	Actor    string    `json:"actor"`
	Time     time.Time `json:"time"`
	Duration float64   `json:"duration_seconds,omitempty"`
	// Message says what happened, in words: "v3", "API_KEY, DEBUG set",
	// "web=3". It never holds a config value.
	Message string `json:"message,omitempty"`
	Error   string `json:"error,omitempty"`
	Release int    `json:"release,omitempty"`
	Job     string `json:"job,omitempty"`
}

// Event types.
const (
	EventDeploy     = "deploy"
	EventBuild      = "build"
	EventRelease    = "release"
	EventRollback   = "rollback"
	EventConfig     = "config"
	EventScale      = "scale"
	EventRestart    = "restart"
	EventStop       = "stop"
	EventStart      = "start"
	EventHealth     = "health"     // a replica failed its checks and was replaced
	EventPermission = "permission" // a key was refused on the app
	EventApp        = "app"        // created, destroyed
	EventDomains    = "domains"    // custom domains added or removed
)

// Events stores each app's audit trail, bounded per app.
type Events interface {
	// AddEvent numbers e (per app) and stores it.
	AddEvent(ctx context.Context, e Event) (Event, error)
	// EventsList returns the last n events of an app, oldest first.
	EventsList(ctx context.Context, app string, n int) ([]Event, error)
	// EventsAfter returns the events after seq, waiting up to block for
	// one when there are none.
	EventsAfter(ctx context.Context, app string, seq int64, block time.Duration) ([]Event, error)
}

// Domains are apps' custom host names (domains:add): each reaches one
// app's main web service, and no two apps share one.
type Domains interface {
	// AddDomains gives hosts to app, all or none: when another app has
	// one of them the error wraps ErrExists and names the host.
	AddDomains(ctx context.Context, app string, hosts []string) error
	// RemoveDomains takes hosts away from app and returns how many it had.
	RemoveDomains(ctx context.Context, app string, hosts []string) (int, error)
	// Domains returns app's custom domains, sorted.
	Domains(ctx context.Context, app string) ([]string, error)
}

// Store is all of Kyozo's state.
type Store interface {
	Keys
	Apps
	Domains
	Releases
	Jobs
	Locks
	Secrets
	Configs
	Events
	Ping(ctx context.Context) error
	Close() error
}
