package stacks

// Go detects the go stack. (Not yet implemented.)
type Go struct{}

// Name implements Detector.
func (Go) Name() string { return "go" }

// Detect implements Detector.
func (Go) Detect(c *Context) *Result { return nil }
