// Package docker is the single-host runtime: it runs Kyozo's containers on
// one Docker engine through the official client, locked down the same way
// every time (no new privileges, every capability dropped, pids, memory and
// CPU limits), on one bridge network per app. It talks to the engine through
// a narrow interface so its unit tests need no engine; its integration tests
// use the real one.
package docker
