package manifest

import (
	"reflect"
	"testing"
)

func TestPipfileParse(t *testing.T) {
	p, err := ParsePipfile([]byte(`[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[packages]
Flask = "*"
gunicorn = "==21.2"
psycopg2-binary = {version = "*"}
mylib = {path = "./libs/mylib", editable = true}

[dev-packages]
pytest = "*"

[requires]
python_version = "3.11"

[scripts]
start = "gunicorn app:app"
`))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"flask", "gunicorn", "mylib", "psycopg2-binary"}; !reflect.DeepEqual(p.Packages, want) {
		t.Errorf("packages = %v, want %v", p.Packages, want)
	}
	if !reflect.DeepEqual(p.DevPackages, []string{"pytest"}) || p.PythonVersion != "3.11" ||
		p.Scripts["start"] != "gunicorn app:app" || p.PathDeps["mylib"] != "./libs/mylib" {
		t.Errorf("got %+v", p)
	}
}

func TestPipfileErrors(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		line       int
	}{
		{"toml syntax", "[packages]\nflask = \"*\"\ndjango = \n", 3},
		{"bad value", "[packages]\nflask = 3\n", 2},
		{"bad name", "[packages]\n\"-x\" = \"*\"\n", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePipfile([]byte(tc.data))
			if got := ErrorLine(err); err == nil || got != tc.line {
				t.Errorf("line = %d, want %d (%v)", got, tc.line, err)
			}
		})
	}
}

func FuzzPipfile(f *testing.F) {
	for _, s := range []string{
		"[packages]\nflask = \"*\"\n[requires]\npython_version = \"3.12\"\n",
		"[packages]\na = {path = \".\"}\n[scripts]\ns = {call = \"a:b\"}\n", "[packages", "[packages]\na = [1]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePipfile(data)
		if err == nil && p == nil {
			t.Fatal("nil result without error")
		}
	})
}
