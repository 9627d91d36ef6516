package topology

import (
	"bytes"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/kyozo/kyozo/internal/lazyre"
	"github.com/kyozo/kyozo/internal/tree"
)

// Source scanning: what a service's own code says about its port, health
// route, environment and the hosts it talks to. Every pattern has a literal
// that must occur in the file before the expression runs, so a file that
// cannot match costs one bytes.Contains.

// pattern is a regular expression guarded by a literal prefilter.
type pattern struct {
	lit string
	re  *lazyre.Regexp
}

func (p pattern) find(data []byte) [][][]byte {
	if p.lit != "" && !bytes.Contains(data, []byte(p.lit)) {
		return nil
	}
	return p.re.Re().FindAllSubmatch(data, 16)
}

func pat(lit, re string) pattern { return pattern{lit, lazyre.New(re)} }

const envName = `([A-Za-z_][A-Za-z0-9_]*)`

var envPatterns = []pattern{
	pat("process.env", `process\.env\.([A-Z_][A-Z0-9_]*)`),
	pat("process.env[", `process\.env\[\s*["'`+"`"+`]`+envName+`["'`+"`"+`]\s*\]`),
	pat("import.meta.env.", `import\.meta\.env\.([A-Z_][A-Z0-9_]*)`),
	pat("Deno.env.get", `Deno\.env\.get\(\s*["']`+envName+`["']`),
	pat("Bun.env.", `Bun\.env\.([A-Z_][A-Z0-9_]*)`),
	pat("environ", `os\.environ(?:\.get\(\s*|\[\s*)["']`+envName+`["']`),
	pat("etenv", `(?:[Gg]etenv|os\.Getenv)\(\s*["']`+envName+`["']`),
	pat("LookupEnv", `LookupEnv\(\s*"`+envName+`"`),
	pat("ENV", `\bENV(?:\[\s*|\.fetch\(\s*)["']`+envName+`["']`),
	pat("env(", `\benv\(\s*['"]([A-Z_][A-Z0-9_]*)['"]`),
	pat("$_", `\$_(?:ENV|SERVER)\[\s*['"]([A-Z_][A-Z0-9_]*)['"]`),
	pat("GetEnvironmentVariable", `GetEnvironmentVariable\(\s*"`+envName+`"`),
	pat("env::var", `env::var(?:_os)?\(\s*"`+envName+`"`),
	pat("env!(", `\benv!\(\s*"`+envName+`"`),
	pat("System.", `System\.(?:get_env|fetch_env!?|getenv)\(\s*"`+envName+`"`),
	pat("Platform.environment", `Platform\.environment\[\s*['"]`+envName+`['"]`),
	pat("Environment.get", `Environment\.get\(\s*"`+envName+`"`),
	pat("Env", `\b(?:lookupEnv|getEnv)\s+"`+envName+`"`),
	pat("getEnvVarOwned", `getEnvVarOwned\([^,]*,\s*"`+envName+`"`),
	pat("ENVIRONMENT", `ACCEPT\s+\S+\s+FROM\s+ENVIRONMENT\s+"`+envName+`"`),
}

// placeholderEnv reads ${NAME} and ${NAME:default} in configuration files
// (Spring's application.yml, shell scripts), where they are variable uses.
var placeholderEnv = pat("${", `\$\{([A-Z_][A-Z0-9_]*)(?::-?[^}]*)?\}`)

// System variables a program reads but nobody configures.
var systemEnv = map[string]bool{
	"PATH": true, "HOME": true, "USER": true, "PWD": true, "SHELL": true, "TERM": true,
	"LANG": true, "HOSTNAME": true, "TMPDIR": true, "PORT": true, "LOGNAME": true,
	"OLDPWD": true, "SHLVL": true, "LC_ALL": true, "IFS": true, "RANDOM": true,
	"UID": true, "EUID": true, "PPID": true, "BASH_SOURCE": true, "SECONDS": true,
}

// portSource ranks where a port came from; higher wins.
type portSource int

const (
	portNone portSource = iota
	portAssign
	portListen
	portDefault
)

type portPattern struct {
	pattern
	src    portSource
	reason string
}

func portPat(src portSource, reason, lit, re string) portPattern {
	return portPattern{pat(lit, re), src, reason}
}

var portPatterns = []portPattern{
	portPat(portDefault, "PORT default in code", "PORT",
		`\bPORT\b["'`+"`"+`\]\)]*\s*\)?\s*(?:\|\||\?\?|\?:|,|\bor\b|:-|\{|\|)\s*\(?\s*["']?(\d{2,5})\b`),
	portPat(portDefault, "PORT default in code", "PORT",
		`\bPORT\b[^;\n]{0,100}?\.(?:unwrap_or|unwrapOr|orElse|getOrElse|or)\(\s*["']?(\d{2,5})\b`),
	portPat(portListen, "listen call", "listen", `\.listen\(\s*(\d{2,5})\b`),
	portPat(portListen, "listen address", "(", `(?:ListenAndServe(?:TLS)?|\.Listen|\.Run|\.Start|\.Serve)\(\s*"[^"]*:(\d{2,5})"`),
	portPat(portListen, "run(port=…)", "port", `\b(?:run|serve|run_app|listen)\([^)\n]*\bport\s*=\s*(\d{2,5})\b`),
	portPat(portListen, "bind address", "0.0.0.0:", `0\.0\.0\.0:(\d{2,5})\b`),
	portPat(portListen, "bind address", "[::]:", `\[::\]:(\d{2,5})\b`),
	portPat(portListen, "socket address", "SocketAddr", `SocketAddr(?:V4)?::(?:from|new)\(\s*\(?\s*\[[^\]]*\]\s*,\s*(\d{2,5})\s*\)`),
	portPat(portListen, "bind call", "bind", `\.bind\(\s*\(\s*"[^"]*"\s*,\s*(\d{2,5})\s*\)`),
	portPat(portListen, "bind call", "bind", `\bbind\(\s*"[^"]*:(\d{2,5})"`),
	portPat(portListen, "port setting", "port", `\.port\(\s*(\d{2,5})\s*\)`),
	portPat(portListen, "--port flag", "-port", `--port[= ](\d{2,5})\b`),
	portPat(portListen, "listener port", "-l", `\bnc\b[^\n]*?-l[kp]*\s+(?:-p\s*)?(\d{2,5})\b`),
	portPat(portListen, "httpd -p", "httpd", `\bhttpd\b[^\n]*?-p\s*(?:\S*:)?(\d{2,5})\b`),
	portPat(portListen, "http.server port", "http.server", `http\.server\s+(\d{2,5})\b`),
	portPat(portAssign, "port assignment", "ort", `(?i:\bport)\b["']?\s*(?::=|=|:)\s*["']?:?(\d{2,5})\b`),
}

// Ports of backing services: a literal one in a service's code is a client
// talking to a database, not the service's own port.
var backingPorts = map[int]bool{
	5432: true, 3306: true, 6379: true, 27017: true, 5672: true, 15672: true, 9092: true,
	4222: true, 9200: true, 9300: true, 11211: true, 9000: true, 2181: true, 8086: true,
}

var healthRoutes = []string{
	"/healthz", "/health", "/api/health", "/livez", "/readyz", "/ready", "/up",
	"/_health", "/healthcheck", "/health-check", "/ping", "/status",
}

var healthPatterns = []pattern{
	pat("/", `["'`+"`"+`](/(?:api/)?(?:healthz|health|livez|readyz|ready|up|_health|healthcheck|health-check|ping|status))["'`+"`"+`?]`),
	// Rails: get "up" => "rails/health#show"
	pat("up", `\bget\s+["']up["']`),
}

// urlPattern finds scheme://[user[:pass]@]host[:port] in code and config.
var urlPattern = pat("://", `\b([a-z][a-z0-9+.-]{1,20})://(?:[^\s:@/"'`+"`"+`]+(?::[^\s@/"'`+"`"+`]*)?@)?([A-Za-z0-9_.-]+)(?::(\d{1,5}))?`)

// hostPatterns find host names given to clients: Redis(host="cache"),
// {host: 'db'}, REDIS_HOST=redis.
var hostPatterns = []pattern{
	pat("host", `\bhost(?:name)?\s*[=:]\s*["']([a-z][a-z0-9_-]{0,62})["']`),
	pat("_HOST", `\b([A-Z][A-Z0-9_]*)_HOST\s*[=:]\s*["']?([a-z][a-z0-9_-]{0,62})\b`),
}

// nameport finds name:port pairs ("api:8080"); only names of services count.
var nameport = pat(":", `\b([a-z][a-z0-9-]{0,62}):(\d{2,5})\b`)

// scanResult is what one service's files say.
type scanResult struct {
	port       int
	portSrc    portSource
	portFile   string
	portReason string
	health     string
	healthFile string
	env        map[string]string // name → first file
	urls       []urlRef
	hosts      []hostRef
	nameports  []hostRef
	literals   map[string]string // marker → file, e.g. "django.db.backends.postgresql"
}

type urlRef struct {
	scheme, host string
	port         int
	file         string
}

type hostRef struct {
	key, host string // key: the variable or keyword it was given by ("REDIS", "host")
	port      int
	file      string
	// hint is the backing type the line names (`new Redis({host: "cache"})`).
	hint string
}

// hostHints are words on a line that say which kind of server a host
// given on that line is, lower case.
var hostHints = []struct{ word, typ string }{
	{"redis", "redis"}, {"valkey", "redis"}, {"postgres", "postgres"}, {"psycopg", "postgres"},
	{"asyncpg", "postgres"}, {"pgx", "postgres"}, {"mariadb", "mariadb"}, {"mysql", "mysql"},
	{"mongo", "mongodb"}, {"amqp", "rabbitmq"}, {"rabbit", "rabbitmq"}, {"kafka", "kafka"},
	{"nats", "nats"}, {"memcache", "memcached"}, {"dalli", "memcached"}, {"opensearch", "opensearch"},
	{"elastic", "elasticsearch"}, {"minio", "s3"},
}

// lineHint returns the backing type named on the line around offset i.
func lineHint(data []byte, i int) string {
	start := bytes.LastIndexByte(data[:i], '\n') + 1
	end := bytes.IndexByte(data[i:], '\n')
	if end < 0 {
		end = len(data)
	} else {
		end += i
	}
	line := bytes.ToLower(data[start:end])
	for _, h := range hostHints {
		if bytes.Contains(line, []byte(h.word)) {
			return h.typ
		}
	}
	return ""
}

// scanLimits bound the work per service.
const (
	scanMaxFiles = 300
	scanMaxBytes = 64 << 10
)

// configNames are files worth scanning whatever the stack.
var configNames = map[string]bool{
	"application.properties": true, "application.yml": true, "application.yaml": true,
	"appsettings.json": true, "settings.py": true, "config.exs": true, "runtime.exs": true,
	"prod.exs": true, "database.yml": true, "cable.yml": true, "routes.rb": true,
	"schema.prisma": true, "start.sh": true, "entrypoint.sh": true, "run.sh": true,
	"nginx.conf": true, "Caddyfile": true, "config.toml": true, "Rocket.toml": true,
	"knexfile.js": true, "ormconfig.json": true, "alembic.ini": true,
}

// placeholderExts are file types where ${NAME} is a variable use.
var placeholderExts = map[string]bool{".properties": true, ".yml": true, ".yaml": true, ".sh": true, ".conf": true, ".toml": true}

// literalMarkers are strings whose presence says which database a
// framework is configured for.
var literalMarkers = []string{
	"django.db.backends.postgresql", "django.db.backends.mysql",
	`provider = "postgresql"`, `provider = "mysql"`, `provider = "mongodb"`,
	"adapter: postgresql", "adapter: mysql2", "adapter: trilogy", "adapter: redis",
	"Ecto.Adapters.Postgres", "Ecto.Adapters.MyXQL",
}

// sourceFiles lists the files of a service to scan: entry points first,
// then by depth, skipping folders that belong to other units.
func sourceFiles(t *tree.Tree, dir string, exts []string, entry []string, exclude map[string]bool) []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range entry {
		p := tree.Join(dir, e)
		if t.Exists(p) && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	// Breadth first, so files near the service's root win the budget.
	queue := []string{dir}
	for len(queue) > 0 && len(out) < scanMaxFiles {
		d := t.Dir(queue[0])
		queue = queue[1:]
		if d == nil {
			continue
		}
		for _, f := range d.Files {
			p := d.Join(f)
			if seen[p] || !wanted(f, exts) {
				continue
			}
			seen[p] = true
			out = append(out, p)
			if len(out) >= scanMaxFiles {
				break
			}
		}
		for _, sub := range d.Dirs {
			p := d.Join(sub)
			if !exclude[p] && !testDir(sub) {
				queue = append(queue, p)
			}
		}
	}
	return out
}

func wanted(name string, exts []string) bool {
	if configNames[name] || isEnvFile(name) {
		return true
	}
	ext := path.Ext(name)
	return ext != "" && slices.Contains(exts, ext)
}

// testDir names folders of tests, whose ports and hosts are the test's.
func testDir(name string) bool {
	switch name {
	case "test", "tests", "__tests__", "spec", "e2e", "testdata", "fixtures", "__fixtures__", "cypress", "playwright", "examples", "example", "docs":
		return true
	}
	return false
}

// isEnvFile reports whether name is an env file whose names are documented
// (examples and templates) or real.
func isEnvFile(name string) bool {
	return name == ".env" || strings.HasPrefix(name, ".env.") || strings.HasSuffix(name, ".env")
}

// scanFiles reads the files and gathers what they say.
func scanFiles(t *tree.Tree, files []string) *scanResult {
	r := &scanResult{env: map[string]string{}, literals: map[string]string{}}
	bestHealth := len(healthRoutes)
	for _, f := range files {
		if isEnvFile(path.Base(f)) {
			continue // env files are read by the caller, with a parser
		}
		data, err := t.ReadPrefix(f, scanMaxBytes)
		if err != nil || len(data) == 0 || bytes.IndexByte(data, 0) >= 0 {
			continue
		}
		for _, p := range envPatterns {
			for _, m := range p.find(data) {
				r.addEnv(string(m[1]), f)
			}
		}
		if placeholderExts[path.Ext(f)] {
			for _, m := range placeholderEnv.find(data) {
				r.addEnv(string(m[1]), f)
			}
		}
		for _, p := range portPatterns {
			if p.src <= r.portSrc {
				continue
			}
			for _, m := range p.find(data) {
				n, _ := strconv.Atoi(string(m[1]))
				if n < 80 || n > 65535 || (p.src == portAssign && backingPorts[n]) {
					continue
				}
				r.port, r.portSrc, r.portFile, r.portReason = n, p.src, f, p.reason
				break
			}
		}
		for _, p := range healthPatterns {
			for _, m := range p.find(data) {
				route := "/up"
				if len(m) > 1 {
					route = string(m[1])
				}
				if i := slices.Index(healthRoutes, route); i >= 0 && i < bestHealth {
					bestHealth, r.health, r.healthFile = i, route, f
				}
			}
		}
		for _, m := range urlPattern.find(data) {
			port, _ := strconv.Atoi(string(m[3]))
			r.urls = append(r.urls, urlRef{scheme: string(m[1]), host: string(m[2]), port: port, file: f})
		}
		if bytes.Contains(data, []byte("host")) {
			for _, m := range hostPatterns[0].re.Re().FindAllSubmatchIndex(data, 16) {
				host := string(data[m[2]:m[3]])
				r.hosts = append(r.hosts, hostRef{key: "host", host: host, file: f, hint: lineHint(data, m[0])})
			}
		}
		for _, m := range hostPatterns[1].find(data) {
			r.hosts = append(r.hosts, hostRef{key: string(m[1]), host: string(m[2]), file: f})
		}
		for _, m := range nameport.find(data) {
			port, _ := strconv.Atoi(string(m[2]))
			r.nameports = append(r.nameports, hostRef{host: string(m[1]), port: port, file: f})
		}
		for _, lit := range literalMarkers {
			if _, ok := r.literals[lit]; !ok && bytes.Contains(data, []byte(lit)) {
				r.literals[lit] = f
			}
		}
	}
	return r
}

func (r *scanResult) addEnv(name, file string) {
	if systemEnv[name] || len(name) > 128 {
		return
	}
	if _, ok := r.env[name]; !ok {
		r.env[name] = file
	}
}
