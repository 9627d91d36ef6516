package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/kyozo/kyozo/internal/build"
	"github.com/kyozo/kyozo/internal/config"
	"github.com/kyozo/kyozo/internal/plan"
	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/runtime/runtimetest"
	"github.com/kyozo/kyozo/internal/secrets"
	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/tasks"
	"github.com/kyozo/kyozo/internal/testutil/redistest"
	"github.com/kyozo/kyozo/internal/topology"
)

func TestExpandSecrets(t *testing.T) {
	got := expandSecrets("postgres://postgres:${POSTGRES_PASSWORD}@db:5432/${DB}x", func(n string) string { return "<" + n + ">" })
	if got != "postgres://postgres:<POSTGRES_PASSWORD>@db:5432/<DB>x" {
		t.Errorf("got %q", got)
	}
	if got := expandSecrets("no refs, ${unterminated", func(string) string { return "X" }); got != "no refs, ${unterminated" {
		t.Errorf("got %q", got)
	}
	a, _ := newSecret()
	b, _ := newSecret()
	if a == b || len(a) < 30 || strings.ContainsAny(a, "/+=@:") {
		t.Errorf("secrets %q %q must differ and be URL-safe", a, b)
	}
}

func TestMainServiceAndHosts(t *testing.T) {
	web := &topology.Service{Name: "web", Kind: topology.KindWeb, Port: 3000, Path: "apps/web"}
	api := &topology.Service{Name: "api", Kind: topology.KindWeb, Port: 8080, Path: "services/api"}
	worker := &topology.Service{Name: "worker", Kind: topology.KindWorker, Path: "worker"}
	topo := &topology.Topology{Services: []*topology.Service{api, web, worker}, StartOrder: [][]string{{"worker"}, {"api"}, {"web"}}}
	if m := mainService(topo, "shop"); m != web {
		t.Errorf("main %v", m)
	}
	if h := hostsFor(topo, web, "shop", "example.test"); strings.Join(h, " ") != "shop.example.test web.shop.example.test" {
		t.Errorf("web hosts %v", h)
	}
	if h := hostsFor(topo, api, "shop", "example.test"); strings.Join(h, " ") != "api.shop.example.test" {
		t.Errorf("api hosts %v", h)
	}
	// Without a "web", the last level's web service is the front.
	topo = &topology.Topology{Services: []*topology.Service{api, {Name: "front", Kind: topology.KindStatic, Port: 8080, Path: "front"}}, StartOrder: [][]string{{"api"}, {"front"}}}
	if m := mainService(topo, "shop"); m == nil || m.Name != "front" {
		t.Errorf("main %v", m)
	}
}

func TestFingerprint(t *testing.T) {
	dir := t.TempDir()
	write := func(p, c string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("apps/web/index.js", "a")
	write("packages/ui/x.js", "ui")
	write("apps/api/main.go", "api")
	s := &topology.Service{Path: "apps/web", BuildContext: ".", WatchPaths: []string{"apps/web", "packages/ui"}}
	fp := func() string {
		f, err := fingerprint(dir, s, []byte("FROM x"))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	a := fp()
	write("apps/api/main.go", "api v2")
	if fp() != a {
		t.Error("a change outside the watch paths changed the fingerprint")
	}
	write("packages/ui/x.js", "ui v2")
	b := fp()
	if b == a {
		t.Error("a change in a library did not change the fingerprint")
	}
	os.Chmod(filepath.Join(dir, "apps/web/index.js"), 0o755)
	if fp() == b {
		t.Error("a mode change did not change the fingerprint")
	}
	if f, err := fingerprint(dir, s, []byte("FROM y")); err != nil || f == fp() {
		t.Error("a Dockerfile change did not change the fingerprint")
	}
}

func TestBuilderNoise(t *testing.T) {
	for line, noise := range map[string]bool{
		" ---> 4f2b": true, "Removing intermediate container 1a2b": true, " ---> Running in 9c": true,
		"Step 2/7 : RUN make": false, "gcc -o app main.c": false,
	} {
		if builderNoise(line) != noise {
			t.Errorf("%q", line)
		}
	}
}

// fakeBuilder "builds" by recording the request.
type fakeBuilder struct {
	mu     sync.Mutex
	built  []string
	images map[string]bool
	fail   string // service whose build fails
}

func (b *fakeBuilder) Build(ctx context.Context, req build.Request, progress func(string)) (build.Result, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.fail != "" && strings.Contains(req.Tags[0], "-"+b.fail+":") {
		progress("Step 1/1 : RUN make")
		return build.Result{}, errors.New("RUN make: exit code 2")
	}
	b.built = append(b.built, req.Tags[0])
	b.images[req.Tags[0]] = true
	progress("Step 1/1 : FROM scratch")
	return build.Result{ImageID: "sha256:" + req.Tags[0]}, nil
}

type fakeSwitcher struct{ switched []int }

func (s *fakeSwitcher) Switch(ctx context.Context, app string, version int) error {
	s.switched = append(s.switched, version)
	return nil
}

type harness struct {
	d    *Deployer
	st   *store.Redis
	rt   *runtimetest.Fake
	b    *fakeBuilder
	sw   *fakeSwitcher
	port int
	ok   *healthServer
}

// healthServer answers the health checks of the "containers": the fake
// runtime gives them 127.0.0.1, and the service's port is this server's.
type healthServer struct {
	mu      sync.Mutex
	healthy bool
	srv     *http.Server
}

func (h *healthServer) set(v bool) { h.mu.Lock(); h.healthy = v; h.mu.Unlock() }

func newHarness(t *testing.T) *harness {
	t.Helper()
	st := redistest.Store(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &healthServer{healthy: true}
	hs.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hs.mu.Lock()
		ok := hs.healthy
		hs.mu.Unlock()
		if !ok {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok"))
	})}
	go hs.srv.Serve(l)
	t.Cleanup(func() { hs.srv.Close() })
	rt := runtimetest.New()
	rt.IPs = nil
	b := &fakeBuilder{images: rt.Images}
	sw := &fakeSwitcher{}
	cfg := config.Default()
	cfg.HealthTimeout = config.Duration(2 * time.Second)
	cfg.WorkerSettle = config.Duration(100 * time.Millisecond)
	d := &Deployer{
		Store: st, Runtime: &loopbackRuntime{rt}, Builder: b, Switcher: sw, Config: cfg,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Images: plan.DefaultImages(),
		URL: func(h string) string { return "http://" + h },
	}
	st.CreateApp(context.Background(), store.App{Name: "shop", Owner: "alice"})
	return &harness{d: d, st: st, rt: rt, b: b, sw: sw, port: l.Addr().(*net.TCPAddr).Port, ok: hs}
}

// loopbackRuntime gives every container the loopback address, where the
// harness's health server listens.
type loopbackRuntime struct{ *runtimetest.Fake }

func (l *loopbackRuntime) Run(ctx context.Context, spec runtime.ContainerSpec) (runtime.Container, error) {
	c, err := l.Fake.Run(ctx, spec)
	if err == nil {
		// A backing service gets no address: nothing answers for it here,
		// and its connection check is skipped.
		ip := "127.0.0.1"
		if spec.Labels[runtime.LabelKind] == "backing" {
			ip = ""
		}
		l.Fake.Set(c.ID, func(x *runtime.Container) { x.IP = ip })
		c.IP = ip
	}
	return c, err
}

func (l *loopbackRuntime) Inspect(ctx context.Context, id string) (runtime.Container, error) {
	return l.Fake.Inspect(ctx, id)
}

// push writes a tree (web with its own Dockerfile listening on the
// harness port, a worker) and runs a deploy job for it.
func (h *harness) push(t *testing.T, commit, webText string) (*store.Job, error) {
	t.Helper()
	src := t.TempDir()
	files := map[string]string{
		"web/Dockerfile":    fmt.Sprintf("FROM busybox\nEXPOSE %d\nHEALTHCHECK CMD wget -q -O- http://127.0.0.1:%d/health\nCMD [\"httpd\"]\n", h.port, h.port),
		"web/index.html":    webText,
		"worker/Procfile":   "worker: sh run.sh\n",
		"worker/run.sh":     "#!/bin/sh\nwhile true; do sleep 1; done\n",
		"worker/Dockerfile": "FROM busybox\nCOPY run.sh /\n",
	}
	for p, c := range files {
		os.MkdirAll(filepath.Join(src, filepath.Dir(p)), 0o755)
		os.WriteFile(filepath.Join(src, p), []byte(c), 0o644)
	}
	ctx := context.Background()
	id := fmt.Sprintf("job-%s", commit)
	h.st.CreateJob(ctx, store.Job{ID: id, App: "shop", Commit: commit, State: store.JobQueued})
	h.st.SetLatestJob(ctx, "shop", id)
	task, err := tasks.NewDeploy(tasks.Deploy{JobID: id, App: "shop", Commit: commit, Source: src, Pusher: "alice"}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	perr := h.d.ProcessTask(ctx, task)
	j, _ := h.st.Job(ctx, id)
	return &j, perr
}

func (h *harness) log(t *testing.T, id string) string {
	lines, _ := h.st.ReadLines(context.Background(), id, "", 0)
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.Text + "\n")
	}
	return b.String()
}

func TestDeployBuildsOnlyWhatChanged(t *testing.T) {
	h := newHarness(t)
	j, err := h.push(t, "aaaaaaaaaaaa1", "v1")
	if err != nil || j.State != store.JobSucceeded || j.Release != 1 {
		t.Fatalf("first deploy: %v %+v\n%s", err, j, h.log(t, j.ID))
	}
	if len(h.b.built) != 2 || len(h.sw.switched) != 1 {
		t.Fatalf("built %v switched %v", h.b.built, h.sw.switched)
	}
	rel, _ := h.st.Release(context.Background(), "shop", 1)
	a1, _ := h.st.App(context.Background(), "shop")
	if rel.Services["web"].Hosts[0] != "shop.localhost" || len(a1.Running["worker"].Containers) != 1 {
		t.Errorf("release %+v running %+v", rel.Services, a1.Running)
	}
	// Only web changes: worker is neither rebuilt nor restarted.
	j, err = h.push(t, "bbbbbbbbbbbb2", "v2")
	if err != nil || j.State != store.JobSucceeded {
		t.Fatalf("second deploy: %v\n%s", err, h.log(t, j.ID))
	}
	if len(h.b.built) != 3 || !strings.Contains(h.b.built[2], "shop-web:") {
		t.Errorf("built %v", h.b.built)
	}
	log := h.log(t, j.ID)
	for _, want := range []string{"worker: unchanged since v1, not rebuilt", "worker: unchanged, keeps running (1)", "Releasing v2", "http://shop.localhost"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	a2, _ := h.st.App(context.Background(), "shop")
	if a2.Running["worker"].Containers[0] != a1.Running["worker"].Containers[0] {
		t.Error("the unchanged worker's container was replaced")
	}
	if a2.Running["web"].Containers[0] == a1.Running["web"].Containers[0] {
		t.Error("the changed web service kept its old container")
	}
}

func TestUnhealthyReleaseIsRemoved(t *testing.T) {
	h := newHarness(t)
	if j, err := h.push(t, "aaaaaaaaaaaa1", "v1"); err != nil {
		t.Fatalf("first deploy: %v\n%s", err, h.log(t, j.ID))
	}
	running := len(h.rt.Running())
	h.ok.set(false)
	j, err := h.push(t, "bbbbbbbbbbbb2", "v2")
	if !errors.Is(err, asynq.SkipRetry) || j.State != store.JobFailed {
		t.Fatalf("unhealthy deploy: %v %+v", err, j)
	}
	if !strings.Contains(j.Error, "web did not become healthy") {
		t.Errorf("error %q", j.Error)
	}
	if got := len(h.rt.Running()); got != running {
		t.Errorf("%d containers run after the failed deploy, want the %d of v1", got, running)
	}
	if a, _ := h.st.App(context.Background(), "shop"); a.Release != 1 || len(h.sw.switched) != 1 {
		t.Errorf("current release %d, switches %v", a.Release, h.sw.switched)
	}
	log := h.log(t, j.ID)
	if !strings.Contains(log, "what ran before keeps serving") {
		t.Errorf("log:\n%s", log)
	}
}

func TestBuildFailureNamesTheService(t *testing.T) {
	h := newHarness(t)
	h.b.fail = "web"
	j, _ := h.push(t, "aaaaaaaaaaaa1", "v1")
	if j.State != store.JobFailed || !strings.Contains(j.Error, "building web: RUN make: exit code 2") {
		t.Errorf("job %+v", j)
	}
}

func TestNewerPushSupersedes(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.st.CreateJob(ctx, store.Job{ID: "job-1", App: "shop", State: store.JobQueued})
	h.st.SetLatestJob(ctx, "shop", "job-2")
	task, _ := tasks.NewDeploy(tasks.Deploy{JobID: "job-1", App: "shop", Commit: "c1", Source: t.TempDir()}, time.Minute)
	err := h.d.ProcessTask(ctx, task)
	j, _ := h.st.Job(ctx, "job-1")
	if j.State != store.JobSuperseded || !errors.Is(err, asynq.SkipRetry) || !strings.Contains(j.Error, "job-2") {
		t.Errorf("job %+v err %v", j, err)
	}
}

func TestCancelBeforeStart(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.st.CreateJob(ctx, store.Job{ID: "job-1", App: "shop", State: store.JobQueued})
	h.st.SetLatestJob(ctx, "shop", "job-1")
	h.st.RequestCancel(ctx, "job-1")
	task, _ := tasks.NewDeploy(tasks.Deploy{JobID: "job-1", App: "shop", Commit: "c1", Source: t.TempDir()}, time.Minute)
	h.d.ProcessTask(ctx, task)
	if j, _ := h.st.Job(ctx, "job-1"); j.State != store.JobCancelled {
		t.Errorf("job %+v", j)
	}
}

func TestBackingServices(t *testing.T) {
	h := newHarness(t)
	files := map[string]string{
		"Dockerfile":   fmt.Sprintf("FROM busybox\nEXPOSE %d\nCMD [\"httpd\"]\n", h.port),
		".env.example": "DATABASE_URL=postgres://localhost/app\n",
	}
	ctx := context.Background()
	run := func(id string) store.Job {
		// A job removes its exported source when it ends: one per job.
		src := t.TempDir()
		for p, c := range files {
			os.WriteFile(filepath.Join(src, p), []byte(c), 0o644)
		}
		h.st.CreateJob(ctx, store.Job{ID: id, App: "shop", Commit: id, State: store.JobQueued})
		h.st.SetLatestJob(ctx, "shop", id)
		task, _ := tasks.NewDeploy(tasks.Deploy{JobID: id, App: "shop", Commit: id, Source: src}, time.Minute)
		h.d.ProcessTask(ctx, task)
		j, _ := h.st.Job(ctx, id)
		return j
	}
	j := run("job-1")
	if j.State != store.JobFailed || !strings.Contains(j.Error, "needs the image postgres:17-alpine, which is not on this machine") {
		t.Fatalf("missing backing image: %+v", j)
	}
	h.rt.Images["postgres:17-alpine"] = true
	j = run("job-2")
	if j.State != store.JobSucceeded {
		t.Fatalf("deploy with postgres: %+v\n%s", j, h.log(t, j.ID))
	}
	var db, app runtime.ContainerSpec
	for _, spec := range h.rt.Specs {
		switch spec.Labels[runtime.LabelKind] {
		case "backing":
			db = spec
		case "service":
			app = spec
		}
	}
	pw := db.Env["POSTGRES_PASSWORD"]
	if len(pw) < 20 || db.Mounts[0].Volume != "kyozo-shop-postgres-data" || db.Aliases[0] != "postgres" {
		t.Errorf("postgres container: %+v", db)
	}
	if app.Env["DATABASE_URL"] != "postgres://postgres:"+pw+"@postgres:5432/app" {
		t.Errorf("app's DATABASE_URL %q does not carry the generated password", app.Env["DATABASE_URL"])
	}
	if app.Env["PORT"] != fmt.Sprint(h.port) {
		t.Errorf("PORT %q", app.Env["PORT"])
	}
	rel, _ := h.st.Release(ctx, "shop", j.Release)
	if strings.Contains(string(mustJSON(t, rel)), pw) {
		t.Error("the generated password is stored in the release")
	}
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// op runs an operation job through the Deployer.
func (h *harness) op(t *testing.T, o tasks.Op) store.Job {
	t.Helper()
	ctx := context.Background()
	h.st.CreateJob(ctx, store.Job{ID: o.JobID, App: "shop", State: store.JobQueued})
	h.st.SetLatestJob(ctx, "shop", o.JobID)
	task, err := tasks.NewOp(o, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	h.d.ProcessTask(ctx, task)
	j, _ := h.st.Job(ctx, o.JobID)
	return j
}

func TestOperations(t *testing.T) {
	h := newHarness(t)
	box, _ := secrets.New(secrets.ParseKey("test key"))
	h.d.Box = box
	ctx := context.Background()
	if j, err := h.push(t, "aaaaaaaaaaaa1", "v1"); err != nil {
		t.Fatalf("v1: %v\n%s", err, h.log(t, j.ID))
	}
	if j, err := h.push(t, "bbbbbbbbbbbb2", "v2"); err != nil {
		t.Fatalf("v2: %v\n%s", err, h.log(t, j.ID))
	}
	web := func() []string { a, _ := h.st.App(ctx, "shop"); return a.Running["web"].Containers }
	envOf := func(id string) map[string]string { return h.rt.Specs[id].Env }

	// config:set makes v3 whose containers see the variable; the store
	// holds it sealed.
	sealed, _ := box.Seal("s3cret")
	h.st.SetConfig(ctx, "shop", map[string]string{"API_KEY": sealed}, nil)
	j := h.op(t, tasks.Op{JobID: "job-c", App: "shop", Op: tasks.OpConfig, Description: "Set API_KEY"})
	if j.State != store.JobSucceeded || j.Release != 3 {
		t.Fatalf("config: %+v\n%s", j, h.log(t, j.ID))
	}
	if got := envOf(web()[0])["API_KEY"]; got != "s3cret" {
		t.Errorf("web's API_KEY %q", got)
	}
	rel3, _ := h.st.Release(ctx, "shop", 3)
	if rel3.Kind != "config" || rel3.Description != "Set API_KEY" || strings.Contains(string(mustJSON(t, rel3)), "s3cret") {
		t.Errorf("v3: %+v", rel3)
	}

	// Scale web to 3: two more containers, the first kept.
	before := web()[0]
	j = h.op(t, tasks.Op{JobID: "job-s", App: "shop", Op: tasks.OpScale, Replicas: map[string]int{"web": 3}})
	if j.State != store.JobSucceeded || len(web()) != 3 || web()[0] != before {
		t.Fatalf("scale: %+v %v\n%s", j, web(), h.log(t, j.ID))
	}
	if a, _ := h.st.App(ctx, "shop"); a.Release != 3 {
		t.Errorf("scaling made a release: v%d", a.Release)
	}
	j = h.op(t, tasks.Op{JobID: "job-s2", App: "shop", Op: tasks.OpScale, Replicas: map[string]int{"nope": 1}})
	if j.State != store.JobFailed || !strings.Contains(j.Error, `no service "nope"`) {
		t.Errorf("scale of an unknown service: %+v", j)
	}

	// Restart renews every web container, keeping the count.
	old := web()
	j = h.op(t, tasks.Op{JobID: "job-r", App: "shop", Op: tasks.OpRestart, Services: []string{"web"}})
	if j.State != store.JobSucceeded || len(web()) != 3 || slices.ContainsFunc(web(), func(id string) bool { return slices.Contains(old, id) }) {
		t.Fatalf("restart: %+v old %v new %v", j, old, web())
	}

	// Stop and start.
	j = h.op(t, tasks.Op{JobID: "job-stop", App: "shop", Op: tasks.OpStop, Services: []string{"web"}})
	if a, _ := h.st.App(ctx, "shop"); j.State != store.JobSucceeded || len(a.Running["web"].Containers) != 0 || !a.Running["web"].Stopped {
		t.Fatalf("stop: %+v %+v", j, a.Running)
	}
	j = h.op(t, tasks.Op{JobID: "job-start", App: "shop", Op: tasks.OpStart, Services: []string{"web"}})
	if j.State != store.JobSucceeded || len(web()) != 3 {
		t.Fatalf("start: %+v %v", j, web())
	}

	// Roll back to v1: no build, v1's image and config, as a new release.
	builds := len(h.b.built)
	j = h.op(t, tasks.Op{JobID: "job-rb", App: "shop", Op: tasks.OpRollback, Version: 1, Actor: "bob"})
	if j.State != store.JobSucceeded || j.Release != 4 {
		t.Fatalf("rollback: %+v\n%s", j, h.log(t, j.ID))
	}
	if len(h.b.built) != builds {
		t.Error("a rollback built an image")
	}
	rel1, _ := h.st.Release(ctx, "shop", 1)
	rel4, _ := h.st.Release(ctx, "shop", 4)
	if rel4.Services["web"].Image != rel1.Services["web"].Image || rel4.Description != "Rollback to v1" || rel4.Pusher != "bob" {
		t.Errorf("v4 %+v", rel4)
	}
	if got := envOf(web()[0])["API_KEY"]; got != "" {
		t.Errorf("v1 had no API_KEY, the rollback's web sees %q", got)
	}
	if cfg, _ := h.st.Config(ctx, "shop"); len(cfg) != 0 {
		t.Errorf("the config store was not rolled back: %v", cfg)
	}
	if len(web()) != 3 {
		t.Errorf("a rollback lost the scale: %v", web())
	}

	// A heal replaces the replica health monitoring named, though it runs,
	// and keeps the others.
	old = web()
	j = h.op(t, tasks.Op{JobID: "job-heal", App: "shop", Op: tasks.OpHeal, Actor: "kyozo", Replace: []string{old[1]}})
	now := web()
	if j.State != store.JobSucceeded || len(now) != 3 || slices.Contains(now, old[1]) || !slices.Contains(now, old[0]) || !slices.Contains(now, old[2]) {
		t.Errorf("heal replacing %s: %+v, web was %v, is %v\n%s", old[1], j, old, now, h.log(t, j.ID))
	}

	// Every job left its entry in the audit trail, config keys but no values.
	evs, err := h.st.EventsList(ctx, "shop", 0)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range evs {
		types = append(types, e.Type)
		if strings.Contains(e.Message+e.Error, "s3cret") {
			t.Errorf("an event holds a config value: %+v", e)
		}
	}
	for _, want := range []string{store.EventDeploy, store.EventBuild, store.EventRelease, store.EventConfig, store.EventScale,
		store.EventRestart, store.EventStop, store.EventStart, store.EventRollback, store.EventHealth} {
		if !slices.Contains(types, want) {
			t.Errorf("no %s event; the trail: %v", want, types)
		}
	}
	for i, e := range evs {
		if e.Seq != int64(i+1) || e.Time.IsZero() {
			t.Errorf("event %d: seq %d, time %v", i, e.Seq, e.Time)
		}
		if e.Type == store.EventConfig && (!strings.Contains(e.Message, "Set API_KEY") || e.Release != 3) {
			t.Errorf("config event: %+v", e)
		}
		if e.Type == store.EventRollback && (e.Actor != "bob" || !strings.Contains(e.Message, "to v1")) {
			t.Errorf("rollback event: %+v", e)
		}
	}

	// A release whose image was pruned cannot come back.
	delete(h.rt.Images, rel1.Services["web"].Image)
	j = h.op(t, tasks.Op{JobID: "job-rb2", App: "shop", Op: tasks.OpRollback, Version: 1})
	if j.State != store.JobFailed || !strings.Contains(j.Error, "no longer on this machine") {
		t.Errorf("rollback to a pruned release: %+v", j)
	}
}

func TestPruneKeepsTheLastReleasesImages(t *testing.T) {
	h := newHarness(t)
	h.d.Config.KeepReleases = 2
	for i := 1; i <= 4; i++ {
		if j, err := h.push(t, fmt.Sprintf("%012d", i), fmt.Sprintf("v%d", i)); err != nil {
			t.Fatalf("push %d: %v\n%s", i, err, h.log(t, j.ID))
		}
	}
	ctx := context.Background()
	exists := func(v int) (web, worker bool) {
		r, err := h.st.Release(ctx, "shop", v)
		if err != nil || r.Services["web"].Image == "" {
			t.Fatalf("v%d: %+v %v", v, r, err)
		}
		web, _ = h.rt.ImageExists(ctx, r.Services["web"].Image)
		worker, _ = h.rt.ImageExists(ctx, r.Services["worker"].Image)
		return
	}
	for v, want := range map[int]bool{1: false, 2: false, 3: true, 4: true} {
		if web, _ := exists(v); web != want {
			t.Errorf("v%d's web image exists=%v, want %v", v, web, want)
		}
	}
	// The worker never changed: v1's worker image is v4's, and stays.
	if _, worker := exists(1); !worker {
		t.Error("an image a kept release still uses was pruned")
	}
}
