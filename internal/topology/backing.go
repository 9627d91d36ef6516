package topology

import (
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"
)

// signal is one piece of evidence that a service uses a backing service.
type signal struct {
	kind *backingKind
	host string // a host name the service uses for it, or ""
	ev   Evidence
	vars []string // the variables the service reads it by
}

// heroku add-on plans and the backing type each provides.
var addons = map[string]string{
	"heroku-postgresql": "postgres", "heroku-redis": "redis", "rediscloud": "redis",
	"redistogo": "redis", "mongolab": "mongodb", "mongohq": "mongodb", "cloudamqp": "rabbitmq",
	"memcachier": "memcached", "bonsai": "elasticsearch", "searchbox": "elasticsearch",
	"heroku-kafka": "kafka", "jawsdb": "mysql", "jawsdb-maria": "mariadb", "cleardb": "mysql",
	"bucketeer": "s3", "dokku-postgres": "postgres", "dokku-redis": "redis",
}

// inferBacking finds the databases, caches, brokers and stores the services
// use, merges them by type, and links them into their users.
func (a *analyzer) inferBacking() {
	byType := map[string]*BackingService{}
	users := map[string]map[string]bool{} // type → service names
	linkVars := map[string]map[string]bool{}
	var types []string

	// Compose services with an image: backing services under their own name.
	composeNamed := map[string]string{} // type → compose name
	for _, ref := range a.composeBack {
		k := kindByImage(ref.svc.Image)
		if k == nil {
			a.addImageService(ref)
			continue
		}
		if _, ok := composeNamed[k.Type]; !ok {
			composeNamed[k.Type] = Normalize(ref.svc.Name)
		}
	}
	for _, u := range a.units {
		for _, sig := range a.signals(u) {
			t := sig.kind.Type
			b := byType[t]
			if b == nil {
				b = &BackingService{Type: t}
				byType[t] = b
				users[t] = map[string]bool{}
				linkVars[t] = map[string]bool{}
				types = append(types, t)
			}
			if b.Name == "" && sig.host != "" {
				b.Name = sig.host
			}
			users[t][u.svc.Name] = true
			for _, v := range sig.vars {
				linkVars[t][v] = true
			}
			if len(b.Evidence) < 8 && !slices.Contains(b.Evidence, sig.ev) {
				b.Evidence = append(b.Evidence, sig.ev)
			}
		}
	}
	// A compose service that the services depend on, with a known image,
	// is a backing service even when nothing else mentions it.
	for _, ref := range a.composeBack {
		k := kindByImage(ref.svc.Image)
		if k == nil {
			continue
		}
		name := Normalize(ref.svc.Name)
		for _, u := range a.units {
			if u.compose != nil && slices.Contains(u.compose.svc.DependsOn, ref.svc.Name) {
				if byType[k.Type] == nil {
					byType[k.Type] = &BackingService{Type: k.Type}
					users[k.Type] = map[string]bool{}
					linkVars[k.Type] = map[string]bool{}
					types = append(types, k.Type)
				}
				users[k.Type][u.svc.Name] = true
				ev := Evidence{ref.file, fmt.Sprintf("compose service %q runs %s", name, ref.svc.Image)}
				if !slices.Contains(byType[k.Type].Evidence, ev) {
					byType[k.Type].Evidence = append(byType[k.Type].Evidence, ev)
				}
			}
		}
	}

	serviceNames := map[string]bool{}
	for _, u := range a.units {
		serviceNames[u.svc.Name] = true
	}
	usedVar := map[string]bool{}
	slices.SortFunc(types, func(x, y string) int { return slices.Index(catalogOrder(), x) - slices.Index(catalogOrder(), y) })
	for _, t := range types {
		k := kindByType(t)
		b := byType[t]
		switch {
		case composeNamed[t] != "":
			b.Name = composeNamed[t]
		case b.Name == "" || serviceNames[b.Name]:
			b.Name = k.Name
		}
		for serviceNames[b.Name] {
			b.Name += "-" + k.Type
		}
		b.Image = k.Image
		if img, ok := a.opts.BackingImages[t]; ok && img != "" {
			b.Image = img
		}
		for _, ref := range a.composeBack {
			if Normalize(ref.svc.Name) == b.Name && ref.svc.Image != "" {
				b.Image = ref.svc.Image
			}
		}
		b.Port = k.Port
		b.DataPath = k.DataPath
		if k.DataPath != "" {
			b.Volume = b.Name + "-data"
		}
		b.Container = maps.Clone(k.Container)
		b.Command = slices.Clone(k.Command)
		b.Health = slices.Clone(k.Health)
		b.Secrets = slices.Clone(k.Secrets)
		// Link under the variable the users read, else the type's own;
		// two databases cannot both be DATABASE_URL.
		b.Env = map[string]string{}
		link := k.LinkVar
		if usedVar[link] {
			link = k.Vars[0]
		}
		vars := slices.Sorted(maps.Keys(linkVars[t]))
		if !slices.Contains(vars, link) && !anyURLVar(vars) {
			vars = append(vars, link)
		}
		for _, v := range vars {
			if usedVar[v] {
				continue
			}
			if val := linkValue(k, b.Name, v); val != "" {
				b.Env[v] = val
				usedVar[v] = true
			}
		}
		if len(b.Env) == 0 {
			b.Env[link] = k.URL(b.Name)
			usedVar[link] = true
		}
		b.UsedBy = slices.Sorted(maps.Keys(users[t]))
		a.backing = append(a.backing, b)
	}
	// Services depend on what they use.
	for _, b := range a.backing {
		for _, u := range a.units {
			if slices.Contains(b.UsedBy, u.svc.Name) {
				a.edge(u.svc.Name, b.Name, firstFile(b.Evidence))
			}
		}
	}
}

func catalogOrder() []string {
	out := make([]string, len(catalog))
	for i, k := range catalog {
		out[i] = k.Type
	}
	return out
}

func anyURLVar(vars []string) bool {
	for _, v := range vars {
		if isURLVar(v) {
			return true
		}
	}
	return false
}

func isURLVar(v string) bool {
	for _, s := range []string{"_URL", "_URI", "_ENDPOINT", "_SERVERS", "_BROKERS", "_BROKER", "_ADDR", "_ADDRESS", "_BOOTSTRAP_SERVERS"} {
		if strings.HasSuffix(v, s) {
			return true
		}
	}
	return false
}

// linkValue is what a variable of a backing service is set to in its users.
func linkValue(k *backingKind, host, v string) string {
	switch {
	case strings.HasSuffix(v, "_HOST") || v == "PGHOST":
		return host
	case strings.HasSuffix(v, "_PORT"):
		return fmt.Sprint(k.Port)
	case isURLVar(v):
		return k.URL(host)
	}
	return ""
}

func firstFile(ev []Evidence) string {
	if len(ev) > 0 {
		return ev[0].File
	}
	return ""
}

// addImageService records a compose service with an image Kyozo does not
// know as a backing service of its own type, so nothing in the compose
// file is silently dropped.
func (a *analyzer) addImageService(ref composeRef) {
	name := Normalize(ref.svc.Name)
	if name == "" {
		return
	}
	b := &BackingService{
		Name:     name,
		Type:     "container",
		Image:    ref.svc.Image,
		Evidence: []Evidence{{ref.file, fmt.Sprintf("compose service %q runs %s", ref.svc.Name, ref.svc.Image)}},
	}
	if len(ref.svc.Ports) > 0 {
		b.Port = ref.svc.Ports[0]
	}
	for _, v := range ref.svc.Volumes {
		if v.Type == "volume" && v.Source != "" {
			b.Volume, b.DataPath = Normalize(v.Source), v.Target
			break
		}
	}
	for _, u := range a.units {
		if u.compose != nil && slices.Contains(u.compose.svc.DependsOn, ref.svc.Name) {
			b.UsedBy = append(b.UsedBy, u.svc.Name)
		}
	}
	slices.Sort(b.UsedBy)
	a.backing = append(a.backing, b)
	for _, user := range b.UsedBy {
		a.edge(user, b.Name, ref.file)
	}
}

// signals gathers every hint that a service uses a backing service.
func (a *analyzer) signals(u *unit) []signal {
	var out []signal
	r := u.res
	sc := u.scan
	// Client libraries.
	if r != nil {
		file := firstEvidenceFile(r, u.dir)
		for _, d := range r.Deps {
			if k := kindByDep(d); k != nil {
				out = append(out, signal{kind: k, ev: Evidence{file, d + " in dependencies"}})
			}
		}
	}
	// Values of variables in env files and compose: URLs and host names.
	vals := map[string]envVal{}
	for n, v := range sc.envVals {
		vals[n] = v
	}
	if u.compose != nil {
		for n, v := range u.compose.svc.Env {
			vals[n] = envVal{v, u.compose.file}
		}
	}
	names := slices.Sorted(maps.Keys(vals))
	for _, n := range names {
		v := vals[n]
		if k, host := kindOfValue(v.value); k != nil {
			out = append(out, signal{kind: k, host: host, vars: []string{n}, ev: Evidence{v.file, n + " points at " + k.Type}})
			continue
		}
		if strings.HasSuffix(n, "_HOST") {
			if k := kindByHost(v.value); k != nil {
				out = append(out, signal{kind: k, host: hostName(v.value), vars: []string{n}, ev: Evidence{v.file, n + " names a " + k.Type + " host"}})
				continue
			}
		}
		if k := laravelDriver(n, v.value); k != nil {
			out = append(out, signal{kind: k, ev: Evidence{v.file, n + "=" + v.value}})
		}
	}
	// Variable names alone (documented or referenced).
	var sawDatabaseURL string
	for _, n := range u.svc.Env {
		if n == "DATABASE_URL" {
			sawDatabaseURL = firstNonEmpty(sc.envDocs[n], sc.env[n], u.dir)
			continue
		}
		if k := kindByVar(n); k != nil {
			out = append(out, signal{kind: k, vars: []string{n}, ev: Evidence{firstNonEmpty(sc.envDocs[n], sc.env[n], u.dir), "reads " + n}})
		}
	}
	// URLs and hosts in code.
	for _, ref := range sc.urls {
		if k := kindByScheme(ref.scheme); k != nil {
			out = append(out, signal{kind: k, host: hostName(ref.host), ev: Evidence{ref.file, ref.scheme + ":// URL in code"}})
		} else if k := kindByHost(ref.host); k != nil && (ref.port == 0 || ref.port == k.Port) {
			out = append(out, signal{kind: k, host: hostName(ref.host), ev: Evidence{ref.file, "URL to host " + ref.host}})
		}
	}
	for _, h := range sc.hosts {
		k := kindByHost(h.host)
		if k == nil && h.hint != "" {
			k = kindByType(h.hint)
		}
		if k == nil && h.key != "host" {
			k = kindByVar(h.key + "_HOST")
		}
		if k != nil {
			out = append(out, signal{kind: k, host: hostName(h.host), ev: Evidence{h.file, "host " + h.host + " in code"}})
		}
	}
	for lit, file := range sc.literals {
		if k := kindByLiteral(lit); k != nil {
			out = append(out, signal{kind: k, ev: Evidence{file, "configured for " + k.Type}})
		}
	}
	// app.json add-ons.
	if aj, file := a.appJSON(u.dir); aj != nil {
		for _, plan := range aj.Addons {
			if t, ok := addons[plan]; ok {
				out = append(out, signal{kind: kindByType(t), ev: Evidence{file, "add-on " + plan}})
			}
		}
	}
	// DATABASE_URL without a value says "a database": the one the other
	// signals name, else PostgreSQL (Heroku's meaning of it).
	if sawDatabaseURL != "" {
		var db *backingKind
		for _, s := range out {
			if s.kind.Type == "postgres" || s.kind.Type == "mysql" || s.kind.Type == "mariadb" || s.kind.Type == "mongodb" {
				db = s.kind
				break
			}
		}
		if db == nil {
			db = kindByType("postgres")
		}
		out = append(out, signal{kind: db, vars: []string{"DATABASE_URL"}, ev: Evidence{sawDatabaseURL, "reads DATABASE_URL"}})
	}
	slices.SortStableFunc(out, func(x, y signal) int { return strings.Compare(x.ev.File, y.ev.File) })
	return out
}

// kindOfValue recognises a backing service in a variable's value: a URL
// with a known scheme, or a URL or host:port whose host means one.
func kindOfValue(v string) (*backingKind, string) {
	v = strings.TrimSpace(v)
	scheme, rest, ok := strings.Cut(v, "://")
	if !ok {
		return nil, ""
	}
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		rest = rest[at+1:]
	}
	host := rest
	if i := strings.IndexAny(host, "/?#,"); i >= 0 {
		host = host[:i]
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if k := kindByScheme(strings.TrimPrefix(scheme, "jdbc:")); k != nil {
		return k, hostName(host)
	}
	if k := kindByHost(host); k != nil && (scheme == "http" || scheme == "https") {
		return k, hostName(host)
	}
	return nil, ""
}

// hostName returns h when it can name a container on the app's network
// (not localhost, not an address, not a domain), else "".
func hostName(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	if h == "" || h == "localhost" || strings.Contains(h, ".") || net.ParseIP(h) != nil || strings.ContainsAny(h, "${}") {
		return ""
	}
	if !ValidName(h) {
		return ""
	}
	return h
}

// laravelDriver reads Laravel's DB_CONNECTION and *_DRIVER/_STORE/_CONNECTION=redis.
func laravelDriver(name, value string) *backingKind {
	value = strings.ToLower(strings.TrimSpace(value))
	if name == "DB_CONNECTION" {
		switch value {
		case "pgsql", "postgres", "postgresql":
			return kindByType("postgres")
		case "mysql":
			return kindByType("mysql")
		case "mariadb":
			return kindByType("mariadb")
		case "mongodb":
			return kindByType("mongodb")
		}
		return nil
	}
	if value == "redis" && (strings.HasSuffix(name, "_DRIVER") || strings.HasSuffix(name, "_STORE") || strings.HasSuffix(name, "_CONNECTION")) {
		return kindByType("redis")
	}
	if value == "memcached" && (strings.HasSuffix(name, "_DRIVER") || strings.HasSuffix(name, "_STORE")) {
		return kindByType("memcached")
	}
	return nil
}

func kindByLiteral(lit string) *backingKind {
	switch {
	case strings.Contains(lit, "postgres"), strings.Contains(lit, "Postgres"):
		return kindByType("postgres")
	case strings.Contains(lit, "mysql"), strings.Contains(lit, "MyXQL"), strings.Contains(lit, "trilogy"):
		return kindByType("mysql")
	case strings.Contains(lit, "mongodb"):
		return kindByType("mongodb")
	case strings.Contains(lit, "redis"):
		return kindByType("redis")
	}
	return nil
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
