package manifest

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/kyozo/kyozo/internal/lazyre"
)

// DotnetProject is what Kyozo reads of an MSBuild project file (.csproj,
// .fsproj, .vbproj) or of a Directory.Build.props.
type DotnetProject struct {
	// Sdk is the project SDK: the Sdk attribute of <Project>, an <Sdk Name>
	// element or an <Import Sdk> ("Microsoft.NET.Sdk.Web").
	Sdk string
	// Properties are the values of every property in the project's property
	// groups; unconditional groups win over conditional ones.
	Properties    map[string]string
	PackageRefs   []string // PackageReference Include, as written
	ProjectRefs   []string // ProjectReference Include, with '/' separators
	FrameworkRefs []string // FrameworkReference Include
}

// Property returns a property's value, or "".
func (p *DotnetProject) Property(name string) string { return p.Properties[name] }

// TargetFramework returns TargetFramework, or the first of TargetFrameworks.
func (p *DotnetProject) TargetFramework() string {
	if tf := p.Properties["TargetFramework"]; tf != "" {
		return tf
	}
	first, _, _ := strings.Cut(p.Properties["TargetFrameworks"], ";")
	return strings.TrimSpace(first)
}

type msbuildWire struct {
	XMLName xml.Name `xml:"Project"`
	Sdk     string   `xml:"Sdk,attr"`
	SdkElem []struct {
		Name string `xml:"Name,attr"`
	} `xml:"Sdk"`
	Imports []struct {
		Sdk string `xml:"Sdk,attr"`
	} `xml:"Import"`
	PropertyGroups []struct {
		Condition string `xml:"Condition,attr"`
		Props     []struct {
			XMLName xml.Name
			Value   string `xml:",chardata"`
		} `xml:",any"`
	} `xml:"PropertyGroup"`
	ItemGroups []struct {
		Packages []struct {
			Include string `xml:"Include,attr"`
		} `xml:"PackageReference"`
		Projects []struct {
			Include string `xml:"Include,attr"`
		} `xml:"ProjectReference"`
		Frameworks []struct {
			Include string `xml:"Include,attr"`
		} `xml:"FrameworkReference"`
	} `xml:"ItemGroup"`
}

// ParseDotnetProject reads an MSBuild project file with encoding/xml.
func ParseDotnetProject(data []byte) (*DotnetProject, error) {
	var w msbuildWire
	if err := xml.Unmarshal(data, &w); err != nil {
		return nil, xmlError(data, err)
	}
	p := &DotnetProject{Sdk: strings.TrimSpace(w.Sdk), Properties: map[string]string{}}
	if p.Sdk == "" {
		for _, s := range w.SdkElem {
			if s.Name != "" {
				p.Sdk = strings.TrimSpace(s.Name)
				break
			}
		}
	}
	if p.Sdk == "" {
		for _, im := range w.Imports {
			if im.Sdk != "" {
				p.Sdk = strings.TrimSpace(im.Sdk)
				break
			}
		}
	}
	// "Microsoft.NET.Sdk.Web/8.0.0" pins a version; the name is what counts.
	p.Sdk, _, _ = strings.Cut(p.Sdk, "/")
	// Unconditional groups first, so their values win.
	for pass := 0; pass < 2; pass++ {
		for _, g := range w.PropertyGroups {
			if (g.Condition == "") != (pass == 0) {
				continue
			}
			for _, pr := range g.Props {
				name := pr.XMLName.Local
				if _, ok := p.Properties[name]; !ok {
					p.Properties[name] = strings.TrimSpace(pr.Value)
				}
			}
		}
	}
	for _, g := range w.ItemGroups {
		for _, x := range g.Packages {
			if s := strings.TrimSpace(x.Include); s != "" {
				p.PackageRefs = appendUnique(p.PackageRefs, s)
			}
		}
		for _, x := range g.Projects {
			if s := strings.TrimSpace(x.Include); s != "" {
				p.ProjectRefs = appendUnique(p.ProjectRefs, strings.ReplaceAll(s, `\`, "/"))
			}
		}
		for _, x := range g.Frameworks {
			if s := strings.TrimSpace(x.Include); s != "" {
				p.FrameworkRefs = appendUnique(p.FrameworkRefs, s)
			}
		}
	}
	return p, nil
}

// SolutionProject is a project listed by a solution file.
type SolutionProject struct {
	Name string
	Path string // relative to the solution's folder, '/' separators
}

var slnProject = lazyre.New(`^Project\("\{[0-9A-Fa-f-]+\}"\)\s*=\s*"([^"]*)"\s*,\s*"([^"]*)"\s*,\s*"\{[0-9A-Fa-f-]+\}"\s*$`)

// ParseSolution reads a Visual Studio .sln file and returns its projects
// (solution folders, which are not projects, are left out). A Project line
// that does not parse fails with its line; the projects read before it are
// returned with the error.
func ParseSolution(data []byte) ([]SolutionProject, error) {
	var out []SolutionProject
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	header := false
	for sc.Scan() {
		n++
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if strings.HasPrefix(line, "Microsoft Visual Studio Solution File") {
			header = true
			continue
		}
		if !strings.HasPrefix(line, "Project(") {
			continue
		}
		m := slnProject.Re().FindStringSubmatch(line)
		if m == nil {
			return out, &Error{Line: n, Msg: fmt.Sprintf("malformed Project line %q", truncate(line, 80))}
		}
		p := strings.ReplaceAll(m[2], `\`, "/")
		if dotnetProjectFile(p) {
			out = append(out, SolutionProject{Name: m[1], Path: p})
		}
	}
	if err := sc.Err(); err != nil {
		return out, &Error{Line: n + 1, Msg: err.Error()}
	}
	if !header && len(out) == 0 {
		return nil, &Error{Line: 1, Msg: "not a solution file: no \"Microsoft Visual Studio Solution File\" header"}
	}
	return out, nil
}

// ParseSlnx reads the XML solution format of .NET 9 (.slnx).
func ParseSlnx(data []byte) ([]SolutionProject, error) {
	var w struct {
		XMLName  xml.Name `xml:"Solution"`
		Projects []struct {
			Path string `xml:"Path,attr"`
		} `xml:"Project"`
		Folders []struct {
			Projects []struct {
				Path string `xml:"Path,attr"`
			} `xml:"Project"`
		} `xml:"Folder"`
	}
	if err := xml.Unmarshal(data, &w); err != nil {
		return nil, xmlError(data, err)
	}
	var out []SolutionProject
	add := func(p string) {
		p = strings.ReplaceAll(strings.TrimSpace(p), `\`, "/")
		if dotnetProjectFile(p) {
			name := p[strings.LastIndexByte(p, '/')+1:]
			name = name[:strings.LastIndexByte(name, '.')]
			out = append(out, SolutionProject{Name: name, Path: p})
		}
	}
	for _, p := range w.Projects {
		add(p.Path)
	}
	for _, f := range w.Folders {
		for _, p := range f.Projects {
			add(p.Path)
		}
	}
	return out, nil
}

func dotnetProjectFile(p string) bool {
	return strings.HasSuffix(p, ".csproj") || strings.HasSuffix(p, ".fsproj") || strings.HasSuffix(p, ".vbproj")
}

// GlobalJSON is what Kyozo reads of a global.json.
type GlobalJSON struct {
	SDKVersion  string
	RollForward string
}

// ParseGlobalJSON reads a global.json (comments are allowed, as the dotnet
// host allows them).
func ParseGlobalJSON(data []byte) (*GlobalJSON, error) {
	var w struct {
		SDK struct {
			Version     string `json:"version"`
			RollForward string `json:"rollForward"`
		} `json:"sdk"`
	}
	if err := DecodeJSONC(data, &w); err != nil {
		return nil, err
	}
	return &GlobalJSON{SDKVersion: w.SDK.Version, RollForward: w.SDK.RollForward}, nil
}

// AppSettings is what Kyozo reads of an ASP.NET Core appsettings.json.
type AppSettings struct {
	// Ports are the ports of Kestrel endpoints and of the "Urls" setting,
	// in that order: configuration that decides where the server listens.
	Ports             []int
	ConnectionStrings []string // names under ConnectionStrings, sorted
}

// ParseAppSettings reads an appsettings.json (comments allowed).
func ParseAppSettings(data []byte) (*AppSettings, error) {
	var w struct {
		Urls    string `json:"Urls"`
		Kestrel struct {
			Endpoints map[string]struct {
				URL string `json:"Url"`
			} `json:"Endpoints"`
		} `json:"Kestrel"`
		ConnectionStrings map[string]any `json:"ConnectionStrings"`
	}
	if err := DecodeJSONC(data, &w); err != nil {
		return nil, err
	}
	a := &AppSettings{}
	names := make([]string, 0, len(w.Kestrel.Endpoints))
	for k := range w.Kestrel.Endpoints {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if p := urlPort(w.Kestrel.Endpoints[k].URL); p > 0 {
			a.Ports = dotnetAppendPort(a.Ports, p)
		}
	}
	for _, u := range strings.Split(w.Urls, ";") {
		if p := urlPort(u); p > 0 {
			a.Ports = dotnetAppendPort(a.Ports, p)
		}
	}
	for k := range w.ConnectionStrings {
		a.ConnectionStrings = append(a.ConnectionStrings, k)
	}
	slices.Sort(a.ConnectionStrings)
	return a, nil
}

// ParseLaunchSettings reads Properties/launchSettings.json and returns the
// ports of the plain-HTTP applicationUrl of its "Project" profiles, in
// profile-name order.
func ParseLaunchSettings(data []byte) ([]int, error) {
	var w struct {
		Profiles map[string]struct {
			CommandName    string `json:"commandName"`
			ApplicationURL string `json:"applicationUrl"`
		} `json:"profiles"`
	}
	if err := DecodeJSONC(data, &w); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(w.Profiles))
	for k := range w.Profiles {
		names = append(names, k)
	}
	slices.Sort(names)
	var out []int
	for _, k := range names {
		pr := w.Profiles[k]
		if pr.CommandName != "Project" {
			continue
		}
		for _, u := range strings.Split(pr.ApplicationURL, ";") {
			if strings.HasPrefix(strings.TrimSpace(u), "http://") {
				if p := urlPort(u); p > 0 {
					out = dotnetAppendPort(out, p)
				}
			}
		}
	}
	return out, nil
}

// urlPort returns the port of a Kestrel URL ("http://+:5000",
// "http://*:8080", "http://localhost:5123"), or 0.
func urlPort(u string) int {
	u = strings.TrimSpace(u)
	if u == "" {
		return 0
	}
	// Kestrel's wildcard hosts are not valid URL hosts.
	u = strings.NewReplacer("://+:", "://0.0.0.0:", "://*:", "://0.0.0.0:").Replace(u)
	pu, err := url.Parse(u)
	if err != nil {
		return 0
	}
	n, err := strconv.Atoi(pu.Port())
	if err != nil || n < 1 || n > 65535 {
		return 0
	}
	return n
}

func dotnetAppendPort(s []int, p int) []int {
	if slices.Contains(s, p) {
		return s
	}
	return append(s, p)
}
