package repo

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/kyozo/kyozo/internal/tree"
)

// ErrUnsafeEntry is returned for a tar entry the extractor refuses: an
// absolute or escaping path, a path through a symbolic link, a duplicate,
// or a kind of file a git tree cannot hold.
var ErrUnsafeEntry = errors.New("unsafe archive entry")

// ErrNotEmpty is returned by Export for a destination that already holds files.
var ErrNotEmpty = errors.New("destination folder is not empty")

// refused reports whether err is the extractor's own refusal rather than a
// failure to read the stream.
func refused(err error) bool {
	return errors.Is(err, ErrUnsafeEntry) || errors.Is(err, ErrNotEmpty) ||
		errors.Is(err, tree.ErrTooManyFiles) || errors.Is(err, tree.ErrTooLarge)
}

// extractor writes a tar stream under one folder. git archive is trusted to
// produce a sane stream, but the tree it comes from is the pusher's, and
// the extractor is the last line before the build reads it, so it checks
// every entry as if the stream were hostile.
type extractor struct {
	root  *os.Root // no operation leaves the folder, whatever the names
	lim   tree.Limits
	dirs  map[string]bool // folders made (or found) so far
	made  map[string]bool // files and links made so far
	links map[string]bool // the links among them
	files int
	bytes int64
}

func extract(r io.Reader, dir string, lim tree.Limits) error {
	if lim.MaxFiles <= 0 {
		lim.MaxFiles = tree.DefaultLimits.MaxFiles
	}
	if lim.MaxReadBytes <= 0 {
		lim.MaxReadBytes = tree.DefaultLimits.MaxReadBytes
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("export folder: %w", err)
	}
	// An empty destination means every link in it is one the extractor
	// made and checked; a folder with content could hold a link planted
	// to redirect a write.
	if ents, err := os.ReadDir(dir); err != nil {
		return fmt.Errorf("export folder: %w", err)
	} else if len(ents) > 0 {
		return fmt.Errorf("%w: %s", ErrNotEmpty, dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("export folder: %w", err)
	}
	defer root.Close()
	x := &extractor{root: root, lim: lim, dirs: map[string]bool{".": true}, made: map[string]bool{}, links: map[string]bool{}}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read archive: %w", err)
		}
		if err := x.entry(h, tr); err != nil {
			return err
		}
	}
}

func (x *extractor) entry(h *tar.Header, body io.Reader) error {
	if h.Typeflag == tar.TypeXGlobalHeader {
		return nil // git archive's commit id comment
	}
	name, err := cleanName(h.Name)
	if err != nil {
		return err
	}
	if err := x.checkParents(name); err != nil {
		return err
	}
	if x.made[name] {
		return fmt.Errorf("%w: %q appears twice", ErrUnsafeEntry, h.Name)
	}
	switch h.Typeflag {
	case tar.TypeDir:
		return x.mkdirs(name)
	case tar.TypeReg:
		if err := x.count(h.Size); err != nil {
			return err
		}
		if err := x.mkdirs(path.Dir(name)); err != nil {
			return err
		}
		return x.file(name, h, body)
	case tar.TypeSymlink:
		if err := x.count(0); err != nil {
			return err
		}
		if h.Linkname == "" {
			return fmt.Errorf("%w: link %q has no target", ErrUnsafeEntry, h.Name)
		}
		if err := x.mkdirs(path.Dir(name)); err != nil {
			return err
		}
		if x.dirs[name] {
			return fmt.Errorf("%w: link %q replaces a folder", ErrUnsafeEntry, h.Name)
		}
		// The link is kept as a link, whatever it points at; the tree
		// reader never follows one out of the folder, and nothing here
		// writes through one.
		if err := x.root.Symlink(h.Linkname, name); err != nil {
			return fmt.Errorf("export %s: %w", name, err)
		}
		x.made[name], x.links[name] = true, true
		return nil
	default:
		return fmt.Errorf("%w: %q has type %q (a git tree holds files, folders and links only)", ErrUnsafeEntry, h.Name, h.Typeflag)
	}
}

// cleanName turns an entry name into a slash path relative to the folder,
// refusing anything absolute, anything with "." or ".." elements, empty
// elements and NUL bytes.
func cleanName(n string) (string, error) {
	name := strings.TrimSuffix(n, "/")
	if name == "" || name == "." || strings.HasPrefix(name, "/") || !fs.ValidPath(name) {
		return "", fmt.Errorf("%w: path %q", ErrUnsafeEntry, n)
	}
	return name, nil
}

// checkParents refuses a name that goes through a link or a file made earlier.
func (x *extractor) checkParents(name string) error {
	for p := path.Dir(name); p != "."; p = path.Dir(p) {
		if x.links[p] {
			return fmt.Errorf("%w: %q goes through the link %q", ErrUnsafeEntry, name, p)
		}
		if x.made[p] {
			return fmt.Errorf("%w: %q goes through the file %q", ErrUnsafeEntry, name, p)
		}
	}
	return nil
}

func (x *extractor) count(size int64) error {
	x.files++
	if x.files > x.lim.MaxFiles {
		return fmt.Errorf("%w: more than %d files", tree.ErrTooManyFiles, x.lim.MaxFiles)
	}
	if size < 0 || size > x.lim.MaxReadBytes-x.bytes {
		return fmt.Errorf("%w: the tree holds more than %d bytes", tree.ErrTooLarge, x.lim.MaxReadBytes)
	}
	x.bytes += size
	return nil
}

// mkdirs makes dir and its parents, each 0755 whatever the umask: the
// build copies the folder into an image whose user may not be the owner.
func (x *extractor) mkdirs(dir string) error {
	if x.dirs[dir] {
		return nil
	}
	if x.links[dir] || x.made[dir] {
		return fmt.Errorf("%w: folder %q replaces a file or link", ErrUnsafeEntry, dir)
	}
	if err := x.mkdirs(path.Dir(dir)); err != nil {
		return err
	}
	if err := x.root.Mkdir(dir, 0o755); err != nil {
		return fmt.Errorf("export %s: %w", dir, err)
	}
	if err := x.root.Chmod(dir, 0o755); err != nil {
		return fmt.Errorf("export %s: %w", dir, err)
	}
	x.dirs[dir] = true
	return nil
}

func (x *extractor) file(name string, h *tar.Header, body io.Reader) error {
	if x.dirs[name] {
		return fmt.Errorf("%w: file %q replaces a folder", ErrUnsafeEntry, h.Name)
	}
	mode := fs.FileMode(0o644)
	if h.Mode&0o111 != 0 {
		mode = 0o755
	}
	// O_EXCL: the name is new, so the open cannot land on a link.
	f, err := x.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("export %s: %w", name, err)
	}
	x.made[name] = true
	_, err = io.CopyN(f, body, h.Size)
	if err == nil {
		err = f.Chmod(mode) // exact, whatever the umask
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", name, err)
	}
	return nil
}
