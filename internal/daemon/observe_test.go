package daemon

import (
	"slices"
	"testing"
)

// Every ssh command is counted under its own name, the day-to-day ones
// added since included, and none twice.
func TestSSHCommandsAreEveryCommand(t *testing.T) {
	names := sshCommands()
	for _, want := range []string{"git-receive-pack", "keys:add", "help", "apps:destroy", "run", "events", "domains", "domains:add", "domains:remove"} {
		if !slices.Contains(names, want) {
			t.Errorf("%q is counted as other: %v", want, names)
		}
	}
	if len(slices.Compact(slices.Sorted(slices.Values(names)))) != len(names) {
		t.Errorf("a command is listed twice: %v", names)
	}
}
