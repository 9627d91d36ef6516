package manifest

import (
	"reflect"
	"testing"
)

func TestPyprojectParse(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		want       Pyproject
	}{
		{
			name: "pep 621 with uv",
			data: `[project]
name = "My_API"
requires-python = ">=3.11"
dependencies = ["fastapi[standard]>=0.110", "SQLAlchemy~=2.0", "shared"]
[project.scripts]
api = "my_api.main:run"
[tool.uv]
dev-dependencies = ["pytest"]
[tool.uv.sources]
shared = { workspace = true }
tools = { path = "../tools", editable = true }
torch = [{ index = "cpu", marker = "sys_platform == 'linux'" }]
`,
			want: Pyproject{Name: "my-api", RequiresPython: ">=3.11", HasProject: true, UV: true,
				Scripts: map[string]string{"api": "my_api.main:run"}, WorkspaceDeps: []string{"shared"},
				PathDeps: map[string]string{"tools": "../tools"}},
		},
		{
			name: "poetry",
			data: `[tool.poetry]
name = "shop"
[tool.poetry.dependencies]
python = "^3.12"
Django = "^5.0"
celery = { version = "^5.3", extras = ["redis"] }
boto3 = { version = "*", optional = true }
common = { path = "../common", develop = true }
[tool.poetry.group.dev.dependencies]
pytest = "*"
[tool.poetry.scripts]
shop = "shop.cli:main"
[build-system]
build-backend = "poetry.core.masonry.api"
`,
			want: Pyproject{Name: "shop", PoetryPython: "^3.12", Poetry: true, BuildBackend: "poetry.core.masonry.api",
				Scripts: map[string]string{"shop": "shop.cli:main"}, PathDeps: map[string]string{"common": "../common"}},
		},
		{
			name: "uv workspace root",
			data: `[tool.uv.workspace]
members = ["packages/*", "apps/api"]
exclude = ["packages/legacy"]
`,
			want: Pyproject{UV: true, Scripts: map[string]string{},
				Workspace: &UVWorkspace{Members: []string{"packages/*", "apps/api"}, Exclude: []string{"packages/legacy"}}},
		},
		{
			name: "pdm",
			data: "[project]\nname = \"x\"\n[tool.pdm.dev-dependencies]\ntest = [\"pytest\"]\n",
			want: Pyproject{Name: "x", HasProject: true, PDM: true, Scripts: map[string]string{}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePyproject([]byte(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			got := *p
			got.Deps = nil
			if len(got.Scripts) == 0 {
				got.Scripts = map[string]string{}
			}
			if len(tc.want.Scripts) == 0 {
				tc.want.Scripts = map[string]string{}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestPyprojectDeps(t *testing.T) {
	p, err := ParsePyproject([]byte(`[project]
dependencies = ["fastapi[standard]>=0.110", "SQLAlchemy~=2.0", "psycopg[binary]"]
[tool.poetry.dependencies]
python = "^3.12"
Redis = "^5"
extra = { version = "*", optional = true }
`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"fastapi", "sqlalchemy", "psycopg", "redis"}
	if got := p.DepNames(); !reflect.DeepEqual(got, want) {
		t.Errorf("deps = %v, want %v", got, want)
	}
	if p.Deps[0].Line != 2 || !reflect.DeepEqual(p.Deps[0].Extras, []string{"standard"}) {
		t.Errorf("fastapi = %+v", p.Deps[0])
	}
}

func TestPyprojectErrors(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		line       int
	}{
		{"toml syntax", "[project]\nname = \"x\"\ndependencies = [\"flask\"\n", 3},
		{"bad requirement", "[project]\nname = \"x\"\ndependencies = [\n  \"flask\",\n  \"django 4\",\n]\n", 5},
		{"dependencies not a list", "[project]\ndependencies = \"flask\"\n", 2},
		{"poetry dep type", "[tool.poetry.dependencies]\nflask = 3\n", 2},
		{"uv source type", "[tool.uv.sources]\nlib = \"../lib\"\n", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePyproject([]byte(tc.data))
			if err == nil {
				t.Fatal("no error")
			}
			if got := ErrorLine(err); got != tc.line {
				t.Errorf("line = %d, want %d (%v)", got, tc.line, err)
			}
		})
	}
}

func FuzzPyproject(f *testing.F) {
	for _, s := range []string{
		"[project]\nname = \"a\"\ndependencies = [\"flask>=2\"]\n",
		"[tool.poetry.dependencies]\npython = \"^3.11\"\ndjango = { version = \"^5\", extras = [\"x\"] }\n",
		"[tool.uv.workspace]\nmembers = [\"p/*\"]\n[tool.uv.sources]\na = { workspace = true }\nb = [{ path = \"x\" }]\n",
		"[tool.pdm]\n", "[project", "a = [", "[project]\ndependencies = [1]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePyproject(data)
		if err == nil && p == nil {
			t.Fatal("nil result without error")
		}
	})
}
