package build

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// GeneratedDockerfile is where a generated Dockerfile (Request.Content)
// sits in the context. It follows the docker CLI's own name for a
// Dockerfile read from stdin (".dockerfile." and hex), which no project
// commits, and it is not under .kyozo/, where `kyozo detect` writes
// Dockerfiles a user may well commit. It is fixed rather than random, as
// the CLI's is, because it is also appended to the .dockerignore the engine
// receives, and a .dockerignore that changed on every build would miss the
// cache of every COPY that includes it.
const GeneratedDockerfile = ".dockerfile.kyozo-5c1b7e04a9d2"

const dockerignore = ".dockerignore"

// buildContext is one build's context as it will be sent: which files, with
// which Dockerfile, and the .dockerignore the engine sees.
type buildContext struct {
	root string
	// dockerfile is the slash path the engine is told to read.
	dockerfile string
	// generated is Request.Content; nil when the repository's Dockerfile
	// is used.
	generated []byte
	// ignore is the .dockerignore sent to the engine; nil sends none.
	// onDisk says whether the walk meets it or it has to be added.
	ignore []byte
	onDisk bool
	pm     *patternmatcher.PatternMatcher
}

// newBuildContext checks a request before anything is sent, so a missing
// Dockerfile or a bad .dockerignore fails at once with a clear error rather
// than half way through an upload.
func newBuildContext(req Request) (*buildContext, error) {
	if req.ContextDir == "" {
		return nil, fmt.Errorf("%w: no context directory", ErrInvalidContext)
	}
	fi, err := os.Stat(req.ContextDir)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidContext, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%w: %s is not a directory", ErrInvalidContext, req.ContextDir)
	}
	c := &buildContext{root: req.ContextDir}

	raw, err := readDockerignore(req.ContextDir)
	if err != nil {
		return nil, err
	}
	c.onDisk = raw != nil
	patterns, err := ignorefile.ReadAll(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: .dockerignore: %v", ErrInvalidContext, err)
	}

	// As the docker CLI does: .dockerignore and the Dockerfile are always
	// sent, whatever the patterns say, because the engine reads both; it
	// then drops the ones .dockerignore names from what COPY sees.
	if drop, _ := patternmatcher.MatchesOrParentMatches(dockerignore, patterns); drop {
		patterns = append(patterns, "!"+dockerignore)
	}
	if len(req.Content) > 0 {
		c.dockerfile = GeneratedDockerfile
		c.generated = req.Content
		// The generated Dockerfile is named in the .dockerignore the engine
		// gets, so the engine reads it and then leaves it out of the image
		// (COPY . never copies it); with no .dockerignore, one that names
		// only itself and the Dockerfile is added.
		if raw == nil {
			raw = []byte(dockerignore + "\n")
		} else if !bytes.HasSuffix(raw, []byte("\n")) {
			raw = append(raw, '\n')
		}
		c.ignore = append(raw, GeneratedDockerfile+"\n"...)
	} else {
		df, err := dockerfilePath(req.ContextDir, req.Dockerfile)
		if err != nil {
			return nil, err
		}
		c.dockerfile = df
		c.ignore = raw
		if drop, _ := patternmatcher.MatchesOrParentMatches(filepath.FromSlash(df), patterns); drop {
			patterns = append(patterns, "!"+df)
		}
	}
	c.pm, err = patternmatcher.New(patterns)
	if err != nil {
		return nil, fmt.Errorf("%w: .dockerignore: %v", ErrInvalidContext, err)
	}
	return c, nil
}

// readDockerignore returns the root's .dockerignore, nil when there is
// none. It must be a regular file: a link is never followed out of the
// tree, not even to read patterns.
func readDockerignore(root string) ([]byte, error) {
	p := filepath.Join(root, dockerignore)
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidContext, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: .dockerignore is a %s, not a regular file", ErrInvalidContext, typeName(fi.Mode()))
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidContext, err)
	}
	if b == nil {
		b = []byte{}
	}
	return b, nil
}

// dockerfilePath cleans Request.Dockerfile ("Dockerfile" when empty) and
// checks it is a regular file inside the context.
func dockerfilePath(root, name string) (string, error) {
	if name == "" {
		name = "Dockerfile"
	}
	df := path.Clean(filepath.ToSlash(name))
	if path.IsAbs(df) || df == "." || df == ".." || strings.HasPrefix(df, "../") {
		return "", fmt.Errorf("%w: Dockerfile %q is not a path inside the context", ErrInvalidContext, name)
	}
	fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(df)))
	if err != nil {
		return "", fmt.Errorf("%w: Dockerfile %s: %v", ErrInvalidContext, df, err)
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("%w: Dockerfile %s is a %s, not a regular file", ErrInvalidContext, df, typeName(fi.Mode()))
	}
	return df, nil
}

// WriteTo writes the context as an uncompressed tar to w and returns the
// bytes written. Entries keep their permission bits (setuid, setgid and
// sticky included) and modification time, belong to uid/gid 0 (the engine
// would otherwise keep the pusher's ids in the image), and links are
// written as links.
func (c *buildContext) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	tw := tar.NewWriter(cw)
	err := c.write(tw)
	if err == nil {
		err = tw.Close()
	}
	return cw.n, err
}

func (c *buildContext) write(tw *tar.Writer) error {
	now := time.Now().Truncate(time.Second)
	if c.generated != nil {
		if err := writeBytes(tw, GeneratedDockerfile, c.generated, 0o644, now); err != nil {
			return err
		}
	}
	if c.ignore != nil && !c.onDisk {
		if err := writeBytes(tw, dockerignore, c.ignore, 0o644, now); err != nil {
			return err
		}
	}

	// The walk mirrors the docker CLI's: each path is matched with its
	// parent's result, an excluded directory is skipped unless an exception
	// pattern could re-include something below it, and an excluded
	// directory that is entered is not itself sent.
	var (
		parents []string
		infos   []patternmatcher.MatchInfo
	)
	return filepath.WalkDir(c.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("%w: %v", ErrInvalidContext, err)
		}
		rel, err := filepath.Rel(c.root, p)
		if err != nil {
			return err
		}
		if rel == "." {
			return nil
		}
		name := filepath.ToSlash(rel)
		if c.generated != nil && name == GeneratedDockerfile {
			// Kyozo's file wins over a repository file of the same name.
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}

		for len(parents) > 0 && !strings.HasPrefix(rel, parents[len(parents)-1]+string(filepath.Separator)) {
			parents, infos = parents[:len(parents)-1], infos[:len(infos)-1]
		}
		var parent patternmatcher.MatchInfo
		if len(infos) > 0 {
			parent = infos[len(infos)-1]
		}
		skip, info, err := c.pm.MatchesUsingParentResults(rel, parent)
		if err != nil {
			return fmt.Errorf("%w: .dockerignore: %v", ErrInvalidContext, err)
		}
		if d.IsDir() {
			parents, infos = append(parents, rel), append(infos, info)
		}
		if skip {
			if !d.IsDir() || c.mayReinclude(rel) {
				return nil
			}
			return filepath.SkipDir
		}

		fi, err := d.Info()
		if err != nil {
			return fmt.Errorf("%w: %v", ErrInvalidContext, err)
		}
		if c.generated != nil && name == dockerignore {
			return writeBytes(tw, dockerignore, c.ignore, fi.Mode().Perm(), fi.ModTime())
		}
		return writeEntry(tw, p, name, fi)
	})
}

// mayReinclude reports whether an exception pattern ("!dir/keep") could
// match below the excluded directory rel, the docker CLI's test for
// entering it anyway.
func (c *buildContext) mayReinclude(rel string) bool {
	if !c.pm.Exclusions() {
		return false
	}
	dirSlash := rel + string(filepath.Separator)
	for _, pat := range c.pm.Patterns() {
		if pat.Exclusion() && strings.HasPrefix(pat.String()+string(filepath.Separator), dirSlash) {
			return true
		}
	}
	return false
}

// writeEntry writes one file, directory or symbolic link; anything else is
// refused, since the engine could not build from it and a pushed tree has
// no business holding it.
func writeEntry(tw *tar.Writer, p, name string, fi fs.FileInfo) error {
	mode := fi.Mode()
	var link string
	switch {
	case mode.IsRegular(), mode.IsDir():
	case mode&fs.ModeSymlink != 0:
		var err error
		if link, err = os.Readlink(p); err != nil {
			return fmt.Errorf("%w: %v", ErrInvalidContext, err)
		}
	default:
		return fmt.Errorf("%w: %s is a %s, not a regular file, directory or link", ErrInvalidContext, name, typeName(mode))
	}
	hdr, err := tar.FileInfoHeader(fi, link)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrInvalidContext, name, err)
	}
	hdr.Name = name
	if mode.IsDir() {
		hdr.Name += "/"
	}
	normalize(hdr, fi.ModTime())
	if !mode.IsRegular() {
		return tw.WriteHeader(hdr)
	}

	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidContext, err)
	}
	defer f.Close()
	// The file opened must be the one walked: a link swapped in between
	// would otherwise be followed.
	if opened, err := f.Stat(); err != nil || !os.SameFile(fi, opened) {
		return fmt.Errorf("%w: %s changed while the context was being sent", ErrInvalidContext, name)
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if _, err := io.CopyN(tw, f, hdr.Size); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: %s shrank while the context was being sent", ErrInvalidContext, name)
		}
		return err
	}
	return nil
}

func writeBytes(tw *tar.Writer, name string, b []byte, perm fs.FileMode, mtime time.Time) error {
	hdr := &tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: int64(perm), Size: int64(len(b))}
	normalize(hdr, mtime)
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err := tw.Write(b)
	return err
}

// normalize sets what every entry shares: root ownership without names (the
// builder's host user means nothing in the image), whole-second times, PAX
// for long names.
func normalize(hdr *tar.Header, mtime time.Time) {
	hdr.Uid, hdr.Gid = 0, 0
	hdr.Uname, hdr.Gname = "", ""
	hdr.ModTime = mtime.Truncate(time.Second)
	hdr.AccessTime, hdr.ChangeTime = time.Time{}, time.Time{}
	hdr.Format = tar.FormatPAX
}

func typeName(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "device"
	case m.IsDir():
		return "directory"
	default:
		return "special file (" + m.Type().String() + ")"
	}
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
