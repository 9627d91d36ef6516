// Package config holds Kyozo's one configuration: defaults in code, then a
// YAML file, then KYOZO_* environment variables, then flags, then Validate.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/plan"
	yaml "go.yaml.in/yaml/v4"
)

// ErrInvalid wraps every configuration error, so callers can tell bad
// configuration (exit code 2) from a failure.
var ErrInvalid = errors.New("invalid configuration")

// Config is Kyozo's configuration.
type Config struct {
	// Images maps base-image keys to references for generated Dockerfiles
	// (see plan.Images); an entry replaces the default of its key.
	Images map[string]string `yaml:"images"`
	// BackingImages maps backing-service types ("postgres") to images.
	BackingImages map[string]string `yaml:"backing_images"`
}

// Default returns the configuration with nothing overridden.
func Default() *Config {
	return &Config{Images: map[string]string{}, BackingImages: map[string]string{}}
}

// Load reads the YAML file at path (none when path is ""), then applies the
// environment (os.Environ() form). Unknown keys in the file are errors
// naming the key and line.
func Load(path string, environ []string) (*Config, error) {
	c := Default()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, path, err)
		}
		if c.Images == nil {
			c.Images = map[string]string{}
		}
		if c.BackingImages == nil {
			c.BackingImages = map[string]string{}
		}
	}
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		if key, ok := strings.CutPrefix(k, "KYOZO_IMAGE_"); ok {
			c.Images[envKey(key)] = v
		} else if key, ok := strings.CutPrefix(k, "KYOZO_BACKING_IMAGE_"); ok {
			c.BackingImages[envKey(key)] = v
		}
	}
	return c, nil
}

// envKey turns GO_RUNTIME into go-runtime.
func envKey(s string) string { return strings.ReplaceAll(strings.ToLower(s), "_", "-") }

// Validate checks every value and names the first bad one.
func (c *Config) Validate() error {
	known := plan.DefaultImages()
	for k, v := range c.Images {
		if _, ok := known[k]; !ok {
			return fmt.Errorf("%w: images: unknown key %q (known: %s)", ErrInvalid, k, strings.Join(sortedKeys(known), ", "))
		}
		if err := validRef(v); err != nil {
			return fmt.Errorf("%w: images.%s: %v", ErrInvalid, k, err)
		}
	}
	for k, v := range c.BackingImages {
		if err := validRef(v); err != nil {
			return fmt.Errorf("%w: backing_images.%s: %v", ErrInvalid, k, err)
		}
	}
	return nil
}

func validRef(v string) error {
	if v == "" {
		return errors.New("empty image reference")
	}
	if strings.ContainsAny(v, " \t\n\r\"'\\") {
		return fmt.Errorf("%q is not an image reference", v)
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}
