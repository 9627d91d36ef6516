// Package repo keeps the apps' bare git repositories under one root folder:
// it creates them with Kyozo's hooks, reads their refs, and turns a commit
// into files (a tar stream, or a safely extracted folder) and tree ids for
// change detection. Reads of a push still in quarantine take the hook's git
// environment, so the deploy can read objects before the refs move.
package repo
