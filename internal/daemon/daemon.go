// Package daemon assembles `kyozo serve` and `kyozo worker` from their
// parts and runs them: it owns the order things start in and, written down
// here once, the order they stop in:
//
//  1. the SSH listener closes: no new pushes or commands;
//  2. the queue stops handing out deploys; running deploys get
//     shutdown_timeout to finish, then go back to the queue, where the next
//     daemon or worker picks them up from the start;
//  3. pushes still waiting on a deploy get their answer, or are cut;
//  4. the HTTP listeners (API, router) finish the requests in flight;
//  5. Redis is closed (the in-process one is gone with it).
//
// Running apps keep running: nothing stops a container on shutdown, and
// the next start routes to them again.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/hibiken/asynq"

	"github.com/kyozo/kyozo/internal/build"
	"github.com/kyozo/kyozo/internal/commands"
	"github.com/kyozo/kyozo/internal/config"
	"github.com/kyozo/kyozo/internal/gitserver"
	"github.com/kyozo/kyozo/internal/intake"
	"github.com/kyozo/kyozo/internal/monitor"
	"github.com/kyozo/kyozo/internal/pipeline"
	"github.com/kyozo/kyozo/internal/plan"
	"github.com/kyozo/kyozo/internal/reconcile"
	"github.com/kyozo/kyozo/internal/repo"
	"github.com/kyozo/kyozo/internal/router"
	"github.com/kyozo/kyozo/internal/routes"
	"github.com/kyozo/kyozo/internal/runtime/docker"
	"github.com/kyozo/kyozo/internal/secrets"
	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/tasks"
	"github.com/kyozo/kyozo/internal/tree"
)

// Paths are the files and folders of a data dir.
type Paths struct {
	Root, Repos, Sources, Socket, HostKey, BootstrapKeys, SecretKey string
}

// PathsOf lays out a data dir.
func PathsOf(dataDir string) Paths {
	return Paths{
		Root:          dataDir,
		Repos:         filepath.Join(dataDir, "repos"),
		Sources:       filepath.Join(dataDir, "sources"),
		Socket:        filepath.Join(dataDir, "run", "kyozo.sock"),
		HostKey:       filepath.Join(dataDir, "ssh_host_ed25519_key"),
		BootstrapKeys: filepath.Join(dataDir, "bootstrap_keys"),
		SecretKey:     filepath.Join(dataDir, "secret.key"),
	}
}

// prepare creates the data dir's folders, private to Kyozo's user.
func (p Paths) prepare() error {
	for _, d := range []string{p.Root, p.Repos, p.Sources, filepath.Dir(p.Socket)} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("data dir: %w", err)
		}
	}
	return nil
}

// openStore connects to the configured Redis, or starts the in-process
// one. stop closes it.
func openStore(cfg *config.Config, log *slog.Logger) (st *store.Redis, stop func(), err error) {
	url := cfg.RedisURL
	var mr *miniredis.Miniredis
	done := make(chan struct{})
	if url == "" {
		mr, err = miniredis.Run()
		if err != nil {
			return nil, nil, fmt.Errorf("in-process redis: %w", err)
		}
		log.Warn("NO REDIS CONFIGURED: using an in-process Redis. Apps, keys, releases and queued deploys " +
			"are LOST when kyozo stops. Set KYOZO_REDIS_URL for anything you want to keep.")
		// miniredis expires keys only when told to; asynq's leases and
		// uniqueness locks rely on expiry.
		go func() {
			t := time.NewTicker(time.Second)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
					mr.FastForward(time.Second)
				}
			}
		}()
		url = "redis://" + mr.Addr() + "/0"
	}
	st, err = store.Open(url)
	if err != nil {
		if mr != nil {
			mr.Close()
		}
		return nil, nil, err
	}
	st.EventsPerApp = cfg.EventsPerApp
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := st.Ping(ctx); err != nil {
		st.Close()
		if mr != nil {
			mr.Close()
		}
		return nil, nil, fmt.Errorf("redis at %s: %w", cfg.RedisURL, err)
	}
	return st, func() {
		st.Close()
		if mr != nil {
			close(done)
			mr.Close()
		}
	}, nil
}

// newDeployer wires the deploy pipeline.
func newDeployer(cfg *config.Config, st store.Store, rt *docker.Driver, sw pipeline.Switcher, box *secrets.Box, log *slog.Logger) *pipeline.Deployer {
	port := cfg.RouterPort()
	return &pipeline.Deployer{
		Store:    st,
		Runtime:  rt,
		Builder:  build.NewDocker(rt.Client()),
		Switcher: sw,
		Config:   cfg,
		Logger:   log,
		Images:   plan.DefaultImages().With(cfg.Images),
		Box:      box,
		Refs:     &repo.Repos{Root: PathsOf(cfg.DataDir).Repos},
		URL: func(host string) string {
			if port == 80 {
				return "http://" + host
			}
			return "http://" + host + ":" + strconv.Itoa(port)
		},
	}
}

// asynqServer runs deploys from the queue.
func asynqServer(cfg *config.Config, st *store.Redis, log *slog.Logger) *asynq.Server {
	return asynq.NewServerFromRedisClient(st.Client(), asynq.Config{
		Concurrency: cfg.Workers,
		Queues:      map[string]int{tasks.QueueDeploys: 1},
		// An idle worker looks for work this often (asynq's default is 1s):
		// a pusher waits for it, and one Redis call per tick is cheap.
		TaskCheckInterval: 100 * time.Millisecond,
		ShutdownTimeout:   time.Duration(cfg.ShutdownTimeout),
		Logger:            asynqLogger{log.With("component", "queue")},
		LogLevel:          asynq.WarnLevel,
		// A deploy that fails is recorded on its job; the queue only
		// retries one whose worker died.
		IsFailure: func(err error) bool { return !errors.Is(err, asynq.SkipRetry) },
	})
}

// Serve runs the daemon until ctx ends, then shuts it down in order.
func Serve(ctx context.Context, cfg *config.Config, exe string, log *slog.Logger) error {
	paths := PathsOf(cfg.DataDir)
	if err := paths.prepare(); err != nil {
		return err
	}
	st, closeStore, err := openStore(cfg, log)
	if err != nil {
		return err
	}
	defer closeStore()
	if n, err := ImportBootstrapKeys(ctx, st, paths.BootstrapKeys); err != nil {
		return err
	} else if n > 0 {
		log.Info("imported bootstrap keys", "keys", n, "file", paths.BootstrapKeys)
	}
	rt, err := docker.New(ctx)
	if err != nil {
		return fmt.Errorf("docker: %w", err)
	}
	defer rt.Close()
	if err := rt.Ping(ctx); err != nil {
		return fmt.Errorf("docker engine unreachable (is DOCKER_HOST right?): %w", err)
	}

	inspector := asynq.NewInspectorFromRedisClient(st.Client())
	m, err := newMetrics(inspector, log.With("component", "metrics"))
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	// The health monitor checks every replica; the sampler counts a
	// replica whose checks fail as not healthy.
	mon := &monitor.Monitor{
		Store: st, Runtime: rt, Metrics: m, Logger: log.With("component", "monitor"),
		Interval: time.Duration(cfg.CheckInterval), Timeout: time.Duration(cfg.CheckTimeout), Threshold: cfg.CheckThreshold,
	}
	sampler, err := newSampler(m, st, rt, mon.Failing, log.With("component", "sampler"))
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	sampler.Start(ctx)
	defer sampler.Stop()
	rtr := router.New(router.Options{Logger: log.With("component", "router"), Observer: m.Observer()})
	ctrl := &routes.Controller{
		Store: st, Runtime: rt, Router: rtr, Domain: cfg.Domain, DrainTimeout: time.Duration(cfg.DrainTimeout),
		StopTimeout: 10 * time.Second, Logger: log.With("component", "routes"),
	}
	if err := ctrl.Sync(ctx); err != nil {
		log.Warn("routes not fully restored", "err", err)
	}

	box, err := secrets.Load(os.Getenv("KYOZO_SECRET_KEY"), paths.SecretKey)
	if err != nil {
		return err
	}
	deployer := newDeployer(cfg, st, rt, ctrl, box, log.With("component", "deploy"))
	deployer.Metrics = m
	queue := asynqServer(cfg, st, log)
	mux := asynq.NewServeMux()
	mux.Handle(tasks.TypeDeploy, deployer)
	mux.Handle(tasks.TypeOp, deployer)
	if err := queue.Start(mux); err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	client := asynq.NewClientFromRedisClient(st.Client())
	// Reconcile on start (a daemon killed mid-deploy leaves containers
	// nobody owns, or replicas gone) and every minute after.
	oneOffs := new(commands.OneOffs)
	rec := &reconcile.Reconciler{Store: st, Runtime: rt, Queue: client, Logger: log.With("component", "reconcile"), Grace: 2 * time.Minute, OneOffs: oneOffs}
	rctx, stopReconcile := context.WithCancel(context.Background())
	defer stopReconcile()
	go rec.Run(rctx, time.Minute)
	mon.Routes, mon.Queue = ctrl, client
	go mon.Run(rctx)

	repos := &repo.Repos{Root: paths.Repos}
	if err := ensureRepos(ctx, st, repos, log); err != nil {
		return err
	}
	in := &intake.Intake{
		Store: st, Repos: repos, Queue: client, Canceller: inspector,
		Branches: cfg.DeployBranches(), SourceRoot: paths.Sources, Limits: tree.DefaultLimits,
		JobTimeout: time.Duration(cfg.BuildTimeout) + 3*time.Duration(cfg.HealthTimeout) + 10*time.Minute,
		Logger:     log.With("component", "intake"),
	}
	os.Remove(paths.Socket)
	sockL, err := net.Listen("unix", paths.Socket)
	if err != nil {
		return fmt.Errorf("local socket: %w", err)
	}
	os.Chmod(paths.Socket, 0o600)
	sockSrv := &http.Server{Handler: in.Handler(), ReadHeaderTimeout: 10 * time.Second}

	ssh, err := gitserver.New(gitserver.Config{
		Addr: cfg.SSHAddr, HostKeyPath: paths.HostKey, Store: st, Repos: repos,
		HookEnv:  []string{"KYOZO_BIN=" + exe, "KYOZO_SOCKET=" + paths.Socket},
		Logger:   log.With("component", "ssh"),
		Observer: gitObserver{m},
		Events:   st,
		Commands: commands.New(commands.Deps{
			Store: st, Runtime: rt, Repos: repos, Box: box,
			Queue: client, Canceller: inspector,
			Domain: cfg.Domain, URL: deployer.URL,
			JobTimeout: in.JobTimeout,
			Logger:     log,
			Unroute:    func(app string) { rtr.RemoveApp(app) },
			Reroute:    ctrl.Refresh,
			OneOffs:    oneOffs,
		}),
		KeyRemoved: func(k store.Key) {
			if err := RemoveBootstrapKey(paths.BootstrapKeys, k.Fingerprint); err != nil {
				log.Warn("removed key is still in the bootstrap file", "key", k.Name, "err", err)
			}
		},
	})
	if err != nil {
		return err
	}
	sshL, err := net.Listen("tcp", cfg.SSHAddr)
	if err != nil {
		return fmt.Errorf("ssh listener: %w", err)
	}
	routerL, err := net.Listen("tcp", cfg.RouterAddr)
	if err != nil {
		return fmt.Errorf("router listener: %w", err)
	}
	httpL, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("http listener: %w", err)
	}
	routerSrv := router.NewServer(cfg.RouterAddr, rtr, log.With("component", "router"))
	apiSrv := &http.Server{Handler: apiHandler(st, rt, cfg.APIToken), ReadHeaderTimeout: 10 * time.Second}

	errc := make(chan error, 5)
	go func() { errc <- serveErr("ssh", ssh.Serve(sshL)) }()
	go func() { errc <- serveErr("local socket", sockSrv.Serve(sockL)) }()
	go func() { errc <- serveErr("router", routerSrv.Serve(routerL)) }()
	go func() { errc <- serveErr("http", apiSrv.Serve(httpL)) }()
	sctx, stopSwitches := context.WithCancel(context.Background())
	go func() { errc <- serveErr("switch listener", ctrl.Serve(sctx, st.Client(), log)) }()
	log.Info("kyozo serve ready",
		"ssh", sshL.Addr().String(), "router", routerL.Addr().String(), "http", httpL.Addr().String(),
		"data", cfg.DataDir, "domain", cfg.Domain, "workers", cfg.Workers)

	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
		log.Error("a listener failed; shutting down", "err", runErr)
	}

	// The shutdown order of the package documentation.
	log.Info("shutting down: no new pushes")
	sdCtx, cancel := context.WithTimeout(context.Background(), time.Duration(cfg.ShutdownTimeout)+30*time.Second)
	defer cancel()
	ssh.Shutdown(sdCtx)
	log.Info("shutting down: no new deploys; waiting for running ones", "timeout", cfg.ShutdownTimeout)
	queue.Stop()
	queue.Shutdown()
	stopSwitches()
	sockSrv.Shutdown(sdCtx)
	log.Info("shutting down: HTTP listeners")
	routerSrv.Shutdown(sdCtx)
	apiSrv.Shutdown(sdCtx)
	ctrl.Wait()
	client.Close()
	inspector.Close()
	log.Info("stopped; apps keep running")
	return runErr
}

func serveErr(what string, err error) error {
	if err == nil || errors.Is(err, http.ErrServerClosed) || errors.Is(err, gitserver.ErrServerClosed) || errors.Is(err, net.ErrClosed) {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Work runs deploys only (kyozo worker), for more machines sharing the
// queue. Traffic switches go to the daemon through Redis.
func Work(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	if cfg.RedisURL == "" {
		return fmt.Errorf("%w: redis_url: kyozo worker needs the Redis kyozo serve uses (KYOZO_REDIS_URL)", config.ErrInvalid)
	}
	st, closeStore, err := openStore(cfg, log)
	if err != nil {
		return err
	}
	defer closeStore()
	rt, err := docker.New(ctx)
	if err != nil {
		return fmt.Errorf("docker: %w", err)
	}
	defer rt.Close()
	box, err := secrets.Load(os.Getenv("KYOZO_SECRET_KEY"), PathsOf(cfg.DataDir).SecretKey)
	if err != nil {
		return err
	}
	deployer := newDeployer(cfg, st, rt, &routes.Remote{Redis: st.Client()}, box, log.With("component", "deploy"))
	queue := asynqServer(cfg, st, log)
	mux := asynq.NewServeMux()
	mux.Handle(tasks.TypeDeploy, deployer)
	mux.Handle(tasks.TypeOp, deployer)
	if err := queue.Start(mux); err != nil {
		return err
	}
	log.Info("kyozo worker ready", "workers", cfg.Workers)
	<-ctx.Done()
	log.Info("shutting down: no new deploys; waiting for running ones", "timeout", cfg.ShutdownTimeout)
	queue.Stop()
	queue.Shutdown()
	return nil
}

// asynqLogger sends asynq's logs to slog.
type asynqLogger struct{ l *slog.Logger }

func (a asynqLogger) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...)) }
func (a asynqLogger) Info(args ...any)  { a.l.Info(fmt.Sprint(args...)) }
func (a asynqLogger) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...)) }
func (a asynqLogger) Error(args ...any) { a.l.Error(fmt.Sprint(args...)) }
func (a asynqLogger) Fatal(args ...any) { a.l.Error(fmt.Sprint(args...)) }

// ensureRepos brings every app's repository up to date (hooks of this
// version of Kyozo) before pushes are taken.
func ensureRepos(ctx context.Context, st store.Apps, repos *repo.Repos, log *slog.Logger) error {
	apps, err := st.AppsList(ctx)
	if err != nil {
		return err
	}
	for _, a := range apps {
		if _, err := repos.Ensure(ctx, a.Name); err != nil {
			log.Warn("repository not ready", "app", a.Name, "err", err)
		}
	}
	return nil
}
