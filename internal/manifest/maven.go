package manifest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Pom is what Kyozo reads of a Maven pom.xml.
type Pom struct {
	GroupID    string
	ArtifactID string
	Version    string
	Packaging  string // "jar" when not written
	Name       string
	Parent     *PomParent
	// Properties are <properties> entries, as written (unresolved).
	Properties map[string]string
	Modules    []string      // <modules>, as written (relative folders)
	Deps       []MavenDep    // <dependencies>, not <dependencyManagement>
	Plugins    []MavenPlugin // <build><plugins>, not <pluginManagement>
	FinalName  string        // <build><finalName>
}

// PomParent is <parent>.
type PomParent struct {
	GroupID      string
	ArtifactID   string
	Version      string
	RelativePath string // "" when not written (Maven's default is ../pom.xml)
}

// MavenDep is one dependency.
type MavenDep struct {
	GroupID    string
	ArtifactID string
	Version    string
	Scope      string
}

// Coord returns "group:artifact".
func (d MavenDep) Coord() string { return d.GroupID + ":" + d.ArtifactID }

// MavenPlugin is one build plugin and the facts of its configuration Kyozo
// uses.
type MavenPlugin struct {
	GroupID    string
	ArtifactID string
	MainClass  string // <mainClass> anywhere in its configuration
	Release    string // maven-compiler-plugin <release>, else <source>
}

type pomWire struct {
	XMLName    xml.Name `xml:"project"`
	GroupID    string   `xml:"groupId"`
	ArtifactID string   `xml:"artifactId"`
	Version    string   `xml:"version"`
	Packaging  string   `xml:"packaging"`
	Name       string   `xml:"name"`
	Parent     *struct {
		GroupID      string  `xml:"groupId"`
		ArtifactID   string  `xml:"artifactId"`
		Version      string  `xml:"version"`
		RelativePath *string `xml:"relativePath"`
	} `xml:"parent"`
	Properties struct {
		Any []struct {
			XMLName xml.Name
			Value   string `xml:",chardata"`
		} `xml:",any"`
	} `xml:"properties"`
	Modules      []string       `xml:"modules>module"`
	Dependencies []mavenDepWire `xml:"dependencies>dependency"`
	Build        struct {
		FinalName string `xml:"finalName"`
		Plugins   []struct {
			GroupID       string `xml:"groupId"`
			ArtifactID    string `xml:"artifactId"`
			Configuration struct {
				Inner []byte `xml:",innerxml"`
			} `xml:"configuration"`
			Executions []struct {
				Configuration struct {
					Inner []byte `xml:",innerxml"`
				} `xml:"configuration"`
			} `xml:"executions>execution"`
		} `xml:"plugins>plugin"`
	} `xml:"build"`
}

type mavenDepWire struct {
	GroupID    string `xml:"groupId"`
	ArtifactID string `xml:"artifactId"`
	Version    string `xml:"version"`
	Scope      string `xml:"scope"`
}

// ParsePom reads a pom.xml with encoding/xml (which expands no external
// entities and bounds nesting, so a hostile file costs nothing).
func ParsePom(data []byte) (*Pom, error) {
	var w pomWire
	if err := xml.Unmarshal(data, &w); err != nil {
		return nil, xmlError(data, err)
	}
	p := &Pom{
		GroupID: strings.TrimSpace(w.GroupID), ArtifactID: strings.TrimSpace(w.ArtifactID),
		Version: strings.TrimSpace(w.Version), Packaging: strings.TrimSpace(w.Packaging),
		Name: strings.TrimSpace(w.Name), FinalName: strings.TrimSpace(w.Build.FinalName),
		Properties: map[string]string{},
	}
	if p.Packaging == "" {
		p.Packaging = "jar"
	}
	if w.Parent != nil {
		p.Parent = &PomParent{
			GroupID: strings.TrimSpace(w.Parent.GroupID), ArtifactID: strings.TrimSpace(w.Parent.ArtifactID),
			Version: strings.TrimSpace(w.Parent.Version),
		}
		if w.Parent.RelativePath != nil {
			p.Parent.RelativePath = strings.TrimSpace(*w.Parent.RelativePath)
		}
	}
	for _, e := range w.Properties.Any {
		p.Properties[e.XMLName.Local] = strings.TrimSpace(e.Value)
	}
	for _, m := range w.Modules {
		if m = strings.TrimSpace(m); m != "" {
			p.Modules = append(p.Modules, m)
		}
	}
	for _, d := range w.Dependencies {
		p.Deps = append(p.Deps, MavenDep{
			GroupID: strings.TrimSpace(d.GroupID), ArtifactID: strings.TrimSpace(d.ArtifactID),
			Version: strings.TrimSpace(d.Version), Scope: strings.TrimSpace(d.Scope),
		})
	}
	for _, pl := range w.Build.Plugins {
		mp := MavenPlugin{GroupID: strings.TrimSpace(pl.GroupID), ArtifactID: strings.TrimSpace(pl.ArtifactID)}
		configs := [][]byte{pl.Configuration.Inner}
		for _, e := range pl.Executions {
			configs = append(configs, e.Configuration.Inner)
		}
		for _, c := range configs {
			if mp.MainClass == "" {
				mp.MainClass = mavenConfigValue(c, "mainClass")
			}
			if mp.Release == "" {
				mp.Release = mavenConfigValue(c, "release")
			}
			if mp.Release == "" {
				mp.Release = mavenConfigValue(c, "source")
			}
		}
		p.Plugins = append(p.Plugins, mp)
	}
	return p, nil
}

// HasDep reports whether the pom depends on group:artifact (or on artifact
// in any group when group is "").
func (p *Pom) HasDep(group, artifact string) bool {
	for _, d := range p.Deps {
		if d.ArtifactID == artifact && (group == "" || d.GroupID == group) {
			return true
		}
	}
	return false
}

// Plugin returns the build plugin with this artifact id, or nil.
func (p *Pom) Plugin(artifact string) *MavenPlugin {
	for i := range p.Plugins {
		if p.Plugins[i].ArtifactID == artifact {
			return &p.Plugins[i]
		}
	}
	return nil
}

// Resolve expands ${property} references from the pom's properties and
// project coordinates; unknown references are left as written. Expansion
// is bounded, so self-referencing properties cannot loop.
func (p *Pom) Resolve(s string) string {
	for range 8 {
		if len(s) > 4096 {
			return s
		}
		i := strings.Index(s, "${")
		if i < 0 {
			return s
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return s
		}
		key := s[i+2 : i+j]
		v, ok := p.property(key)
		if !ok {
			return s
		}
		s = s[:i] + v + s[i+j+1:]
	}
	return s
}

func (p *Pom) property(key string) (string, bool) {
	switch key {
	case "project.version", "version", "pom.version":
		if p.Version != "" {
			return p.Version, true
		}
		if p.Parent != nil && p.Parent.Version != "" {
			return p.Parent.Version, true
		}
		return "", false
	case "project.artifactId", "artifactId":
		return p.ArtifactID, p.ArtifactID != ""
	case "project.groupId", "groupId":
		if p.GroupID == "" && p.Parent != nil {
			return p.Parent.GroupID, p.Parent.GroupID != ""
		}
		return p.GroupID, p.GroupID != ""
	case "project.parent.version":
		if p.Parent != nil {
			return p.Parent.Version, p.Parent.Version != ""
		}
		return "", false
	}
	v, ok := p.Properties[key]
	return v, ok
}

// mavenConfigValue returns the text of the first element called name in a
// plugin's configuration XML, or "".
func mavenConfigValue(inner []byte, name string) string {
	if len(inner) == 0 || !bytes.Contains(inner, []byte("<"+name)) {
		return ""
	}
	d := xml.NewDecoder(bytes.NewReader(inner))
	d.Strict = false
	for {
		tok, err := d.Token()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == name {
			var v string
			if d.DecodeElement(&v, &se) != nil {
				return ""
			}
			return strings.TrimSpace(v)
		}
	}
}

// xmlError turns encoding/xml's errors into an *Error with a line.
func xmlError(data []byte, err error) error {
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		return &Error{Line: syn.Line, Msg: syn.Msg}
	}
	var unexp xml.UnmarshalError
	if errors.As(err, &unexp) {
		// The root element is not the expected one.
		return &Error{Line: xmlRootLine(data), Msg: string(unexp)}
	}
	if errors.Is(err, io.EOF) {
		return &Error{Line: LineOf(data, int64(len(data))), Msg: "unexpected end of file"}
	}
	return &Error{Msg: fmt.Sprint(err)}
}

// xmlRootLine returns the line of the first element of an XML document.
func xmlRootLine(data []byte) int {
	for i := 0; i+1 < len(data); i++ {
		if data[i] == '<' && data[i+1] != '?' && data[i+1] != '!' {
			return LineOf(data, int64(i))
		}
	}
	return 1
}
