package plan

// pythonImages are the default base images of the family.
var pythonImages = Images{}

func genPython(g *Gen) error { return ErrNoGenerator }
