package stacks

// Ruby detects the ruby stack. (Not yet implemented.)
type Ruby struct{}

// Name implements Detector.
func (Ruby) Name() string { return "ruby" }

// Detect implements Detector.
func (Ruby) Detect(c *Context) *Result { return nil }
