package stacks

// Elixir detects the elixir stack. (Not yet implemented.)
type Elixir struct{}

// Name implements Detector.
func (Elixir) Name() string { return "elixir" }

// Detect implements Detector.
func (Elixir) Detect(c *Context) *Result { return nil }
