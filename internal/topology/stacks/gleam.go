package stacks

// Gleam detects the gleam stack. (Not yet implemented.)
type Gleam struct{}

// Name implements Detector.
func (Gleam) Name() string { return "gleam" }

// Detect implements Detector.
func (Gleam) Detect(c *Context) *Result { return nil }
