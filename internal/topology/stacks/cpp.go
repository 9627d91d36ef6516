package stacks

// Cpp detects the cpp stack. (Not yet implemented.)
type Cpp struct{}

// Name implements Detector.
func (Cpp) Name() string { return "cpp" }

// Detect implements Detector.
func (Cpp) Detect(c *Context) *Result { return nil }
