package manifest

// YarnRC is the part of Yarn Berry's .yarnrc.yml that changes how a
// project installs.
type YarnRC struct {
	// YarnPath is the committed Yarn release the project runs
	// (.yarn/releases/yarn-4.5.0.cjs); it must be in the image before install.
	YarnPath string
	// NodeLinker is "node-modules", "pnp" (the default) or "pnpm".
	NodeLinker string
}

// ParseYarnRC reads a .yarnrc.yml.
func ParseYarnRC(data []byte) (*YarnRC, error) {
	var w map[string]any
	if err := jsDecodeYAML(data, &w); err != nil {
		return nil, err
	}
	return &YarnRC{YarnPath: jsScalar(w["yarnPath"]), NodeLinker: jsScalar(w["nodeLinker"])}, nil
}
