// Package build turns a service's source into an image through a narrow
// interface over the Docker Engine API.
package build

import (
	"context"
	"errors"
)

// ErrInvalidContext is returned before or while sending the context when
// something in it cannot be sent as it is: a socket, device or pipe, an
// unreadable file, a bad .dockerignore pattern, a Dockerfile that is not
// there or lies outside the context.
var ErrInvalidContext = errors.New("invalid build context")

// ErrBuildFailed is returned when the engine reports a failed build; the
// message names the failing step and what the engine said about it.
var ErrBuildFailed = errors.New("build failed")

// Request is one image build.
type Request struct {
	// ContextDir is the folder on disk that is the build context. Files a
	// .dockerignore at its root excludes are not sent; links are sent as
	// links and never followed.
	ContextDir string
	// Dockerfile is the path of the Dockerfile inside ContextDir, used when
	// Content is empty.
	Dockerfile string
	// Content is a generated Dockerfile; it is added to the context under a
	// name no repository file can collide with.
	Content []byte
	// Tags name the image (kyozo/APP-SERVICE:TAG).
	Tags   []string
	Labels map[string]string
}

// Result is a finished build.
type Result struct {
	ImageID string
	// ContextBytes is the size of the context sent to the engine.
	ContextBytes int64
}

// Builder builds images. progress receives the build's output a line at a
// time, as the engine prints it.
type Builder interface {
	Build(ctx context.Context, req Request, progress func(line string)) (Result, error)
}
