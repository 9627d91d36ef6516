// Command benchupstream is the app that scripts/bench-router.sh puts behind
// Kyozo's router and behind nginx: every request gets the same 2 KB body,
// so the proxies, not the app, are what the benchmark compares.
package main

import (
	"flag"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	addrFile := flag.String("addr-file", "", "write the address listened on to this file")
	size := flag.Int("size", 2048, "body size in bytes")
	flag.Parse()

	body := []byte(strings.Repeat("k", *size))
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	if *addrFile != "" {
		if err := os.WriteFile(*addrFile, []byte(l.Addr().String()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	log.Fatal(http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header()["Content-Type"] = []string{"text/plain"}
		_, _ = w.Write(body)
	})))
}
