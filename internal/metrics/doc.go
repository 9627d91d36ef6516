// Package metrics holds Kyozo's Prometheus collectors, all named kyozo_*:
// deploys, builds and ssh sessions as the platform sees them, requests as
// the router answers them, asynq's queues read at scrape time, and each
// service's containers sampled in the background so a scrape never waits
// on Docker. Metrics are optional: every method of a nil *Metrics (and a
// nil *Sampler) does nothing. Label values are bounded by construction:
// app and service names and fixed enums, never commits, paths, ids or hosts.
// METRICS.md lists every series for whoever builds dashboards on them.
package metrics
