package stacks

// PHP detects the php stack. (Not yet implemented.)
type PHP struct{}

// Name implements Detector.
func (PHP) Name() string { return "php" }

// Detect implements Detector.
func (PHP) Detect(c *Context) *Result { return nil }
