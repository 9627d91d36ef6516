package stacks

// DotNet detects the dotnet stack. (Not yet implemented.)
type DotNet struct{}

// Name implements Detector.
func (DotNet) Name() string { return "dotnet" }

// Detect implements Detector.
func (DotNet) Detect(c *Context) *Result { return nil }
