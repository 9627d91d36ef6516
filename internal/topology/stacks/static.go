package stacks

// Static detects the static stack. (Not yet implemented.)
type Static struct{}

// Name implements Detector.
func (Static) Name() string { return "static" }

// Detect implements Detector.
func (Static) Detect(c *Context) *Result { return nil }
