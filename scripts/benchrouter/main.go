// Command benchrouter runs Kyozo's router the way kyozo serve does (same
// constructor, same http.Server settings) with one static route, for
// scripts/bench-router.sh to measure against nginx.
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/kyozo/kyozo/internal/router"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	addrFile := flag.String("addr-file", "", "write the address listened on to this file")
	host := flag.String("host", "bench.localhost", "host name routed to the upstream")
	upstream := flag.String("upstream", "", "upstream address, ip:port")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile, from start to SIGTERM, to this file")
	flag.Parse()
	if *upstream == "" {
		log.Fatal("-upstream is required")
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	r := router.New(router.Options{Logger: logger})
	r.SetApp("bench", map[string]router.Route{
		*host: {Service: "web", Targets: []router.Target{{ID: "upstream", Addr: *upstream}}},
	})
	srv := router.NewServer(*addr, r, logger)

	l, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	if *addrFile != "" {
		if err := os.WriteFile(*addrFile, []byte(l.Addr().String()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Print(err)
	}
}
