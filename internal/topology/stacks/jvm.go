package stacks

// Java detects the java stack. (Not yet implemented.)
type Java struct{}

// Name implements Detector.
func (Java) Name() string { return "java" }

// Detect implements Detector.
func (Java) Detect(c *Context) *Result { return nil }

// Kotlin detects the kotlin stack. (Not yet implemented.)
type Kotlin struct{}

// Name implements Detector.
func (Kotlin) Name() string { return "kotlin" }

// Detect implements Detector.
func (Kotlin) Detect(c *Context) *Result { return nil }

// Scala detects the scala stack. (Not yet implemented.)
type Scala struct{}

// Name implements Detector.
func (Scala) Name() string { return "scala" }

// Detect implements Detector.
func (Scala) Detect(c *Context) *Result { return nil }

// Clojure detects the clojure stack. (Not yet implemented.)
type Clojure struct{}

// Name implements Detector.
func (Clojure) Name() string { return "clojure" }

// Detect implements Detector.
func (Clojure) Detect(c *Context) *Result { return nil }
