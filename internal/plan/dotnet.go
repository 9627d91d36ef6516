package plan

// dotnetImages are the default base images of the family.
var dotnetImages = Images{}

func genDotNet(g *Gen) error { return ErrNoGenerator }
