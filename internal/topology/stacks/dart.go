package stacks

// Dart detects the dart stack. (Not yet implemented.)
type Dart struct{}

// Name implements Detector.
func (Dart) Name() string { return "dart" }

// Detect implements Detector.
func (Dart) Detect(c *Context) *Result { return nil }
