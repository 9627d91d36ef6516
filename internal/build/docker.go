package build

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	dockerbuild "github.com/docker/docker/api/types/build"
)

// ImageBuilder is the one method of the Docker client a build needs;
// *client.Client satisfies it, and tests fake it.
type ImageBuilder interface {
	ImageBuild(ctx context.Context, buildContext io.Reader, options dockerbuild.ImageBuildOptions) (dockerbuild.ImageBuildResponse, error)
}

// Docker builds images with the engine's classic builder. BuildKit through
// the Engine API needs a gRPC session the client has to serve; the classic
// builder needs only the context upload, caches layers between builds by
// default, and is what an engine of any version has.
type Docker struct {
	api ImageBuilder
}

var _ Builder = (*Docker)(nil)

// NewDocker returns a builder that talks to the engine through api.
func NewDocker(api ImageBuilder) *Docker {
	return &Docker{api: api}
}

// errContextDone closes the context pipe once the engine has answered, so
// the tar writer stops if the engine quit reading early (a Dockerfile it
// could not parse, a cancelled build).
var errContextDone = errors.New("build context no longer read")

// Build streams the context to the engine while it is being written (a large
// repository is never held in memory), then reads the engine's output. It
// asks for no pull; the classic builder still fetches a FROM image that is
// not local, which on a host with no registry fails the build, naming it.
func (b *Docker) Build(ctx context.Context, req Request, progress func(line string)) (Result, error) {
	if progress == nil {
		progress = func(string) {}
	}
	bc, err := newBuildContext(req)
	if err != nil {
		return Result{}, err
	}

	pr, pw := io.Pipe()
	type sent struct {
		n   int64
		err error
	}
	done := make(chan sent, 1)
	go func() {
		n, err := bc.WriteTo(pw)
		// A tar error reaches the engine as a broken upload; the nil case
		// ends the stream with EOF.
		pw.CloseWithError(err)
		done <- sent{n, err}
	}()

	resp, err := b.api.ImageBuild(ctx, pr, dockerbuild.ImageBuildOptions{
		Tags:        req.Tags,
		Labels:      req.Labels,
		Dockerfile:  bc.dockerfile,
		Version:     dockerbuild.BuilderV1,
		PullParent:  false,
		Remove:      true,
		ForceRemove: true, // a failed RUN leaves no stopped container behind
	})
	var res Result
	if err == nil {
		res.ImageID, err = decodeBuild(resp.Body, progress)
		resp.Body.Close()
	} else {
		err = fmt.Errorf("build %s: %w", strings.Join(req.Tags, ", "), err)
	}
	pr.CloseWithError(errContextDone)
	s := <-done
	res.ContextBytes = s.n
	// What broke the context is the error to report: the engine's own
	// message about a cut-off upload says nothing useful.
	if s.err != nil && !errors.Is(s.err, errContextDone) && !errors.Is(s.err, io.ErrClosedPipe) {
		return res, s.err
	}
	if err != nil {
		return res, err
	}
	return res, nil
}

// message is one JSON object of the engine's build output.
type message struct {
	Stream      string `json:"stream"`
	Status      string `json:"status"`
	ID          string `json:"id"`
	Error       string `json:"error"`
	ErrorDetail *struct {
		Message string `json:"message"`
	} `json:"errorDetail"`
	Aux json.RawMessage `json:"aux"`
}

// decodeBuild reads the engine's output to its end: stream text becomes
// progress lines, the aux ID is the image, and an error ends the build with
// the step it happened in.
func decodeBuild(r io.Reader, progress func(string)) (string, error) {
	var (
		dec     = json.NewDecoder(r)
		partial strings.Builder // a line the engine has not finished yet
		step    string
		imageID string
		built   string // from "Successfully built", if no aux ID comes
	)
	emit := func(line string) {
		line = strings.TrimRight(line, "\r\n")
		if strings.TrimSpace(line) == "" {
			return
		}
		if strings.HasPrefix(line, "Step ") {
			step = line
		}
		if id, ok := strings.CutPrefix(line, "Successfully built "); ok {
			built = strings.TrimSpace(id)
		}
		progress(line)
	}
	flush := func() {
		if partial.Len() > 0 {
			emit(partial.String())
			partial.Reset()
		}
	}
	for {
		var m message
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return "", fmt.Errorf("read build output: %w", err)
		}
		if m.Stream != "" {
			text := m.Stream
			for {
				i := strings.IndexByte(text, '\n')
				if i < 0 {
					partial.WriteString(text)
					break
				}
				partial.WriteString(text[:i])
				flush()
				text = text[i+1:]
			}
		}
		if m.Status != "" {
			flush()
			if m.ID != "" {
				emit(m.ID + ": " + m.Status)
			} else {
				emit(m.Status)
			}
		}
		if m.ErrorDetail != nil || m.Error != "" {
			flush()
			msg := m.Error
			if m.ErrorDetail != nil && m.ErrorDetail.Message != "" {
				msg = m.ErrorDetail.Message
			}
			msg = strings.TrimSpace(msg)
			if step == "" {
				return "", fmt.Errorf("%w: %s", ErrBuildFailed, msg)
			}
			return "", fmt.Errorf("%w: %s: %s", ErrBuildFailed, step, msg)
		}
		if len(m.Aux) > 0 {
			var aux struct{ ID string }
			if json.Unmarshal(m.Aux, &aux) == nil && aux.ID != "" {
				imageID = aux.ID
			}
		}
	}
	flush()
	if imageID == "" {
		imageID = built
	}
	if imageID == "" {
		return "", fmt.Errorf("%w: the engine's output ended without an image ID", ErrBuildFailed)
	}
	return imageID, nil
}
