package tree

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// ErrTooManyFiles is returned by Walk when the tree holds more files than
// Limits.MaxFiles. A deploy of such a tree is refused rather than analysed in part.
var ErrTooManyFiles = errors.New("tree has too many files")

// ErrTooLarge is returned by ReadFile for a file over Limits.MaxFileSize, and
// once the tree's read budget (Limits.MaxReadBytes) is spent.
var ErrTooLarge = errors.New("file is over the read limit")

// Limits bound what reading one tree may cost. The zero value means the defaults.
type Limits struct {
	MaxFiles     int   // files indexed; past it Walk fails with ErrTooManyFiles
	MaxDepth     int   // folders deeper than this are not walked
	MaxFileSize  int64 // bytes; a larger file is never read
	MaxReadBytes int64 // total bytes ReadFile may return over the tree's life
}

// DefaultLimits are generous for any real repository and small enough that a
// hostile tree cannot exhaust the worker.
var DefaultLimits = Limits{
	MaxFiles:     200_000,
	MaxDepth:     32,
	MaxFileSize:  1 << 20,
	MaxReadBytes: 256 << 20,
}

func (l Limits) withDefaults() Limits {
	if l.MaxFiles <= 0 {
		l.MaxFiles = DefaultLimits.MaxFiles
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultLimits.MaxDepth
	}
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = DefaultLimits.MaxFileSize
	}
	if l.MaxReadBytes <= 0 {
		l.MaxReadBytes = DefaultLimits.MaxReadBytes
	}
	return l
}

// Dir is one folder of the tree: the names of its files and of the
// sub-folders that were walked, both sorted.
type Dir struct {
	Path  string // slash-separated, relative to the root; "." for the root
	Files []string
	Dirs  []string
	Depth int
}

// Has reports whether the folder holds a file with this exact name.
func (d *Dir) Has(name string) bool {
	_, ok := slices.BinarySearch(d.Files, name)
	return ok
}

// HasDir reports whether the folder has a walked sub-folder with this name.
func (d *Dir) HasDir(name string) bool {
	_, ok := slices.BinarySearch(d.Dirs, name)
	return ok
}

// First returns the first of names the folder holds, or "".
func (d *Dir) First(names ...string) string {
	for _, n := range names {
		if d.Has(n) {
			return n
		}
	}
	return ""
}

// WithExt returns the folder's files whose names end in one of exts.
func (d *Dir) WithExt(exts ...string) []string {
	var out []string
	for _, f := range d.Files {
		for _, e := range exts {
			if strings.HasSuffix(f, e) {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

// Join returns the tree path of a name inside the folder.
func (d *Dir) Join(name string) string { return Join(d.Path, name) }

// Join joins tree paths, treating "." as the root.
func Join(dir, name string) string {
	if dir == "." || dir == "" {
		return name
	}
	return dir + "/" + name
}

// Skip records a part of the tree that was not walked, and why.
type Skip struct {
	Path   string
	Reason string
}

// Tree is a read-only, bounded index of a folder. It never follows a
// symbolic link to a folder, never reads through a link out of the root, and
// is safe for concurrent use once built.
type Tree struct {
	fs     opener
	limits Limits
	dirs   map[string]*Dir
	order  []*Dir
	files  int
	skips  []Skip

	readBytes atomic.Int64
	mu        sync.Mutex
	cache     map[string]cached
	refused   []Skip // files not read because of a limit
}

type cached struct {
	data []byte
	err  error
}

// Open indexes the folder at dir. Reads go through an os.Root, so a symbolic
// link can never lead out of dir.
func Open(dir string, lim Limits) (*Tree, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	o := newRootOpener(root)
	t, err := walk(o, lim)
	if err != nil {
		o.close()
		return nil, err
	}
	return t, nil
}

// Walk indexes fsys. fsys must not resolve symbolic links out of its root on
// its own (os.Root's FS and a git tree don't).
func Walk(fsys fs.FS, lim Limits) (*Tree, error) {
	return walk(fsOpener{fsys}, lim)
}

func walk(o opener, lim Limits) (*Tree, error) {
	t := &Tree{
		fs:     o,
		limits: lim.withDefaults(),
		dirs:   make(map[string]*Dir),
		cache:  make(map[string]cached),
	}
	if err := t.walk(".", 0); err != nil {
		return nil, err
	}
	slices.SortFunc(t.order, func(a, b *Dir) int { return strings.Compare(a.Path, b.Path) })
	return t, nil
}

func (t *Tree) walk(p string, depth int) error {
	entries, err := t.fs.readDir(p)
	if err != nil {
		if p == "." {
			return err
		}
		t.skips = append(t.skips, Skip{p, "unreadable: " + errText(err)})
		return nil
	}
	d := &Dir{Path: p, Depth: depth}
	t.dirs[p] = d
	t.order = append(t.order, d)
	var sub []string
	for _, e := range entries {
		name := e.Name()
		switch typ := e.Type(); {
		case typ.IsDir():
			sub = append(sub, name)
		case typ.IsRegular(), typ&fs.ModeSymlink != 0:
			// A link to a file is kept: reading it goes through the root,
			// which refuses a target outside the tree.
			d.Files = append(d.Files, name)
			t.files++
		}
	}
	if t.files > t.limits.MaxFiles {
		return fmt.Errorf("%w: more than %d files", ErrTooManyFiles, t.limits.MaxFiles)
	}
	for _, name := range sub {
		child := Join(p, name)
		if reason := skipDir(name, d); reason != "" {
			continue
		}
		if depth+1 > t.limits.MaxDepth {
			t.skips = append(t.skips, Skip{child, fmt.Sprintf("deeper than %d folders", t.limits.MaxDepth)})
			continue
		}
		d.Dirs = append(d.Dirs, name)
		if err := t.walk(child, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Close releases the root folder, when the tree was opened from disk.
func (t *Tree) Close() error {
	return t.fs.close()
}

// Dir returns the folder at p, or nil when p was not walked.
func (t *Tree) Dir(p string) *Dir { return t.dirs[p] }

// Dirs returns every walked folder, sorted by path (a parent before its children).
func (t *Tree) Dirs() []*Dir { return t.order }

// FileCount is the number of files indexed.
func (t *Tree) FileCount() int { return t.files }

// Skipped lists folders that were not walked for a reason worth reporting
// (unreadable, too deep); vendored and generated folders are not listed.
func (t *Tree) Skipped() []Skip { return t.skips }

// Exists reports whether the file at p was indexed.
func (t *Tree) Exists(p string) bool {
	d := t.dirs[path.Dir(p)]
	return d != nil && d.Has(path.Base(p))
}

// ReadFile returns the content of the file at p, reading it once. Files over
// the size limit, and reads past the tree's budget, fail with ErrTooLarge.
func (t *Tree) ReadFile(p string) ([]byte, error) {
	t.mu.Lock()
	c, ok := t.cache[p]
	t.mu.Unlock()
	if ok {
		return c.data, c.err
	}
	data, err := t.readFile(p)
	t.mu.Lock()
	t.cache[p] = cached{data, err}
	if errors.Is(err, ErrTooLarge) {
		t.refused = append(t.refused, Skip{p, errText(err)})
	}
	t.mu.Unlock()
	return data, err
}

// Refused lists the files a reader asked for that a limit kept it from
// reading, so the analysis can say what it did not see.
func (t *Tree) Refused() []Skip {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.refused)
}

func (t *Tree) readFile(p string) ([]byte, error) { return t.read(p, 0) }

// ReadPrefix returns at most n bytes from the start of the file at p; it is
// how source files are scanned without reading a large one whole.
func (t *Tree) ReadPrefix(p string, n int64) ([]byte, error) { return t.read(p, n) }

// read reads the file at p whole (prefix 0), failing past the size limit,
// or its first prefix bytes whatever its size. Both count against the
// tree's read budget.
func (t *Tree) read(p string, prefix int64) ([]byte, error) {
	if !t.Exists(p) {
		return nil, &fs.PathError{Op: "read", Path: p, Err: fs.ErrNotExist}
	}
	f, err := t.fs.open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: p, Err: errors.New("not a regular file")}
	}
	size := st.Size()
	if prefix > 0 {
		size = min(size, prefix)
	} else if size > t.limits.MaxFileSize {
		return nil, &fs.PathError{Op: "read", Path: p, Err: fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, size, t.limits.MaxFileSize)}
	}
	if t.readBytes.Add(size) > t.limits.MaxReadBytes {
		return nil, &fs.PathError{Op: "read", Path: p, Err: fmt.Errorf("%w: tree read budget of %d bytes spent", ErrTooLarge, t.limits.MaxReadBytes)}
	}
	buf := make([]byte, size)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return buf[:n], nil
}
