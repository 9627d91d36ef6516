package topology

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/kyozo/kyozo/internal/lazyre"
	"github.com/kyozo/kyozo/internal/manifest"
	"github.com/kyozo/kyozo/internal/topology/stacks"
	"github.com/kyozo/kyozo/internal/tree"
)

// FallbackPort is the port a web service is given when nothing in the tree
// names one: Kyozo sets PORT to it, as Heroku does with its own.
const FallbackPort = 8080

// dirScan is what a folder's code and env files say, shared by every unit
// built from the folder.
type dirScan struct {
	*scanResult
	envDocs     map[string]string // documented names (.env.example …) → file
	envVals     map[string]envVal // values from every env file, never printed
	envPort     int
	envPortFile string
}

type envVal struct {
	value, file string
}

// exampleEnvFiles document a service's variables; .env holds real values
// and is read for names and non-secret facts (a port, a URL's scheme) only.
var exampleEnvFiles = []string{
	".env.example", ".env.sample", ".env.template", ".env.dist", ".env.defaults",
	".env.local.example", ".env.development.example", "example.env", "sample.env", ".env",
}

// commandPort finds a literal port in a start command (Procfile, compose).
var commandPort = []*lazyre.Regexp{
	lazyre.New(`(?:--port|-p|--listen|-l)[= ]?(?:[\w.]*:)?(\d{2,5})\b`),
	lazyre.New(`(?:--bind|-b)[= ]?(?:[\w.\[\]:]*):(\d{2,5})\b`),
	lazyre.New(`(?:0\.0\.0\.0|\[::\]):(\d{2,5})\b`),
}

// healthURL finds the path of an HTTP health check command.
var healthURL = lazyre.New(`https?://[^/\s"']+(/[A-Za-z0-9/_.~-]*)`)

// buildServices turns units into services, scanning each folder once.
func (a *analyzer) buildServices() {
	scans := map[string]*dirScan{}
	var dirs []string
	for _, u := range a.units {
		if _, ok := scans[u.dir]; !ok {
			scans[u.dir] = nil
			dirs = append(dirs, u.dir)
		}
	}
	owned := map[string]bool{}
	for _, u := range a.units {
		owned[u.dir] = true
	}
	for _, l := range a.libs {
		owned[l.dir] = true
	}
	out := make([]*dirScan, len(dirs))
	_ = parallel(a.ctx, len(dirs), func(i int) {
		out[i] = a.scanDir(dirs[i], owned)
	})
	for i, d := range dirs {
		scans[d] = out[i]
	}
	for _, u := range a.units {
		u.scan = scans[u.dir]
		if u.scan == nil {
			u.scan = &dirScan{scanResult: &scanResult{env: map[string]string{}, literals: map[string]string{}}}
		}
		u.svc = a.service(u)
	}
}

// scanDir reads a folder's source and env files. Folders owned by other
// units are left to them.
func (a *analyzer) scanDir(dir string, owned map[string]bool) *dirScan {
	exclude := map[string]bool{}
	for o := range owned {
		if o != dir && (dir == "." || strings.HasPrefix(o, dir+"/")) {
			exclude[o] = true
		}
	}
	var exts, entry []string
	for _, r := range a.found[dir] {
		exts = append(exts, r.SourceExts...)
		entry = append(entry, r.Entrypoints...)
	}
	files := sourceFiles(a.t, dir, exts, entry, exclude)
	ds := &dirScan{scanResult: scanFiles(a.t, files), envDocs: map[string]string{}, envVals: map[string]envVal{}}
	d := a.t.Dir(dir)
	for _, name := range exampleEnvFiles {
		if !d.Has(name) {
			continue
		}
		file := d.Join(name)
		data, err := a.t.ReadFile(file)
		if err != nil {
			continue
		}
		env, err := manifest.ParseDotenv(data)
		if err != nil {
			a.mu.Lock()
			a.warn(file, manifest.ErrorLine(err), "cannot parse: "+errMsg(err))
			a.mu.Unlock()
			continue
		}
		for _, n := range env.Names {
			if _, ok := ds.envDocs[n]; !ok {
				ds.envDocs[n] = file
			}
			if _, ok := ds.envVals[n]; !ok {
				ds.envVals[n] = envVal{env.Values[n], file}
			}
		}
		if p, err := strconv.Atoi(env.Values["PORT"]); err == nil && p > 0 && p < 65536 && ds.envPort == 0 {
			ds.envPort, ds.envPortFile = p, file
		}
	}
	return ds
}

// service builds the Service of a unit.
func (a *analyzer) service(u *unit) *Service {
	s := &Service{Path: u.dir}
	r := u.res
	sc := u.scan
	var ev []Evidence
	conf := 0.5
	if r != nil {
		s.Language, s.Framework, s.PackageManager, s.RuntimeVersion = r.Language, r.Framework, r.PackageManager, r.RuntimeVersion
		s.StartCommand, s.BuildCommand = r.Start, r.Build
		s.BuildContext = r.BuildContext
		s.Build = BuildHints{Target: r.Target, Lockfiles: slices.Clone(r.Lockfiles), Extra: r.Extra}
		for _, e := range r.Evidence {
			ev = append(ev, Evidence(e))
		}
		conf = r.Score
	} else {
		s.Language = "docker"
	}
	if s.BuildContext == "" {
		s.BuildContext = u.dir
	}
	if u.assets != nil {
		s.Build.Assets, s.Build.AssetsBuild = "node", u.assets.Build
		for _, l := range u.assets.Lockfiles {
			if !slices.Contains(s.Build.Lockfiles, l) {
				s.Build.Lockfiles = append(s.Build.Lockfiles, l)
			}
		}
		ev = append(ev, Evidence{tree.Join(u.dir, "package.json"), "front-end assets built with `" + u.assets.Build + "` as part of the build"})
	}

	// The repository's own Dockerfile.
	var df *manifest.Dockerfile
	dfFile := tree.Join(u.dir, "Dockerfile")
	if u.compose != nil && u.compose.svc.Dockerfile != "" {
		if p, ok := treeJoin(u.compose.ctx, u.compose.svc.Dockerfile); ok {
			dfFile = p
		}
	}
	if a.t.Exists(dfFile) && r != nil && r.Score < 0.5 && (r.Language == "static" || r.Language == "shell") {
		// A loose index.html or script beside a Dockerfile says nothing of
		// how the service runs: the Dockerfile does.
		r = nil
		s.Language, s.Framework, s.PackageManager, s.RuntimeVersion, s.StartCommand, s.BuildCommand = "docker", "", "", "", "", ""
		s.Build = BuildHints{}
		ev = nil
		conf = 0.5
	}
	if a.t.Exists(dfFile) {
		s.Dockerfile = Dockerfile{Source: "repo", Path: dfFile}
		ev = append(ev, Evidence{dfFile, "the repository's own Dockerfile builds it"})
		data, err := a.t.ReadFile(dfFile)
		if err == nil {
			df, err = manifest.ParseDockerfile(data)
		}
		if err != nil {
			a.warn(dfFile, manifest.ErrorLine(err), "cannot parse: "+errMsg(err))
			conf -= 0.2
		}
		if r == nil {
			conf = 0.6
		}
	} else {
		s.Dockerfile = Dockerfile{Source: "generated"}
	}

	// Start command: what the repository declares runs wins over what the
	// stack suggests, and a declaration is strong evidence of a service.
	switch {
	case u.compose != nil && len(u.compose.svc.Command) > 0:
		s.StartCommand = strings.Join(u.compose.svc.Command, " ")
		ev = append(ev, Evidence{u.compose.file, fmt.Sprintf("start command from compose service %q", u.compose.svc.Name)})
		s.Build.CommandDeclared = true
		conf += 0.2
	case u.proc != nil:
		s.StartCommand = u.proc.Command
		ev = append(ev, Evidence{tree.Join(u.dir, "Procfile"), fmt.Sprintf("start command from Procfile %q process (line %d)", u.proc.Type, u.proc.Line)})
		s.Build.CommandDeclared = true
		conf += 0.2
	case df != nil && (len(df.Cmd) > 0 || len(df.Entrypoint) > 0):
		s.StartCommand = df.StartCommand()
		ev = append(ev, Evidence{dfFile, "start command from CMD/ENTRYPOINT"})
		conf += 0.1
	}

	// Port, in order of authority.
	type cand struct {
		port         int
		file, reason string
	}
	var ports []cand
	if df != nil && len(df.Expose) > 0 {
		ports = append(ports, cand{df.Expose[0], dfFile, "EXPOSE in Dockerfile"})
	}
	if u.compose != nil && len(u.compose.svc.Ports) > 0 {
		ports = append(ports, cand{u.compose.svc.Ports[0], u.compose.file, "container port in compose"})
	}
	if u.proc != nil {
		if p := portInCommand(u.proc.Command); p > 0 {
			ports = append(ports, cand{p, tree.Join(u.dir, "Procfile"), "port in the Procfile command"})
		}
	}
	if r != nil && r.Port > 0 {
		ports = append(ports, cand{r.Port, firstEvidenceFile(r, u.dir), "port in the " + r.Language + " configuration"})
	}
	if p := portInCommand(s.StartCommand); p > 0 {
		ports = append(ports, cand{p, firstEvidenceFile(r, u.dir), "port in the start command"})
	}
	// A static site's code names its dev server's port, not the port its
	// files are served on.
	static := r != nil && r.Kind == string(KindStatic)
	if sc.port > 0 && !static {
		ports = append(ports, cand{sc.port, sc.scanResult.portFile, sc.portReason})
	}
	if sc.envPort > 0 && !static {
		ports = append(ports, cand{sc.envPort, sc.envPortFile, "PORT in env file"})
	}
	defaultPort := false
	if r != nil && r.PortDefault > 0 {
		ports = append(ports, cand{r.PortDefault, firstEvidenceFile(r, u.dir), s.frameworkOr() + " default port"})
	}
	if len(ports) > 0 {
		s.Port = ports[0].port
		ev = append(ev, Evidence{ports[0].file, ports[0].reason})
		defaultPort = r != nil && len(ports) == 1 && r.PortDefault > 0
		if !defaultPort {
			conf += 0.05
		}
	}

	s.Kind = a.kind(u, r, s, df)
	switch s.Kind {
	case KindWorker, KindJob:
		s.Port = 0
	case KindWeb:
		if s.Port == 0 {
			s.Port = FallbackPort
			reason := fmt.Sprintf("no port in the tree: PORT is set to %d and the service must listen on it", FallbackPort)
			ev = append(ev, Evidence{u.dir, reason})
			conf -= 0.1
		}
	}

	// Health check path, for services that answer HTTP.
	if s.Kind == KindWeb || s.Kind == KindStatic {
		switch {
		case df != nil && df.Healthcheck != nil && !df.Healthcheck.None:
			if p := healthPath(df.Healthcheck.Test); stacks.ValidHealthPath(p) {
				s.HealthCheck = &HealthCheck{Path: p}
				ev = append(ev, Evidence{dfFile, "HEALTHCHECK in Dockerfile"})
			}
		case u.compose != nil && stacks.ValidHealthPath(healthPath(u.compose.svc.Health)):
			s.HealthCheck = &HealthCheck{Path: healthPath(u.compose.svc.Health)}
			ev = append(ev, Evidence{u.compose.file, "healthcheck in compose"})
		}
		if s.HealthCheck == nil {
			if p, file := a.appJSONHealth(u.dir); stacks.ValidHealthPath(p) {
				s.HealthCheck = &HealthCheck{Path: p}
				ev = append(ev, Evidence{file, "healthchecks in app.json"})
			}
		}
		if s.HealthCheck == nil && r != nil && stacks.ValidHealthPath(r.Health) {
			s.HealthCheck = &HealthCheck{Path: r.Health}
			ev = append(ev, Evidence{firstEvidenceFile(r, u.dir), "health endpoint of the " + s.frameworkOr()})
		}
		if s.HealthCheck == nil && sc.health != "" {
			s.HealthCheck = &HealthCheck{Path: sc.health}
			ev = append(ev, Evidence{sc.healthFile, "route " + sc.health + " in code"})
		}
	}

	// Environment variable names: documented, referenced, declared.
	env := map[string]bool{}
	for n := range sc.envDocs {
		env[n] = true
	}
	for n := range sc.env {
		env[n] = true
	}
	if r != nil {
		for _, n := range r.Env {
			env[n] = true
		}
	}
	if u.compose != nil {
		for n := range u.compose.svc.Env {
			env[n] = true
		}
	}
	for _, n := range a.appJSONEnv(u.dir) {
		env[n] = true
	}
	for n := range env {
		if !systemEnv[n] && manifestEnvName(n) {
			s.Env = append(s.Env, n)
		}
	}
	slices.Sort(s.Env)

	s.Resources = recommend(s)
	s.Confidence = math.Round(min(max(conf, 0.05), 0.99)*100) / 100
	s.Evidence = dedupeEvidence(ev)
	return s
}

// kind decides how a service runs.
func (a *analyzer) kind(u *unit, r *stacks.Result, s *Service, df *manifest.Dockerfile) Kind {
	if u.proc != nil {
		switch u.proc.Type {
		case "web":
			return KindWeb
		case "release":
			return KindJob
		}
		return KindWorker
	}
	if u.compose != nil && len(u.compose.svc.Ports) == 0 && len(u.compose.svc.Command) > 0 &&
		r != nil && strings.Join(u.compose.svc.Command, " ") != r.Start {
		return KindWorker
	}
	if u.compose != nil && u.compose.svc.Restart == "no" && len(u.compose.svc.Ports) == 0 {
		return KindJob
	}
	if r != nil && r.Kind != "" {
		return Kind(r.Kind)
	}
	if s.Port > 0 || df != nil && len(df.Expose) > 0 {
		return KindWeb
	}
	return KindWorker
}

func (s *Service) frameworkOr() string {
	if s.Framework != "" {
		return s.Framework
	}
	return s.Language
}

func firstEvidenceFile(r *stacks.Result, dir string) string {
	if r != nil && len(r.Evidence) > 0 {
		return r.Evidence[0].File
	}
	return dir
}

// portInCommand finds a literal port in a command line.
func portInCommand(cmd string) int {
	for _, re := range commandPort {
		if m := re.Re().FindStringSubmatch(cmd); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n > 0 && n < 65536 {
				return n
			}
		}
	}
	return 0
}

// healthPath extracts the URL path an HTTP health check command requests.
func healthPath(test []string) string {
	if m := healthURL.Re().FindStringSubmatch(strings.Join(test, " ")); m != nil {
		return m[1]
	}
	return ""
}

// manifestEnvName accepts names a container's environment can carry.
func manifestEnvName(n string) bool {
	if n == "" || len(n) > 128 {
		return false
	}
	for i, c := range n {
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// appJSON returns the folder's app.json, parsed once; a malformed one is
// reported once and otherwise ignored.
func (a *analyzer) appJSON(dir string) (*manifest.AppJSON, string) {
	file := tree.Join(dir, "app.json")
	if !a.t.Exists(file) {
		return nil, ""
	}
	if aj, ok := a.appJSONs[file]; ok {
		return aj, file
	}
	var aj *manifest.AppJSON
	data, err := a.t.ReadFile(file)
	if err == nil {
		aj, err = manifest.ParseAppJSON(data)
	}
	if err != nil {
		a.warn(file, manifest.ErrorLine(err), "cannot parse: "+errMsg(err))
	}
	if a.appJSONs == nil {
		a.appJSONs = map[string]*manifest.AppJSON{}
	}
	a.appJSONs[file] = aj
	return aj, file
}

func (a *analyzer) appJSONHealth(dir string) (string, string) {
	aj, file := a.appJSON(dir)
	if aj == nil {
		return "", ""
	}
	for _, h := range aj.Healthchecks["web"] {
		if h.Path != "" && (h.Type == "" || h.Type == "startup" || h.Type == "readiness" || h.Type == "liveness") {
			return h.Path, file
		}
	}
	return "", ""
}

func (a *analyzer) appJSONEnv(dir string) []string {
	aj, _ := a.appJSON(dir)
	if aj == nil {
		return nil
	}
	return aj.Env
}

func dedupeEvidence(ev []Evidence) []Evidence {
	var out []Evidence
	seen := map[Evidence]bool{}
	for _, e := range ev {
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	return out
}
