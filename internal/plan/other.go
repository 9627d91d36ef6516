package plan

// otherImages are the default base images of the family.
var otherImages = Images{}

func genElixir(g *Gen) error { return ErrNoGenerator }

func genGleam(g *Gen) error { return ErrNoGenerator }

func genCrystal(g *Gen) error { return ErrNoGenerator }

func genDart(g *Gen) error { return ErrNoGenerator }

func genHaskell(g *Gen) error { return ErrNoGenerator }

func genSwift(g *Gen) error { return ErrNoGenerator }

func genZig(g *Gen) error { return ErrNoGenerator }

func genCpp(g *Gen) error { return ErrNoGenerator }

func genCobol(g *Gen) error { return ErrNoGenerator }

func genShell(g *Gen) error { return ErrNoGenerator }
