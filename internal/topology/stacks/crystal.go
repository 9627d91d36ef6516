package stacks

// Crystal detects the crystal stack. (Not yet implemented.)
type Crystal struct{}

// Name implements Detector.
func (Crystal) Name() string { return "crystal" }

// Detect implements Detector.
func (Crystal) Detect(c *Context) *Result { return nil }
