package plan

// nodeImages are the default base images of the family.
var nodeImages = Images{}

func genNode(g *Gen) error { return ErrNoGenerator }
