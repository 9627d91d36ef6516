// Package commands is the ssh command set that runs apps from day to day,
// with Dokku's names and argument shapes: apps, config, ps, logs, releases,
// rollback, run, services. Commands that change what runs (rollback,
// config:set, ps:scale …) queue an operation for the deploy worker and show
// its progress until it ends; the rest read the store and the runtime.
// New returns them for gitserver.Config.Commands.
package commands
