// Package router is Kyozo's HTTP ingress: it sends a request to the healthy
// containers of the service its Host names, switches an app's routes
// atomically, and lets the old containers finish their in-flight requests
// before they are stopped.
package router
