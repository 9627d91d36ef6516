package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strings"
)

// gen writes a bare repository of pseudo-random source-like text: nested
// folders, a first commit with most files, then commits that each touch a
// few neighbouring folders (edits and new files), as real history does.
// It streams everything through one `git fast-import`, then repacks once,
// as a developer's repository would be after gc.
func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	commits := fs.Int("commits", 400, "commits")
	files := fs.Int("files", 8000, "files in the first commit")
	seed := fs.Uint64("seed", 1, "seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: benchpush gen [-commits N] [-files N] [-seed N] DIR")
	}
	dir := fs.Arg(0)
	if out, err := exec.Command("git", "init", "-q", "--bare", "-b", "main", dir).CombinedOutput(); err != nil {
		return fmt.Errorf("git init: %v: %s", err, out)
	}
	imp := exec.Command("git", "--git-dir="+dir, "fast-import", "--quiet")
	imp.Stderr = os.Stderr
	in, err := imp.StdinPipe()
	if err != nil {
		return err
	}
	if err := imp.Start(); err != nil {
		return err
	}
	w := bufio.NewWriterSize(in, 1<<20)
	g := newGenerator(*seed)
	g.write(w, *commits, *files)
	if err := w.Flush(); err != nil {
		return err
	}
	in.Close()
	if err := imp.Wait(); err != nil {
		return fmt.Errorf("fast-import: %w", err)
	}
	if out, err := exec.Command("git", "--git-dir="+dir, "repack", "-adq").CombinedOutput(); err != nil {
		return fmt.Errorf("repack: %v: %s", err, out)
	}
	return nil
}

type generator struct {
	rng   *rand.Rand
	words []string
	files map[string][]string // path → lines
	dirs  []string            // leaf folders
	mark  int
}

func newGenerator(seed uint64) *generator {
	g := &generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), files: map[string][]string{}}
	// A vocabulary of made-up identifiers: text that compresses about as
	// well as source code, not as well as repeated lorem ipsum.
	for range 20000 {
		n := 2 + g.rng.IntN(10)
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('a' + g.rng.IntN(26))
		}
		g.words = append(g.words, string(b))
	}
	for a := range 24 {
		for b := range 8 {
			for c := range 6 {
				g.dirs = append(g.dirs, fmt.Sprintf("pkg%02d/mod%d/sub%d", a, b, c))
			}
		}
	}
	return g
}

func (g *generator) line() string {
	var sb strings.Builder
	sb.WriteString(strings.Repeat("\t", g.rng.IntN(4)))
	n := 3 + g.rng.IntN(10)
	for i := range n {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(g.words[g.rng.IntN(len(g.words))])
		if g.rng.IntN(8) == 0 {
			fmt.Fprintf(&sb, "(%d)", g.rng.IntN(100000))
		}
	}
	return sb.String()
}

func (g *generator) newFile(dir string) string {
	var name string
	for {
		name = fmt.Sprintf("%s/%s_%d.txt", dir, g.words[g.rng.IntN(len(g.words))], g.rng.IntN(1000))
		if _, ok := g.files[name]; !ok {
			break
		}
	}
	n := 15 + g.rng.IntN(100)
	lines := make([]string, n)
	for i := range lines {
		lines[i] = g.line()
	}
	g.files[name] = lines
	return name
}

// edit rewrites a run of lines and appends a few: a diff of a few lines,
// which the pack stores as a small delta.
func (g *generator) edit(name string) {
	lines := g.files[name]
	at := g.rng.IntN(len(lines))
	for i := at; i < min(len(lines), at+1+g.rng.IntN(6)); i++ {
		lines[i] = g.line()
	}
	for range g.rng.IntN(4) {
		lines = append(lines, g.line())
	}
	g.files[name] = lines
}

func (g *generator) blob(w io.Writer, name string) {
	content := strings.Join(g.files[name], "\n") + "\n"
	fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n%s\n", name, len(content), content)
}

func (g *generator) commit(w io.Writer, n int, msg string, paths []string) {
	when := 1700000000 + int64(n)*3600
	fmt.Fprintf(w, "commit refs/heads/main\ncommitter Bench <bench@example.com> %d +0000\ndata %d\n%s\n", when, len(msg), msg)
	for _, p := range paths {
		g.blob(w, p)
	}
	fmt.Fprintln(w)
}

func (g *generator) write(w io.Writer, commits, files int) {
	var first []string
	for range files {
		first = append(first, g.newFile(g.dirs[g.rng.IntN(len(g.dirs))]))
	}
	slices.Sort(first)
	g.commit(w, 0, "initial import", first)
	byDir := map[string][]string{}
	for p := range g.files {
		d := p[:strings.LastIndexByte(p, '/')]
		byDir[d] = append(byDir[d], p)
	}
	for d := range byDir {
		slices.Sort(byDir[d])
	}
	for c := 1; c < commits; c++ {
		// A change touches a couple of folders of one package.
		top := g.dirs[g.rng.IntN(len(g.dirs))][:5]
		var near []string
		for _, d := range g.dirs {
			if strings.HasPrefix(d, top) {
				near = append(near, d)
			}
		}
		touched := map[string]bool{}
		for range 4 + g.rng.IntN(3) {
			d := near[g.rng.IntN(len(near))]
			for range g.rng.IntN(4) {
				p := g.newFile(d)
				byDir[d] = append(byDir[d], p)
				touched[p] = true
			}
			for _, p := range byDir[d] {
				if !touched[p] && g.rng.IntN(2) == 0 {
					g.edit(p)
					touched[p] = true
				}
			}
		}
		paths := make([]string, 0, len(touched))
		for p := range touched {
			paths = append(paths, p)
		}
		slices.Sort(paths)
		g.commit(w, c, fmt.Sprintf("change %d in %s", c, top), paths)
	}
}
