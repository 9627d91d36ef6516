package plan

// jvmImages are the default base images of the family.
var jvmImages = Images{}

func genJava(g *Gen) error { return ErrNoGenerator }

func genKotlin(g *Gen) error { return ErrNoGenerator }

func genScala(g *Gen) error { return ErrNoGenerator }

func genClojure(g *Gen) error { return ErrNoGenerator }
