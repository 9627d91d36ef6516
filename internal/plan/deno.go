package plan

// denoImages are the default base images of the family.
var denoImages = Images{}

func genDeno(g *Gen) error { return ErrNoGenerator }
