// Command genmonorepo writes the synthetic trees scripts/bench-detect.sh
// measures: `genmonorepo -small DIR` or `genmonorepo -services 20 -files 10000 DIR`.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/kyozo/kyozo/internal/topology/synth"
)

func main() {
	small := flag.Bool("small", false, "write a single small app instead of a monorepo")
	services := flag.Int("services", 20, "services in the monorepo")
	files := flag.Int("files", 10000, "files in the monorepo")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: genmonorepo [-small] [-services N] [-files N] DIR")
		os.Exit(2)
	}
	dir := flag.Arg(0)
	if *small {
		if err := synth.SmallApp(dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	n, err := synth.Monorepo(dir, *services, *files)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%d files in %d services under %s\n", n, *services, dir)
}
