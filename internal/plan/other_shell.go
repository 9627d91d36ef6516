package plan

import "errors"

// genShell copies the folder and runs its start script. It runs nothing
// while building (no package manager, no network), so any image with a
// shell serves as the "shell" key: Kyozo's end-to-end tests use a local
// busybox image.
func genShell(g *Gen) error {
	argv := g.StartArgv()
	if len(argv) == 0 {
		return errors.New("no start script")
	}
	g.D.From(g.Image("shell", 0), "")
	g.D.Workdir("/app")
	g.D.Copy("", "", "./", g.Rel(g.S.Path))
	g.Finish("", argv)
	return nil
}
