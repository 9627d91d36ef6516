// Package plan turns a topology into build and run files: a Dockerfile for
// every service that has none of its own, and a compose file for the whole
// topology. Base images come from a configurable map so air-gapped sites
// and tests can point them at images of their own.
package plan
