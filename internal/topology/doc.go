// Package topology reads a tree and finds every service in it: its stack,
// port, start command, health route, variables and resources; the
// databases, caches and brokers the services need; which service depends
// on which, and the order they start in. Detection of each stack lives in
// the stacks sub-package; this package decides which folders are services
// and how they relate. Analysis never fails on bad input: a malformed
// manifest lowers a service's confidence and becomes a warning naming the
// file and line.
package topology
