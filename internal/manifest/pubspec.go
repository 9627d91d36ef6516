package manifest

// Pubspec is what Kyozo reads of a Dart pubspec.yaml.
type Pubspec struct {
	Name    string
	SDK     string // environment.sdk: ">=3.0.0 <4.0.0"
	Flutter bool   // the flutter SDK is a dependency or an environment constraint
	// Executables are the names under executables: (bin/<name>.dart unless
	// the value names another script).
	Executables map[string]string
	Deps        []string
	DevDeps     []string
}

// ParsePubspec reads a pubspec.yaml.
func ParsePubspec(data []byte) (*Pubspec, error) {
	var w struct {
		Name        string         `yaml:"name"`
		Environment map[string]any `yaml:"environment"`
		Deps        map[string]any `yaml:"dependencies"`
		DevDeps     map[string]any `yaml:"dev_dependencies"`
		Executables map[string]any `yaml:"executables"`
	}
	if err := DecodeYAML(data, &w); err != nil {
		return nil, err
	}
	p := &Pubspec{
		Name: w.Name, SDK: yamlScalar(w.Environment["sdk"]),
		Deps: tailSortedKeys(w.Deps), DevDeps: tailSortedKeys(w.DevDeps),
		Executables: map[string]string{},
	}
	if _, ok := w.Deps["flutter"]; ok {
		p.Flutter = true
	}
	if _, ok := w.Environment["flutter"]; ok {
		p.Flutter = true
	}
	for name, v := range w.Executables {
		script := yamlScalar(v)
		if script == "" {
			script = name
		}
		p.Executables[name] = script
	}
	return p, nil
}

// PubspecLockSDK returns the Dart SDK constraint a pubspec.lock records
// (sdks.dart), the narrowest statement of the SDK the resolved packages need.
func PubspecLockSDK(data []byte) (string, error) {
	var w struct {
		SDKs map[string]any `yaml:"sdks"`
	}
	if err := DecodeYAML(data, &w); err != nil {
		return "", err
	}
	return yamlScalar(w.SDKs["dart"]), nil
}
