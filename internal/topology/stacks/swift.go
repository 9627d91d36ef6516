package stacks

// Swift detects the swift stack. (Not yet implemented.)
type Swift struct{}

// Name implements Detector.
func (Swift) Name() string { return "swift" }

// Detect implements Detector.
func (Swift) Detect(c *Context) *Result { return nil }
