package stacks

// Deno detects the deno stack. (Not yet implemented.)
type Deno struct{}

// Name implements Detector.
func (Deno) Name() string { return "deno" }

// Detect implements Detector.
func (Deno) Detect(c *Context) *Result { return nil }
