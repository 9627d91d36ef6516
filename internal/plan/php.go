package plan

// phpImages are the default base images of the family.
var phpImages = Images{}

func genPHP(g *Gen) error { return ErrNoGenerator }
