// Django projects: the settings module manage.py names, what it says
// (WSGI/ASGI application, static files, the secret's variable), and the
// server that starts the project.

package stacks

import (
	"path"
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/lazyre"
)

// Patterns that read a Django settings module (and manage.py).
var (
	pyDjangoSet   = lazyre.New(`DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']`)
	pyWSGISetting = lazyre.New(`(?m)^WSGI_APPLICATION\s*=\s*["']([\w.]+)["']`)
	pyASGISetting = lazyre.New(`(?m)^ASGI_APPLICATION\s*=\s*["']([\w.]+)["']`)
	pyStaticRoot  = lazyre.New(`(?m)^STATIC_ROOT\s*=`)
	pyStaticDirs  = lazyre.New(`(?m)^STATICFILES_DIRS\s*=\s*[\[(]\s*(?:BASE_DIR\s*/\s*["']([\w./-]+)["']|os\.path\.join\(\s*BASE_DIR\s*,\s*["']([\w./-]+)["']\s*\)|["']([\w./-]+)["'])`)
	pySecretEnv   = lazyre.New(`(?m)^SECRET_KEY\s*=\s*(?:os\.environ\[|os\.environ\.get\(|os\.getenv\(|env\(|env\.str\(|config\()\s*["']([A-Z_][A-Z0-9_]*)["']`)
)

func (p *pyDetection) django(manage bool) {
	c, r := p.c, p.r
	r.Framework = "django"
	r.PortDefault = 8000
	if p.has("django") {
		r.Because(p.manifestPath(), "django in dependencies")
	} else {
		r.Because(c.Path("manage.py"), "django manage.py")
	}
	r.Because(p.manifestPath(), "django default port 8000")

	settingsMod := ""
	if manage {
		if data, err := c.Tree.ReadPrefix(c.Path("manage.py"), pyPrefix); err == nil {
			if m := pyDjangoSet.Re().FindSubmatch(data); m != nil {
				settingsMod = string(m[1])
			}
		}
	}
	if settingsMod == "" {
		for _, sub := range c.Dir.Dirs {
			if c.Tree.Exists(c.Path(sub + "/settings.py")) {
				settingsMod = sub + ".settings"
				break
			}
		}
	}
	var wsgi, asgi string
	var settings [][]byte
	for _, f := range p.settingsFiles(settingsMod) {
		data, err := c.Tree.ReadPrefix(c.Path(f), pyPrefix)
		if err != nil {
			continue
		}
		settings = append(settings, data)
		if !slices.Contains(r.Entrypoints, f) {
			r.Entrypoints = append(r.Entrypoints, f)
		}
		if m := pyWSGISetting.Re().FindSubmatch(data); m != nil && wsgi == "" {
			wsgi = string(m[1])
			r.Because(c.Path(f), "wsgi application "+wsgi)
		}
		if m := pyASGISetting.Re().FindSubmatch(data); m != nil && asgi == "" {
			asgi = string(m[1])
		}
	}
	project := strings.Split(settingsMod, ".")[0]
	if wsgi == "" && project != "" && c.Tree.Exists(c.Path(project+"/wsgi.py")) {
		wsgi = project + ".wsgi.application"
	}
	if asgi == "" && project != "" && c.Tree.Exists(c.Path(project+"/asgi.py")) {
		asgi = project + ".asgi.application"
	}
	if wsgi == "" {
		for _, sub := range c.Dir.Dirs {
			if c.Tree.Exists(c.Path(sub + "/wsgi.py")) {
				wsgi = sub + ".wsgi.application"
				break
			}
		}
	}
	for _, data := range settings {
		if pyStaticRoot.Re().Match(data) {
			r.Set("collectstatic", "1")
		}
		if m := pyStaticDirs.Re().FindSubmatch(data); m != nil && r.Extra["assets_dir"] == "" {
			for _, g := range m[1:] {
				if len(g) > 0 {
					r.Set("assets_dir", strings.Trim(string(g), "/"))
					break
				}
			}
		}
		if m := pySecretEnv.Re().FindSubmatch(data); m != nil {
			r.Set("secret_env", string(m[1]))
		}
	}
	if r.Extra["collectstatic"] != "" && !manage {
		delete(r.Extra, "collectstatic")
	}
	switch {
	case p.has("gunicorn") && wsgi != "":
		mod, attr := pySplitObject(wsgi)
		target := mod
		if attr != "application" {
			target = mod + ":" + attr
		}
		r.Set("app", mod+":"+attr)
		r.Start = "gunicorn " + target + " --bind 0.0.0.0:$PORT"
		r.Because(p.manifestPath(), "gunicorn in dependencies")
	case p.has("uvicorn") && asgi != "":
		mod, attr := pySplitObject(asgi)
		r.Set("app", mod+":"+attr)
		r.Start = "uvicorn " + mod + ":" + attr + " --host 0.0.0.0 --port $PORT"
		r.Because(p.manifestPath(), "uvicorn in dependencies")
	case p.has("daphne") && asgi != "":
		mod, attr := pySplitObject(asgi)
		r.Set("app", mod+":"+attr)
		r.Start = "daphne -b 0.0.0.0 -p $PORT " + mod + ":" + attr
		r.Because(p.manifestPath(), "daphne in dependencies")
	case manage:
		r.Start = "python manage.py runserver 0.0.0.0:$PORT"
		r.Because(c.Path("manage.py"), "django development server (no gunicorn in dependencies)")
	}
}

// settingsFiles returns the folder-relative files of a Django settings
// module: the module itself, or a settings package's usual files.
func (p *pyDetection) settingsFiles(mod string) []string {
	if mod == "" {
		return nil
	}
	base := strings.ReplaceAll(mod, ".", "/")
	if p.c.Tree.Exists(p.c.Path(base + ".py")) {
		return []string{base + ".py"}
	}
	var out []string
	for _, n := range []string{"__init__.py", "base.py", "common.py", "production.py", "prod.py"} {
		if p.c.Tree.Exists(p.c.Path(base + "/" + n)) {
			out = append(out, base+"/"+n)
		}
	}
	// DJANGO_SETTINGS_MODULE may name one file of a settings package
	// (config.settings.local); its siblings hold the shared settings.
	if len(out) == 0 {
		dir := path.Dir(base)
		for _, n := range []string{"base.py", "common.py", "production.py", "prod.py"} {
			if p.c.Tree.Exists(p.c.Path(dir + "/" + n)) {
				out = append(out, dir+"/"+n)
			}
		}
	}
	return out
}

// pySplitObject splits "mysite.wsgi.application" into module and attribute.
func pySplitObject(dotted string) (string, string) {
	i := strings.LastIndexByte(dotted, '.')
	if i < 0 {
		return dotted, "application"
	}
	return dotted[:i], dotted[i+1:]
}
