package build

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	dockerbuild "github.com/docker/docker/api/types/build"
)

// fakeEngine reads the context the way the engine does (to its end, as a
// tar) and answers with a canned output stream.
type fakeEngine struct {
	output string
	opts   dockerbuild.ImageBuildOptions
	names  []string
	read   int64
	err    error // what reading the context returned
}

func (f *fakeEngine) ImageBuild(_ context.Context, r io.Reader, opts dockerbuild.ImageBuildOptions) (dockerbuild.ImageBuildResponse, error) {
	f.opts = opts
	cr := &countingReader{r: r}
	tr := tar.NewReader(cr)
	for {
		hdr, err := tr.Next()
		if err != nil {
			if err != io.EOF {
				f.err = err
				return dockerbuild.ImageBuildResponse{}, errors.New("unexpected EOF in context upload")
			}
			break
		}
		f.names = append(f.names, hdr.Name)
	}
	_, _ = io.Copy(io.Discard, cr)
	f.read = cr.n
	return dockerbuild.ImageBuildResponse{Body: io.NopCloser(strings.NewReader(f.output))}, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func TestBuildSendsContextAndOptions(t *testing.T) {
	dir := tree(t, map[string]string{"Dockerfile": "FROM scratch\n", "app.txt": "app"})
	f := &fakeEngine{output: `{"stream":"Step 1/1 : FROM scratch\n"}{"aux":{"ID":"sha256:abc"}}{"stream":"Successfully built abc\n"}`}
	res, err := NewDocker(f).Build(context.Background(), Request{
		ContextDir: dir,
		Tags:       []string{"kyozo/shop-web:v3"},
		Labels:     map[string]string{"kyozo.app": "shop"},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.ImageID != "sha256:abc" || res.ContextBytes != f.read || res.ContextBytes == 0 {
		t.Errorf("result = %+v, engine read %d bytes", res, f.read)
	}
	o := f.opts
	if o.Version != dockerbuild.BuilderV1 || o.PullParent || !o.Remove || !o.ForceRemove || o.NoCache ||
		o.Dockerfile != "Dockerfile" || !slices.Equal(o.Tags, []string{"kyozo/shop-web:v3"}) || o.Labels["kyozo.app"] != "shop" {
		t.Errorf("options = %+v", o)
	}
	if !slices.Equal(f.names, []string{"Dockerfile", "app.txt"}) {
		t.Errorf("context = %v", f.names)
	}
}

func TestDecodeBuild(t *testing.T) {
	tests := []struct {
		name    string
		output  string
		lines   []string
		id      string
		wantErr []string
	}{
		{
			name: "lines split, joined across messages, trimmed, empty dropped",
			output: `{"stream":"Step 1/2 : FROM base\n"}
{"stream":" ---\u003e 9a39\n"}
{"stream":"Step 2/2 : RUN echo hi"}{"stream":"\n"}
{"stream":" ---\u003e Running in 5f\n"}
{"stream":"hi\r\n\n\nthere"}{"stream":" partial\n"}
{"aux":{"ID":"sha256:0123"}}
{"stream":"Successfully built 0123\n"}
{"stream":"Successfully tagged kyozo/a-web:v1\n"}`,
			lines: []string{"Step 1/2 : FROM base", " ---> 9a39", "Step 2/2 : RUN echo hi", " ---> Running in 5f", "hi", "there partial",
				"Successfully built 0123", "Successfully tagged kyozo/a-web:v1"},
			id: "sha256:0123",
		},
		{
			name: "error names the failing step",
			output: `{"stream":"Step 1/2 : FROM base\n"}
{"stream":"Step 2/2 : RUN exit 3\n"}
{"stream":" ---\u003e Running in 5f\n"}
{"errorDetail":{"code":3,"message":"The command '/bin/sh -c exit 3' returned a non-zero code: 3"},"error":"The command '/bin/sh -c exit 3' returned a non-zero code: 3"}`,
			lines:   []string{"Step 1/2 : FROM base", "Step 2/2 : RUN exit 3", " ---> Running in 5f"},
			wantErr: []string{"Step 2/2 : RUN exit 3", "returned a non-zero code: 3"},
		},
		{
			name:    "plain error field",
			output:  `{"error":"Cannot locate specified Dockerfile: Dockerfile"}`,
			wantErr: []string{"Cannot locate specified Dockerfile"},
		},
		{
			name:   "pull status lines are progress too",
			output: `{"status":"Pulling from library/alpine","id":"3.20"}{"status":"Digest: sha256:1"}{"aux":{"ID":"sha256:9"}}`,
			lines:  []string{"3.20: Pulling from library/alpine", "Digest: sha256:1"},
			id:     "sha256:9",
		},
		{
			name:   "no aux: the Successfully built line",
			output: `{"stream":"Successfully built 0123abcd\n"}`,
			lines:  []string{"Successfully built 0123abcd"},
			id:     "0123abcd",
		},
		{
			name:    "no image at all",
			output:  `{"stream":"Step 1/1 : FROM base\n"}`,
			lines:   []string{"Step 1/1 : FROM base"},
			wantErr: []string{"without an image ID"},
		},
		{
			name:    "broken stream",
			output:  `{"stream":"Step 1/1`,
			wantErr: []string{"read build output"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lines []string
			id, err := decodeBuild(strings.NewReader(tt.output), func(l string) { lines = append(lines, l) })
			if tt.wantErr != nil {
				if err == nil {
					t.Fatal("no error")
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
				if !strings.Contains(tt.name, "broken") && !errors.Is(err, ErrBuildFailed) {
					t.Errorf("error %v is not ErrBuildFailed", err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if id != tt.id {
				t.Errorf("id = %q, want %q", id, tt.id)
			}
			if !slices.Equal(lines, tt.lines) {
				t.Errorf("lines = %q\nwant    %q", lines, tt.lines)
			}
		})
	}
}

func TestBuildRefusesBeforeSending(t *testing.T) {
	f := &fakeEngine{}
	_, err := NewDocker(f).Build(context.Background(), Request{ContextDir: t.TempDir()}, nil)
	if !errors.Is(err, ErrInvalidContext) {
		t.Fatalf("err = %v", err)
	}
	if f.opts.Dockerfile != "" {
		t.Error("engine called")
	}
}

// refusingEngine answers without reading the context, as the engine does
// when it rejects the request outright.
type refusingEngine struct{}

func (refusingEngine) ImageBuild(context.Context, io.Reader, dockerbuild.ImageBuildOptions) (dockerbuild.ImageBuildResponse, error) {
	return dockerbuild.ImageBuildResponse{}, errors.New("engine says no")
}

func TestBuildEngineStopsReading(t *testing.T) {
	dir := tree(t, map[string]string{"Dockerfile": "FROM scratch\n", "big": strings.Repeat("x", 1<<20)})
	_, err := NewDocker(refusingEngine{}).Build(context.Background(), Request{ContextDir: dir}, nil)
	if err == nil || !strings.Contains(err.Error(), "engine says no") {
		t.Fatalf("err = %v", err)
	}
}
