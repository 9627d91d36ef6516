package topology

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// WriteText writes the topology as a summary a person scans in seconds.
func WriteText(w io.Writer, t *Topology) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "%s: %s, %s\n", t.Root, plural(len(t.Services), "service"), plural(len(t.BackingServices), "backing service"))
	if len(t.Services) > 0 {
		fmt.Fprintln(ew, "\nSERVICES")
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  NAME\tPATH\tKIND\tSTACK\tPORT\tHEALTH\tDEPENDS ON\tCONFIDENCE")
		for _, s := range t.Services {
			health := "-"
			if s.HealthCheck != nil {
				health = s.HealthCheck.Path
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\t%.2f\n", s.Name, s.Path, s.Kind, stack(s), portText(s.Port), health, listText(s.DependsOn), s.Confidence)
		}
		tw.Flush()
		fmt.Fprintln(ew, "\nSTART")
		tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		for _, s := range t.Services {
			build := ""
			if s.BuildCommand != "" {
				build = "build: " + s.BuildCommand + "; "
			}
			fmt.Fprintf(tw, "  %s\t%sstart: %s\t(%s Dockerfile)\n", s.Name, build, orDash(s.StartCommand), s.Dockerfile.Source)
		}
		tw.Flush()
	}
	if len(t.BackingServices) > 0 {
		fmt.Fprintln(ew, "\nBACKING SERVICES")
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  NAME\tTYPE\tIMAGE\tLINKED AS\tUSED BY")
		for _, b := range t.BackingServices {
			var vars []string
			for k := range b.Env {
				vars = append(vars, k)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", b.Name, b.Type, b.Image, listText(sorted(vars)), listText(b.UsedBy))
		}
		tw.Flush()
	}
	if len(t.StartOrder) > 0 {
		fmt.Fprintln(ew, "\nSTART ORDER")
		for i, level := range t.StartOrder {
			fmt.Fprintf(ew, "  %d. %s\n", i+1, strings.Join(level, ", "))
		}
	}
	if len(t.Libraries) > 0 {
		fmt.Fprintln(ew, "\nLIBRARIES")
		for _, l := range t.Libraries {
			fmt.Fprintf(ew, "  %s (%s), used by %s\n", l.Path, l.Language, listText(l.UsedBy))
		}
	}
	if len(t.Ignored) > 0 {
		fmt.Fprintln(ew, "\nIGNORED")
		for _, ig := range t.Ignored {
			fmt.Fprintf(ew, "  %s: %s\n", ig.Path, ig.Reason)
		}
	}
	if len(t.Warnings) > 0 {
		fmt.Fprintln(ew, "\nWARNINGS")
		for _, wn := range t.Warnings {
			loc := wn.File
			if wn.Line > 0 {
				loc += ":" + strconv.Itoa(wn.Line)
			}
			if loc == "" {
				loc = "(tree)"
			}
			fmt.Fprintf(ew, "  %s: %s\n", loc, wn.Message)
		}
	}
	return ew.err
}

func stack(s *Service) string {
	parts := []string{s.Language}
	if s.Framework != "" {
		parts = append(parts, s.Framework)
	}
	if s.PackageManager != "" && s.PackageManager != s.Language {
		parts = append(parts, s.PackageManager)
	}
	if s.RuntimeVersion != "" {
		parts[0] += " " + s.RuntimeVersion
	}
	return strings.Join(parts, " · ")
}

func portText(p int) string {
	if p == 0 {
		return "-"
	}
	return strconv.Itoa(p)
}

func listText(s []string) string {
	if len(s) == 0 {
		return "-"
	}
	return strings.Join(s, ", ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func sorted(s []string) []string {
	slices.Sort(s)
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// errWriter keeps the first write error so the printing code stays linear.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
