// Package gitserver is Kyozo's SSH server: public-key authentication
// against the key store, git push and fetch through native git
// receive-pack and upload-pack (each in its own process group, killed with
// its hooks when the client goes away), and a small set of ssh commands
// (keys:*, help, and those the daemon registers). No shell ever runs: the
// command line is parsed here and every process gets an argv.
package gitserver
