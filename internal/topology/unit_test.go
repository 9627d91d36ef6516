package topology

import (
	"reflect"
	"testing"
)

func TestGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		pat, name string
		want      bool
	}{
		{"apps/*", "apps/web", true}, {"apps/*", "apps/web/src", false},
		{"packages/**", "packages/a/b", true}, {"**/svc", "x/y/svc", true},
		{"crates/core", "crates/core", true}, {"apps/[a-", "apps/x", false},
		{"*", "web", true},
	} {
		if got := globMatch(tc.pat, tc.name); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v", tc.pat, tc.name, got)
		}
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"@acme/web": "web", "github.com/acme/api": "api", "My_App": "my-app",
		"9lives": "lives", "a--b": "a-b", "": "", "___": "", "Web.Server": "web-server",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
		if got := Normalize(in); got != "" && !ValidName(got) {
			t.Errorf("Normalize(%q) = %q is not a valid name", in, got)
		}
	}
	long := Normalize(string(make([]byte, 0)) + "a" + string(bytesOf('b', 100)))
	if len(long) > 63 || !ValidName(long) {
		t.Errorf("long name %q", long)
	}
}

func bytesOf(c byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return b
}

func TestValidName(t *testing.T) {
	for s, want := range map[string]bool{"web": true, "a-1": true, "1a": false, "A": false, "": false, "a_b": false} {
		if ValidName(s) != want {
			t.Errorf("ValidName(%q) != %v", s, want)
		}
	}
}

func TestStartOrderAndCycles(t *testing.T) {
	a := &analyzer{}
	a.units = []*unit{{svc: &Service{Name: "web"}}, {svc: &Service{Name: "api"}}, {svc: &Service{Name: "orders"}}, {svc: &Service{Name: "billing"}}}
	a.backing = []*BackingService{{Name: "postgres"}}
	a.edge("web", "api", "web/x.js")
	a.edge("api", "postgres", "api/go.mod")
	a.edge("api", "orders", "api/main.go")
	a.edge("orders", "billing", "orders/main.go")
	a.edge("billing", "orders", "billing/main.go")
	a.startOrder()
	want := [][]string{{"billing", "orders", "postgres"}, {"api"}, {"web"}}
	if !reflect.DeepEqual(a.order, want) {
		t.Errorf("order %v, want %v", a.order, want)
	}
	if len(a.warnings) != 1 || a.warnings[0].Message != "dependency cycle: billing → orders → billing; these services start together" || a.warnings[0].File != "billing/main.go" {
		t.Errorf("warnings %+v", a.warnings)
	}
}

func TestLongCycleDoesNotHang(t *testing.T) {
	a := &analyzer{}
	const n = 5000
	for i := range n {
		a.units = append(a.units, &unit{svc: &Service{Name: name(i)}})
		a.edge(name(i), name((i+1)%n), "f")
	}
	a.startOrder()
	if len(a.order) != 1 || len(a.order[0]) != n || len(a.warnings) != 1 {
		t.Fatalf("levels %d, warnings %d", len(a.order), len(a.warnings))
	}
}

func name(i int) string { return "s" + string(rune('a'+i%26)) + itoa(i) }

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func TestKindOfValue(t *testing.T) {
	for v, want := range map[string]string{
		"postgres://u:p@db:5432/x": "postgres/db", "mysql://localhost/x": "mysql/",
		"redis://cache:6379/0": "redis/cache", "http://elasticsearch:9200": "elasticsearch/elasticsearch",
		"amqp://guest:guest@rabbitmq:5672//": "rabbitmq/rabbitmq", "https://api.example.com": "",
		"mongodb+srv://cluster0.x.mongodb.net/db": "mongodb/",
	} {
		k, host := kindOfValue(v)
		got := ""
		if k != nil {
			got = k.Type + "/" + host
		}
		if got != want {
			t.Errorf("kindOfValue(%q) = %q, want %q", v, got, want)
		}
	}
}

func TestKindByDep(t *testing.T) {
	for dep, want := range map[string]string{
		"pg": "postgres", "github.com/jackc/pgx/v5": "postgres", "ioredis": "redis",
		"github.com/redis/go-redis/v9": "redis", "StackExchange.Redis": "redis", "mongoose": "mongodb",
		"react": "", "github.com/lib/pqx": "",
	} {
		k := kindByDep(dep)
		got := ""
		if k != nil {
			got = k.Type
		}
		if got != want {
			t.Errorf("kindByDep(%q) = %q, want %q", dep, got, want)
		}
	}
}

func TestWatchPaths(t *testing.T) {
	s := &Service{Path: "apps/web", BuildContext: ".", Libraries: []string{"packages/ui"},
		Build:      BuildHints{Lockfiles: []string{"pnpm-lock.yaml", "package.json", "apps/web/package.json"}},
		Dockerfile: Dockerfile{Source: "generated"}}
	want := []string{"apps/web", "package.json", "packages/ui", "pnpm-lock.yaml"}
	if got := watchPaths(s); !reflect.DeepEqual(got, want) {
		t.Errorf("watch %v, want %v", got, want)
	}
	s = &Service{Path: "cmd/api", BuildContext: ".", Dockerfile: Dockerfile{Source: "generated"}}
	if got := watchPaths(s); !reflect.DeepEqual(got, []string{"."}) {
		t.Errorf("a Go command watches its module: %v", got)
	}
}
