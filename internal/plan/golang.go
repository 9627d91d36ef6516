package plan

// goImages are the default base images of the family.
var goImages = Images{}

func genGo(g *Gen) error { return ErrNoGenerator }
