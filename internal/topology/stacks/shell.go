package stacks

// Shell detects the shell stack. (Not yet implemented.)
type Shell struct{}

// Name implements Detector.
func (Shell) Name() string { return "shell" }

// Detect implements Detector.
func (Shell) Detect(c *Context) *Result { return nil }
