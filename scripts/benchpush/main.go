// Command benchpush is the helper scripts/bench-push.sh drives:
//
//	benchpush gen [-commits N] [-files N] [-seed N] DIR   writes the benchmark repository (bare) at DIR
//	benchpush serve -redis URL -root DIR ...              runs Kyozo's SSH server on loopback
//
// The generated repository is the same for a given seed, commit ids
// included, so figures from two machines compare.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchpush gen|serve [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = gen(os.Args[2:])
	case "serve":
		err = serve(os.Args[2:])
	default:
		fmt.Fprintf(os.Stderr, "benchpush: unknown command %q\n", os.Args[1])
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchpush:", err)
		os.Exit(1)
	}
}
