// Package pipeline is the deploy job: it takes a pushed tree and turns it
// into a release. Stages, in order: wait for the app's lock (a newer push
// supersedes this one), detect the topology, plan every service (build or
// reuse its image), build, start backing services, start the new containers
// and wait until every one is healthy, record the release and switch
// traffic to it. Every stage reports progress as lines the pusher sees; a
// failure at any point removes what the job started, and the previous
// release keeps serving.
package pipeline
