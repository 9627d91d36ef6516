package stacks

// Python detects the python stack. (Not yet implemented.)
type Python struct{}

// Name implements Detector.
func (Python) Name() string { return "python" }

// Detect implements Detector.
func (Python) Detect(c *Context) *Result { return nil }
