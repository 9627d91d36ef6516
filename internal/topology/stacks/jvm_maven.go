// Maven builds: the effective pom (parents merged), the reactor a module
// belongs to, and how its product is packaged and run.

package stacks

import (
	"path"
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/manifest"
	"github.com/kyozo/kyozo/internal/tree"
)

// mavenPom is a pom.xml read with its parents' properties, dependencies and
// plugins merged in, as Maven's effective model has them.
type mavenPom struct {
	*manifest.Pom
	file  string
	props map[string]string
	deps  []string // group:artifact, test scope left out
	plugs []manifest.MavenPlugin
}

func mavenRead(c *Context, file string) (*manifest.Pom, error) {
	data, err := c.ReadPath(file)
	if err != nil {
		return nil, err
	}
	return manifest.ParsePom(data)
}

// mavenEffective merges up to four parents found in the tree.
func mavenEffective(c *Context, p *manifest.Pom, file string) *mavenPom {
	m := &mavenPom{Pom: p, file: file, props: map[string]string{}}
	dir := path.Dir(file)
	chain := []*manifest.Pom{p}
	cur := p
	for range 4 {
		if cur.Parent == nil {
			break
		}
		rel := cur.Parent.RelativePath
		if rel == "" {
			rel = "../pom.xml"
		}
		if !strings.HasSuffix(rel, ".xml") {
			rel = strings.TrimSuffix(rel, "/") + "/pom.xml"
		}
		pp, ok := goJoin(dir, rel)
		if !ok || !c.Tree.Exists(pp) {
			break
		}
		parent, err := mavenRead(c, pp)
		if err != nil || parent.ArtifactID != cur.Parent.ArtifactID {
			break
		}
		chain = append(chain, parent)
		cur, dir = parent, path.Dir(pp)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		for k, v := range chain[i].Properties {
			m.props[k] = v
		}
	}
	for _, pp := range chain {
		for _, d := range pp.Deps {
			if d.Scope == "test" || d.GroupID == "" || d.ArtifactID == "" {
				continue
			}
			m.deps = jvmAppendMissing(m.deps, pp.Resolve(d.GroupID)+":"+d.ArtifactID)
		}
		m.plugs = append(m.plugs, pp.Plugins...)
	}
	return m
}

// resolve expands ${…} with the merged properties.
func (m *mavenPom) resolve(s string) string {
	saved := m.Properties
	m.Properties = m.props
	defer func() { m.Properties = saved }()
	return m.Resolve(s)
}

func (m *mavenPom) plugin(artifact string) *manifest.MavenPlugin {
	for i := range m.plugs {
		if m.plugs[i].ArtifactID == artifact {
			return &m.plugs[i]
		}
	}
	return nil
}

// mavenDetect analyses a folder with a pom.xml.
func mavenDetect(c *Context) *Result {
	file := c.Path("pom.xml")
	r := &Result{PackageManager: "maven", SourceExts: []string{".java", ".kt", ".scala"}}
	p, err := mavenRead(c, file)
	if err != nil {
		r.WarnParse(file, err)
		p = &manifest.Pom{ArtifactID: path.Base(c.Dir.Path), Packaging: "jar", Properties: map[string]string{}}
	}
	m := mavenEffective(c, p, file)
	r.Because(file, "maven project")
	// The artifactId names the service; sibling modules are linked by
	// LocalPaths, not by name.
	r.Name = p.ArtifactID
	r.Deps = m.deps
	r.Language = jvmSourceLanguage(c, m.plugin("kotlin-maven-plugin") != nil, m.plugin("scala-maven-plugin") != nil)

	root := mavenReactorRoot(c)
	if p.Packaging == "pom" {
		for _, mod := range p.Modules {
			r.Members = append(r.Members, strings.TrimSuffix(strings.TrimPrefix(mod, "./"), "/"))
		}
		if len(r.Members) > 0 {
			r.WorkspaceOnly = true
			r.Because(file, "packaging pom with modules "+strings.Join(r.Members, ", "))
		} else {
			r.Library = true
			r.Because(file, "packaging pom without modules: a parent or BOM")
		}
		r.Score = parseWarnedScore(r, 0.5)
		return r
	}

	// Framework from plugins, then dependencies.
	implied := ""
	switch {
	case m.plugin("spring-boot-maven-plugin") != nil || p.Parent != nil && p.Parent.ArtifactID == "spring-boot-starter-parent":
		implied = "spring-boot"
	case m.plugin("quarkus-maven-plugin") != nil:
		implied = "quarkus"
	case m.plugin("micronaut-maven-plugin") != nil || p.Parent != nil && p.Parent.ArtifactID == "micronaut-parent":
		implied = "micronaut"
	}
	jvmClassify(r, file, m.deps, implied)

	// How the product runs.
	mainClass := ""
	for _, name := range []string{"spring-boot-maven-plugin", "maven-shade-plugin", "maven-assembly-plugin", "exec-maven-plugin", "maven-jar-plugin"} {
		if pl := m.plugin(name); pl != nil && pl.MainClass != "" {
			mainClass = m.resolve(pl.MainClass)
			break
		}
	}
	if mainClass == "" {
		for _, k := range []string{"start-class", "exec.mainClass", "main.class", "mainClass"} {
			if v := m.resolve(m.props[k]); v != "" && !strings.Contains(v, "${") {
				mainClass = v
				break
			}
		}
	}
	fat := m.plugin("spring-boot-maven-plugin") != nil || m.plugin("maven-shade-plugin") != nil ||
		m.plugin("maven-assembly-plugin") != nil || r.Framework == "micronaut"
	layout := ""
	switch {
	case r.Framework == "quarkus":
		layout = "quarkus"
	case fat:
		layout = "jar"
	case mainClass != "":
		layout = "classpath"
	}
	if layout == "" {
		r.Library = true
		r.Because(file, "no runnable jar: no Spring Boot, shade or assembly plugin and no main class")
		return jvmNotRunnable(c, r, mavenJavaVersion(m), file)
	}
	if jvmJavaMainClass(mainClass) {
		r.Set("main-class", mainClass)
	} else {
		mainClass = ""
	}
	if layout == "classpath" && mainClass == "" {
		layout = "jar"
	}
	r.Set("jvm-layout", layout)
	rel := Rel(root, c.Dir.Path)
	r.Target = rel
	if root != c.Dir.Path {
		r.BuildContext = root
		r.Because(tree.Join(root, "pom.xml"), "module of the Maven reactor at "+root)
		r.Build = "mvn -B -DskipTests -pl " + rel + " -am package"
	} else {
		r.Build = "mvn -B -DskipTests package"
	}
	out := "target"
	if rel != "." {
		out = rel + "/target"
	}
	if layout == "quarkus" {
		out += "/quarkus-app"
	}
	r.Set("artifact-dir", out)
	r.Lockfiles = mavenPoms(c, root)
	r.LocalPaths = mavenSiblings(c, r.Lockfiles, file, m.deps)
	jvmStart(r, layout)
	jvmConfig(c, r, file, m.deps)
	jvmJavaVersion(c, r, mavenJavaVersion(m), file)
	r.Score = jvmRunnableScore(r, 0.8)
	return r
}

// mavenJavaVersion reads the compiler's release or source level.
func mavenJavaVersion(m *mavenPom) string {
	if pl := m.plugin("maven-compiler-plugin"); pl != nil && pl.Release != "" {
		if v := m.resolve(pl.Release); !strings.Contains(v, "${") {
			return v
		}
	}
	for _, k := range []string{"maven.compiler.release", "java.version", "maven.compiler.source", "maven.compiler.target", "jdk.version"} {
		if v := m.resolve(m.props[k]); v != "" && !strings.Contains(v, "${") {
			return v
		}
	}
	return ""
}

// mavenReactorRoot returns the topmost folder above whose pom lists this
// one as a module, through any number of aggregator levels, or the folder.
func mavenReactorRoot(c *Context) string {
	root := c.Dir.Path
	for root != "." {
		found := ""
		for p := path.Dir(root); ; p = path.Dir(p) {
			if d := c.Tree.Dir(p); d != nil && d.Has("pom.xml") {
				if pom, err := mavenRead(c, d.Join("pom.xml")); err == nil {
					for _, mod := range pom.Modules {
						if j, ok := goJoin(p, mod); ok && j == root {
							found = p
						}
					}
				}
				// Maven lists modules from the nearest aggregator; stop there.
				break
			}
			if p == "." {
				break
			}
		}
		if found == "" {
			return root
		}
		root = found
	}
	return root
}

// mavenPoms lists every pom.xml of the reactor rooted at root, parents first.
func mavenPoms(c *Context, root string) []string {
	var out []string
	var walk func(dir string, depth int)
	walk = func(dir string, depth int) {
		p := tree.Join(dir, "pom.xml")
		if depth > 8 || slices.Contains(out, p) || !c.Tree.Exists(p) {
			return
		}
		out = append(out, p)
		pom, err := mavenRead(c, p)
		if err != nil {
			return
		}
		for _, mod := range pom.Modules {
			if j, ok := goJoin(dir, mod); ok {
				walk(j, depth+1)
			}
		}
	}
	walk(root, 0)
	return out
}

// mavenSiblings returns the folders of the reactor's modules this one
// depends on (by groupId:artifactId, the group inherited from the parent
// when not written).
func mavenSiblings(c *Context, poms []string, self string, deps []string) []string {
	var out []string
	for _, pf := range poms {
		if pf == self {
			continue
		}
		p, err := mavenRead(c, pf)
		if err != nil || p.Packaging == "pom" {
			continue
		}
		group := p.GroupID
		if group == "" && p.Parent != nil {
			group = p.Parent.GroupID
		}
		if slices.Contains(deps, group+":"+p.ArtifactID) {
			out = append(out, path.Dir(pf))
		}
	}
	return out
}
