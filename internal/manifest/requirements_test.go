package manifest

import (
	"reflect"
	"testing"
)

func TestRequirementsParse(t *testing.T) {
	data := `# web app
Django>=4.2,<5.0
psycopg[binary]==3.1.18 ; python_version >= "3.10"
gunicorn  # the server
Flask_SQLAlchemy
-r requirements/base.txt
--constraint constraints.txt
-e ./libs/common
-e git+https://github.com/acme/tool.git@v1#egg=Acme.Tool
requests==2.31.0 \
    --hash=sha256:abc
--index-url https://pypi.org/simple
whitenoise[brotli] @ https://example.com/whitenoise.tar.gz
./vendor/pkg.whl
celery[redis]~=5.3
`
	r, err := ParseRequirements([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"django", "psycopg", "gunicorn", "flask-sqlalchemy", "acme-tool", "requests", "whitenoise", "celery"}
	if got := r.Names(); !reflect.DeepEqual(got, want) {
		t.Errorf("names = %v, want %v", got, want)
	}
	if len(r.Includes) != 2 || r.Includes[0].Path != "requirements/base.txt" || r.Includes[0].Line != 6 || !r.Includes[1].Constraint {
		t.Errorf("includes = %+v", r.Includes)
	}
	if !r.HasLocal() {
		t.Error("HasLocal = false, want true (-e ./libs/common)")
	}
	byName := map[string]Requirement{}
	for _, q := range r.Reqs {
		byName[q.Name] = q
	}
	if q := byName["psycopg"]; !reflect.DeepEqual(q.Extras, []string{"binary"}) || q.Specifier != "==3.1.18" || q.Marker == "" || q.Line != 3 {
		t.Errorf("psycopg = %+v", q)
	}
	if q := byName["requests"]; q.Specifier != "==2.31.0" || q.Line != 10 {
		t.Errorf("requests = %+v (continuation line and --hash)", q)
	}
	if q := byName["whitenoise"]; q.URL != "https://example.com/whitenoise.tar.gz" {
		t.Errorf("whitenoise = %+v", q)
	}
	if q := byName["acme-tool"]; !q.Editable || q.URL == "" {
		t.Errorf("acme-tool = %+v", q)
	}
}

func TestRequirementsErrors(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		line       int
		names      []string
	}{
		{"no operator", "flask\ndjango 4.2\nredis\n", 2, []string{"flask", "redis"}},
		{"unclosed extras", "psycopg[binary==3\n", 1, nil},
		{"unknown option", "flask\n--frobnicate\n", 2, []string{"flask"}},
		{"include without file", "-r\n", 1, nil},
		{"not a name", "flask\n==1.0\n", 2, []string{"flask"}},
		{"bad version", "flask>=1.0$\n", 1, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ParseRequirements([]byte(tc.data))
			if err == nil {
				t.Fatal("no error")
			}
			if got := ErrorLine(err); got != tc.line {
				t.Errorf("line = %d, want %d (%v)", got, tc.line, err)
			}
			if got := r.Names(); !reflect.DeepEqual(got, tc.names) {
				t.Errorf("names = %v, want %v", got, tc.names)
			}
		})
	}
}

func TestRequirementsNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"Django": "django", "Flask_SQLAlchemy": "flask-sqlalchemy", "zope.interface": "zope-interface",
		"a--_.b": "a-b", "python-fasthtml": "python-fasthtml",
	} {
		if got := NormalizePyName(in); got != want {
			t.Errorf("NormalizePyName(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzRequirements(f *testing.F) {
	for _, s := range []string{
		"django>=4.2\n", "psycopg[binary]==3.1 ; python_version<'3.12'\n", "-r base.txt\n-e .\n",
		"requests \\\n --hash=sha256:x\n", "git+https://x/y.git#egg=foo\n", "name @ https://x/a.whl\n",
		"# c\n\n--index-url x\n", "[\n", "a[b\n", "x===\n", "\\", "-e\n", "a (>=1)\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRequirements(data)
		if r == nil {
			t.Fatal("nil result")
		}
		if err != nil && ErrorLine(err) < 0 {
			t.Fatal("negative line")
		}
		for _, q := range r.Reqs {
			if q.Name != NormalizePyName(q.Name) {
				t.Fatalf("name %q not normalised", q.Name)
			}
		}
	})
}
