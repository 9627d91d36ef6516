package commands

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kyozo/kyozo/internal/lazyre"
	"github.com/kyozo/kyozo/internal/topology"
)

// flagSpec is what a command accepts besides positional arguments. A name
// may carry aliases: "n|num" is -n, --n, -num and --num, all read as "n".
type flagSpec struct {
	bools  []string // flags without a value
	values []string // flags with a value: -n 5, -n=5, --num 5
	// stopAfter, when above 0, ends flags after that many positional
	// arguments: what follows is a command line, passed on as it is.
	stopAfter int
}

// lookup returns a flag's canonical name and whether it takes a value.
func (fs flagSpec) lookup(name string) (canonical string, value, ok bool) {
	for i, list := range [][]string{fs.bools, fs.values} {
		for _, spec := range list {
			names := strings.Split(spec, "|")
			for _, n := range names {
				if n == name {
					return names[0], i == 1, true
				}
			}
		}
	}
	return "", false, false
}

// parseArgs splits arguments into positional ones and flags. Flags may come
// anywhere (before, between or after the positional arguments), with one
// or two dashes; "--" ends them, and so does reaching fs.stopAfter
// positional arguments. A flag given twice keeps its last value.
func parseArgs(args []string, fs flagSpec) (pos []string, flags map[string]string, err error) {
	flags = map[string]string{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if fs.stopAfter > 0 && len(pos) == fs.stopAfter {
			if a == "--" {
				i++
			}
			return append(pos, args[i:]...), flags, nil
		}
		if a == "--" {
			return append(pos, args[i+1:]...), flags, nil
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		canonical, wantsValue, ok := fs.lookup(name)
		switch {
		case !ok:
			return nil, nil, usageError("unknown flag %s", a)
		case !wantsValue && hasVal:
			return nil, nil, usageError("%s takes no value", "--"+name)
		case wantsValue && !hasVal:
			if i+1 >= len(args) {
				return nil, nil, usageError("%s needs a value", a)
			}
			i++
			val = args[i]
		}
		flags[canonical] = val
	}
	return pos, flags, nil
}

// configKeyRule is the rule config keys follow: a shell variable name.
const configKeyRule = `^[A-Za-z_][A-Za-z0-9_]*$`

var configKeyRE = lazyre.New(configKeyRule)

// checkConfigKey refuses a key a shell could not name, and PORT, which
// Kyozo sets for every web service itself.
func checkConfigKey(k string) error {
	if !configKeyRE.Re().MatchString(k) || len(k) > 255 {
		return usageError("invalid config key %q: keys match %s", k, configKeyRule)
	}
	if k == "PORT" {
		return usageError("PORT is set by Kyozo (the port the service listens on) and cannot be configured")
	}
	return nil
}

// checkService refuses a service name that does not follow the name rule.
func checkService(name string) error {
	if !topology.ValidName(name) {
		return usageError("invalid service name %q: service names match %s", name, topology.NameRule)
	}
	return nil
}

// maxReplicas bounds ps:scale, as the worker does.
const maxReplicas = 100

// parseScale reads SERVICE=N.
func parseScale(arg string) (string, int, error) {
	name, num, ok := strings.Cut(arg, "=")
	if !ok {
		return "", 0, usageError("%q is not SERVICE=N", arg)
	}
	if err := checkService(name); err != nil {
		return "", 0, err
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || n > maxReplicas {
		return "", 0, usageError("%s: replicas go from 0 to %d, not %q", name, maxReplicas, num)
	}
	return name, n, nil
}

// parseVersion reads a release number written vN or N.
func parseVersion(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimPrefix(s, "v"))
	if err != nil || n < 1 || strings.HasPrefix(s, "v+") || strings.HasPrefix(s, "+") {
		return 0, usageError("invalid release %q: write vN or N, as releases lists them", s)
	}
	return n, nil
}

// parseCount reads -n.
func parseCount(s string, max int, what string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		return 0, usageError("-n takes a number of %s from 1 to %d, not %q", what, max, s)
	}
	return n, nil
}

// jobIDRE is the shape of a job id (a UUID), checked before it names a key.
var jobIDRE = lazyre.New(`^[0-9a-f-]{1,64}$`)

func checkJobID(id string) error {
	if !jobIDRE.Re().MatchString(id) {
		return usageError("invalid job id %q", id)
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
