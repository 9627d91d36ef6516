package stacks

// Haskell detects the haskell stack. (Not yet implemented.)
type Haskell struct{}

// Name implements Detector.
func (Haskell) Name() string { return "haskell" }

// Detect implements Detector.
func (Haskell) Detect(c *Context) *Result { return nil }
