package stacks

// Zig detects the zig stack. (Not yet implemented.)
type Zig struct{}

// Name implements Detector.
func (Zig) Name() string { return "zig" }

// Detect implements Detector.
func (Zig) Detect(c *Context) *Result { return nil }
