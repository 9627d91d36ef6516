package plan

// staticImages are the default base images of the family.
var staticImages = Images{}

func genStatic(g *Gen) error { return ErrNoGenerator }
