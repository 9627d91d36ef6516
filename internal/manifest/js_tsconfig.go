package manifest

// TSConfig is the part of a tsconfig.json that says where `tsc` writes:
// how a TypeScript entry (src/index.ts) maps to the file to run
// (dist/index.js). "extends" is not followed.
type TSConfig struct {
	OutDir  string
	RootDir string
}

// ParseTSConfig reads a tsconfig.json (comments and trailing commas allowed).
func ParseTSConfig(data []byte) (*TSConfig, error) {
	var w struct {
		CompilerOptions struct {
			OutDir  string `json:"outDir"`
			RootDir string `json:"rootDir"`
		} `json:"compilerOptions"`
	}
	ok, err := jsDecodeJSONC(data, &w)
	if !ok {
		return nil, err
	}
	return &TSConfig{OutDir: w.CompilerOptions.OutDir, RootDir: w.CompilerOptions.RootDir}, err
}
