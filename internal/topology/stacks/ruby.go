package stacks

import (
	"bytes"
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/manifest"
)

// Ruby detects Ruby services run with Bundler: Rails and Sinatra apps,
// other Rack apps (config.ru), and Sidekiq, Resque or GoodJob workers.
//
// Extra keys, read by internal/plan/ruby.go:
//
//	"apt_build"         Debian packages gems need to compile (space-separated)
//	"apt_runtime"       Debian packages gems load at run time (space-separated)
//	"assets_precompile" "1": rails assets:precompile runs at build
//	"bundle_local"      "1": the Gemfile takes gems from a gemspec or local
//	                    paths, so sources are copied before bundle install
//	"node_lockfile"     the node lockfile beside package.json, for an assets build
type Ruby struct{}

// Name implements Detector.
func (Ruby) Name() string { return "ruby" }

// rbNativeGems are gems with C extensions and no precompiled Linux gem:
// installing them needs a compiler.
var rbNativeGems = []string{
	"puma", "nio4r", "bcrypt", "pg", "mysql2", "psych", "msgpack", "bootsnap", "json", "racc",
	"date", "io-console", "bigdecimal", "strscan", "stringio", "websocket-driver", "thin",
	"eventmachine", "redcarpet", "hiredis", "unf_ext", "byebug", "debug", "sassc", "oj",
	"charlock_holmes", "digest-crc", "curb", "erb", "ed25519", "bcrypt_pbkdf", "escape_utils",
}

// rbEntryFiles are the files a plain Ruby service is started from.
var rbEntryFiles = []string{"app.rb", "main.rb", "server.rb", "application.rb", "web.rb"}

type rbDetection struct {
	c    *Context
	r    *Result
	gf   *manifest.Gemfile
	lock *manifest.GemfileLock
	errs []pyParseErr
	// gems are every gem the app installs: the Gemfile's and, when there is
	// a lockfile, the resolved transitive ones.
	gems []string
}

// Detect implements Detector.
func (Ruby) Detect(c *Context) *Result {
	d := c.Dir
	gemspecs := d.WithExt(".gemspec")
	if d.First("Gemfile", "Gemfile.lock", "config.ru") == "" && len(gemspecs) == 0 {
		return nil
	}
	if !c.Has("Gemfile") && len(gemspecs) == 0 && rbInsideProject(c) {
		// A config.ru of a project above (a mounted app, a test fixture).
		return nil
	}
	p := &rbDetection{c: c, r: &Result{Language: "ruby", SourceExts: []string{".rb"}}}
	r := p.r
	p.read()
	p.version()
	if c.Has("Gemfile") {
		r.PackageManager = "bundler"
		r.Because(c.Path("Gemfile"), "bundler gemfile")
		for _, f := range []string{"Gemfile", "Gemfile.lock"} {
			if c.Has(f) {
				r.Lockfiles = append(r.Lockfiles, c.Path(f))
			}
		}
	}
	served := p.framework()
	switch {
	case served:
	case len(gemspecs) > 0:
		r.Library = true
		r.Score = 0.5
		r.Name = strings.TrimSuffix(gemspecs[0], ".gemspec")
		r.Because(c.Path(gemspecs[0]), "gem without a server")
	default:
		r.Library = true
		r.Score = 0.5
		r.Because(c.Path(d.First("Gemfile", "Gemfile.lock", "config.ru")), "ruby project without an entry point")
	}
	p.native()
	if p.gf != nil && (p.gf.Gemspec || slices.ContainsFunc(p.gf.Gems, func(g manifest.Gem) bool { return g.Path != "" })) {
		r.Set("bundle_local", "1")
	}
	if lf := dynNodeLockfile(c); lf != "" {
		r.Set("node_lockfile", lf)
	}
	for _, e := range p.errs {
		r.WarnParse(e.file, e.err)
	}
	return r
}

// rbInsideProject reports whether a folder above this one has a Gemfile.
func rbInsideProject(c *Context) bool {
	for _, d := range c.Up()[1:] {
		if d.Has("Gemfile") {
			return true
		}
	}
	return false
}

func (p *rbDetection) read() {
	c := p.c
	if c.Has("Gemfile") {
		if data, err := c.Read("Gemfile"); err == nil {
			gf, err := manifest.ParseGemfile(data)
			if err != nil {
				p.errs = append(p.errs, pyParseErr{c.Path("Gemfile"), err})
			}
			p.gf = gf
			deps := gf.Runtime()
			slices.Sort(deps)
			p.r.Deps = deps
			p.gems = append(p.gems, deps...)
		}
	}
	if c.Has("Gemfile.lock") {
		if data, err := c.Read("Gemfile.lock"); err == nil {
			lock, err := manifest.ParseGemfileLock(data)
			if err != nil {
				p.errs = append(p.errs, pyParseErr{c.Path("Gemfile.lock"), err})
			}
			p.lock = lock
			for name := range lock.Specs {
				if !slices.Contains(p.gems, name) {
					p.gems = append(p.gems, name)
				}
			}
		}
	}
	slices.Sort(p.gems)
}

// gem reports whether the app installs any of names.
func (p *rbDetection) gem(names ...string) bool { return HasAny(p.gems, names...) }

func (p *rbDetection) version() {
	c, r := p.c, p.r
	set := func(v, file, why string) bool {
		v = strings.TrimPrefix(strings.TrimSpace(v), "ruby-")
		if v == "" || !strings.ContainsAny(v, "0123456789") {
			return false
		}
		r.RuntimeVersion = v
		r.Because(file, why)
		return true
	}
	if v, f := FirstLine(c, ".ruby-version"); set(v, f, "ruby version from .ruby-version") {
		return
	}
	if p.gf != nil {
		if set(p.gf.Ruby, c.Path("Gemfile"), "ruby version from Gemfile") {
			return
		}
		if p.gf.RubyFile != "" {
			if tp, ok := dynTreePath(c.Dir.Path, p.gf.RubyFile); ok && set(pyFirstLine(c, tp), tp, "ruby version from "+p.gf.RubyFile) {
				return
			}
		}
	}
	if p.lock != nil && set(p.lock.Ruby, c.Path("Gemfile.lock"), "ruby version from Gemfile.lock") {
		return
	}
	if v, f := ToolVersion(c, "ruby"); set(v, f, "ruby version pinned") {
		return
	}
}

func (p *rbDetection) gemfile() string {
	if p.c.Has("Gemfile") {
		return p.c.Path("Gemfile")
	}
	return p.c.Path(p.c.Dir.First("Gemfile.lock", "config.ru"))
}

func (p *rbDetection) exists(rel string) bool { return p.c.Tree.Exists(p.c.Path(rel)) }

// framework recognises the framework or worker and sets the start command;
// it reports whether the folder is a service.
func (p *rbDetection) framework() bool {
	c, r := p.c, p.r
	for _, e := range []string{"config/routes.rb", "config/puma.rb", "config.ru"} {
		if p.exists(e) {
			r.Entrypoints = append(r.Entrypoints, e)
		}
	}
	switch {
	case p.gem("rails", "railties") || p.exists("config/application.rb"):
		p.rails()
	case p.gem("sinatra"):
		p.sinatra()
	case c.Has("config.ru"):
		r.PortDefault = 9292
		r.Start = p.rackup()
		r.Because(c.Path("config.ru"), "rack app (config.ru)")
		r.Because(c.Path("config.ru"), "rackup default port 9292")
	case p.gem("sidekiq", "resque", "good_job"):
		return p.worker()
	default:
		entry := c.Dir.First(rbEntryFiles...)
		if entry == "" {
			return false
		}
		r.Entrypoints = append(r.Entrypoints, entry)
		r.Start = "bundle exec ruby " + entry
		if !c.Has("Gemfile") {
			r.Start = "ruby " + entry
		}
		r.Score = 0.7
		r.Because(c.Path(entry), "ruby entry point")
		return true
	}
	r.Score = 0.9
	return true
}

func (p *rbDetection) rails() {
	c, r := p.c, p.r
	r.Framework = "rails"
	r.PortDefault = 3000
	if p.gem("rails", "railties") {
		r.Because(p.gemfile(), "rails in Gemfile")
	} else {
		r.Because(c.Path("config/application.rb"), "config/application.rb")
	}
	r.Because(p.gemfile(), "rails default port 3000")
	if p.exists("config/puma.rb") && p.gem("puma") {
		// Rails' generated puma.rb binds PORT itself.
		r.Start = "bundle exec puma -C config/puma.rb"
		r.Because(c.Path("config/puma.rb"), "puma configuration")
	} else {
		r.Start = "bundle exec rails server -b 0.0.0.0 -p $PORT"
	}
	if p.gem("sprockets-rails", "propshaft", "sprockets") || p.lock == nil && c.Tree.Dir(c.Path("app/assets")) != nil {
		r.Set("assets_precompile", "1")
		r.Because(p.gemfile(), "asset pipeline")
	}
	if p.exists("config/application.rb") {
		r.Entrypoints = append(r.Entrypoints, "config/application.rb")
	}
}

func (p *rbDetection) sinatra() {
	c, r := p.c, p.r
	r.Framework = "sinatra"
	r.Because(p.gemfile(), "sinatra in Gemfile")
	if c.Has("config.ru") {
		r.PortDefault = 9292
		r.Start = p.rackup()
		r.Because(c.Path("config.ru"), "rackup default port 9292")
		return
	}
	r.PortDefault = 4567
	r.Because(p.gemfile(), "sinatra default port 4567")
	for _, f := range append(slices.Clone(rbEntryFiles), c.Dir.WithExt(".rb")...) {
		if !c.Has(f) {
			continue
		}
		data, err := c.Tree.ReadPrefix(c.Path(f), pyPrefix)
		if err != nil || !bytes.Contains(data, []byte("sinatra")) {
			continue
		}
		r.Entrypoints = append(r.Entrypoints, f)
		r.Because(c.Path(f), "requires sinatra")
		// A classic Sinatra file parses -o and -p itself.
		r.Start = "bundle exec ruby " + f + " -o 0.0.0.0 -p $PORT"
		return
	}
}

// rackup returns the command that serves config.ru. rackup left Rack in
// 3.0 and is its own gem; puma serves config.ru under any Rack, so it is
// used when present and the rackup gem is not.
func (p *rbDetection) rackup() string {
	if !p.gem("rackup") && p.gem("puma") {
		return "bundle exec puma -b tcp://0.0.0.0:$PORT"
	}
	return "bundle exec rackup -o 0.0.0.0 -p $PORT"
}

func (p *rbDetection) worker() bool {
	c, r := p.c, p.r
	r.Kind = "worker"
	r.Score = 0.9
	switch FirstOf(p.gems, "sidekiq", "good_job", "resque") {
	case "sidekiq":
		r.Because(p.gemfile(), "sidekiq in Gemfile, no web framework")
		for _, f := range append(slices.Clone(rbEntryFiles), append([]string{"worker.rb", "jobs.rb"}, c.Dir.WithExt(".rb")...)...) {
			if !c.Has(f) {
				continue
			}
			if data, err := c.Tree.ReadPrefix(c.Path(f), pyPrefix); err == nil && bytes.Contains(data, []byte("Sidekiq")) {
				r.Start = "bundle exec sidekiq -r ./" + f
				r.Entrypoints = append(r.Entrypoints, f)
				r.Because(c.Path(f), "sidekiq jobs in "+f)
				return true
			}
		}
		r.Start = "bundle exec sidekiq"
	case "good_job":
		r.Because(p.gemfile(), "good_job in Gemfile, no web framework")
		r.Start = "bundle exec good_job start"
	case "resque":
		r.Because(p.gemfile(), "resque in Gemfile, no web framework")
		r.Start = "QUEUE=* bundle exec rake resque:work"
	}
	return true
}

// native names the Debian packages gems compile and load with.
func (p *rbDetection) native() {
	var build, run []string
	add := func(list *[]string, pkgs ...string) {
		for _, x := range pkgs {
			if !slices.Contains(*list, x) {
				*list = append(*list, x)
			}
		}
	}
	if slices.ContainsFunc(p.gems, func(g string) bool { return slices.Contains(rbNativeGems, g) }) {
		add(&build, "build-essential")
	}
	if p.gem("pg") {
		add(&build, "libpq-dev")
		add(&run, "libpq5")
	}
	if p.gem("mysql2") {
		add(&build, "default-libmysqlclient-dev")
		add(&run, "libmariadb3")
	}
	if p.gem("psych") {
		add(&build, "libyaml-dev")
	}
	if p.gem("ruby-vips") {
		add(&run, "libvips42")
	}
	if p.gf != nil && slices.ContainsFunc(p.gf.Gems, func(g manifest.Gem) bool { return g.Git != "" }) {
		add(&build, "git")
	}
	if len(build) > 0 {
		slices.Sort(build)
		p.r.Set("apt_build", strings.Join(build, " "))
	}
	if len(run) > 0 {
		slices.Sort(run)
		p.r.Set("apt_runtime", strings.Join(run, " "))
	}
}
