package runtime

import "io"

// Stdio is the client side of a container's standard streams: what `run`
// connects an ssh session to.
type Stdio struct {
	// Stdin is copied to the container's input; its end (io.EOF) closes
	// that input, as a pipe's would. Nil gives the container an empty one.
	Stdin io.Reader
	// Stdout and Stderr take the container's output. With a terminal the
	// container has one output, and all of it goes to Stdout.
	Stdout, Stderr io.Writer
	// TTY, when set, runs the container with a terminal of that size (as
	// `docker run -t`): the container's terminal does the line editing,
	// echo and signals, so Stdin carries the client's raw keystrokes.
	TTY *WindowSize
	// Resize carries the client's terminal size changes (TTY only). It
	// may be nil; it need not be closed.
	Resize <-chan WindowSize
}

// WindowSize is a terminal's size in characters.
type WindowSize struct {
	Width, Height int
}
