package stacks

// Cobol detects the cobol stack. (Not yet implemented.)
type Cobol struct{}

// Name implements Detector.
func (Cobol) Name() string { return "cobol" }

// Detect implements Detector.
func (Cobol) Detect(c *Context) *Result { return nil }
