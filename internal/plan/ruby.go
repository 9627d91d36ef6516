package plan

// rubyImages are the default base images of the family.
var rubyImages = Images{}

func genRuby(g *Gen) error { return ErrNoGenerator }
