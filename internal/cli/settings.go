package cli

import (
	"flag"

	"github.com/kyozo/kyozo/internal/config"
)

// settingFlags registers a --flag for every scalar setting. Flags come last
// in the configuration order, so they are applied after the file and the
// environment, and only when given.
type settingFlags map[string]*string

func newSettingFlags(fs *flag.FlagSet) settingFlags {
	sf := settingFlags{}
	for _, s := range config.Settings() {
		sf[s.Key] = fs.String(s.Flag, "", s.Doc+" ($"+s.Env+")")
	}
	return sf
}

// apply sets the flags that were given on the command line.
func (sf settingFlags) apply(fs *flag.FlagSet, cfg *config.Config) error {
	var err error
	byFlag := map[string]string{}
	for _, s := range config.Settings() {
		byFlag[s.Flag] = s.Key
	}
	fs.Visit(func(f *flag.Flag) {
		if key, ok := byFlag[f.Name]; ok && err == nil {
			err = cfg.Set(key, *sf[key])
		}
	})
	if err != nil {
		return err
	}
	return cfg.Validate()
}
