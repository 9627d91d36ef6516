package stacks

// Node detects the node stack. (Not yet implemented.)
type Node struct{}

// Name implements Detector.
func (Node) Name() string { return "node" }

// Detect implements Detector.
func (Node) Detect(c *Context) *Result { return nil }
