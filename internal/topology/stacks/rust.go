package stacks

// Rust detects the rust stack. (Not yet implemented.)
type Rust struct{}

// Name implements Detector.
func (Rust) Name() string { return "rust" }

// Detect implements Detector.
func (Rust) Detect(c *Context) *Result { return nil }
