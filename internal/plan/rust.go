package plan

// rustImages are the default base images of the family.
var rustImages = Images{}

func genRust(g *Gen) error { return ErrNoGenerator }
