package plan

import (
	"errors"
	"strings"
	"testing"

	"github.com/kyozo/kyozo/internal/topology"
)

// nodeService is a Node service as the engine builds it from the detector.
func nodeService(name, path, fw, pm string, kind topology.Kind, port int, start, build string, lockfiles []string, extra map[string]string) *topology.Service {
	return &topology.Service{
		Name: name, Path: path, Kind: kind, Language: "node", Framework: fw, PackageManager: pm,
		Port: port, StartCommand: start, BuildCommand: build,
		Build: topology.BuildHints{Lockfiles: lockfiles, Extra: extra},
	}
}

func nodeGoldenServices() map[string]*topology.Service {
	next := nodeService("web", ".", "next", "npm", topology.KindWeb, 3000, "npm start", "npm run build",
		[]string{"package-lock.json", "package.json"}, nil)
	next.RuntimeVersion = "20.11.1"
	next.HealthCheck = &topology.HealthCheck{Path: "/api/health"}

	standalone := nodeService("web", ".", "next", "pnpm", topology.KindWeb, 3000, "node .next/standalone/server.js", "pnpm run build",
		[]string{"pnpm-lock.yaml", "package.json"}, map[string]string{"standalone": "1", "bind_env": "HOSTNAME", "next_public": "1"})

	bun := nodeService("api", ".", "hono", "bun", topology.KindWeb, 3000, "bun run src/index.ts", "",
		[]string{"bun.lockb", "package.json"}, nil)
	bun.RuntimeVersion = "1.1.30"

	member := nodeService("web", "apps/web", "next", "pnpm", topology.KindWeb, 3000, "pnpm start", "pnpm exec turbo run build --filter=web...",
		[]string{"pnpm-lock.yaml", "package.json", "pnpm-workspace.yaml", "apps/api/package.json", "apps/web/package.json", "packages/ui/package.json"},
		map[string]string{"pm_version": "9.12.0", "build_from_context": "1"})
	member.BuildContext = "."
	member.RuntimeVersion = "20"

	berry := nodeService("api", "services/api", "express", "yarn", topology.KindWeb, 8080, "yarn start", "yarn run build",
		[]string{"yarn.lock", "package.json", ".yarnrc.yml", ".yarn/releases/yarn-4.5.0.cjs", "services/api/package.json", "services/web/package.json"},
		map[string]string{"yarn": "berry", "pm_version": "4.5.0"})
	berry.BuildContext = "."

	vite := nodeService("spa", "frontend", "vite", "npm", topology.KindStatic, 8080, "", "npm run build",
		[]string{"frontend/package-lock.json", "frontend/package.json"}, map[string]string{"spa": "1"})
	vite.Build.Target = "dist"
	vite.HealthCheck = &topology.HealthCheck{Path: "/"}

	angular := nodeService("admin", ".", "angular", "npm", topology.KindStatic, 8080, "", "npm run build",
		[]string{"package-lock.json", "package.json"}, map[string]string{"spa": "1"})
	angular.Build.Target = "dist/admin/browser"
	angular.RuntimeVersion = ">=18.19"

	astro := nodeService("blog", ".", "astro", "npm", topology.KindWeb, 4321, "node ./dist/server/entry.mjs", "npm run build",
		[]string{"package.json"}, map[string]string{"bind_env": "HOST"})

	nx := nodeService("api", "apps/api", "express", "npm", topology.KindWeb, 3333, "node dist/apps/api/main.js", "npx nx run api:build",
		[]string{"package-lock.json", "package.json"}, map[string]string{"run_from_context": "1"})
	nx.BuildContext = "."

	tsx := nodeService("worker", ".", "", "npm", topology.KindWorker, 0, "tsx src/index.ts", "",
		[]string{"package.json"}, map[string]string{"keep_dev": "1"})

	return map[string]*topology.Service{
		"node-next-npm":             next,
		"node-next-standalone-pnpm": standalone,
		"node-nuxt-pnpm": nodeService("shop", ".", "nuxt", "pnpm", topology.KindWeb, 3000, "node .output/server/index.mjs", "pnpm run build",
			[]string{"pnpm-lock.yaml", "package.json", ".npmrc"}, map[string]string{"pm_version": "9.12.0"}),
		"node-express-yarn": nodeService("api", ".", "express", "yarn", topology.KindWeb, 3001, "yarn start", "",
			[]string{"yarn.lock", "package.json"}, nil),
		"node-nest-npm": nodeService("api", ".", "nest", "npm", topology.KindWeb, 3000, "npm run start:prod", "npm run build",
			[]string{"package-lock.json", "package.json", "prisma/schema.prisma"}, nil),
		"node-vite-static":       vite,
		"node-angular-static":    angular,
		"node-bun-hono":          bun,
		"node-workspace-member":  member,
		"node-yarn-berry-member": berry,
		"node-astro-node":        astro,
		"node-nx-project":        nx,
		"node-worker-tsx":        tsx,
	}
}

func TestNodeGolden(t *testing.T) { jsGolden(t, nodeGoldenServices()) }

// jsGolden generates the Dockerfile of each service of the JavaScript
// family with the default images, checks it and compares it with
// testdata/dockerfiles/<name>.Dockerfile.
func jsGolden(t *testing.T, services map[string]*topology.Service) {
	t.Helper()
	for name, s := range services {
		t.Run(name, func(t *testing.T) {
			got, err := Generate(s, DefaultImages())
			if err != nil {
				t.Fatal(err)
			}
			nodeCheckDockerfile(t, got)
			golden(t, "dockerfiles/"+name+".Dockerfile", got)
		})
	}
}

// nodeCheckDockerfile checks what every generated file must hold: no
// instruction the classic builder refuses, an unprivileged user.
func nodeCheckDockerfile(t *testing.T, got string) {
	t.Helper()
	for _, bad := range []string{"<<", "--mount", "--link", "# syntax="} {
		if strings.Contains(got, bad) {
			t.Errorf("generated file holds %q:\n%s", bad, got)
		}
	}
	lines := strings.Split(strings.TrimSpace(got), "\n")
	user := ""
	for _, l := range lines {
		if strings.HasPrefix(l, "USER ") {
			user = strings.TrimPrefix(l, "USER ")
		}
	}
	if user != User && user != staticUser {
		t.Errorf("last USER = %q, want %q or %q", user, User, staticUser)
	}
}

func TestNodeHealthcheck(t *testing.T) {
	s := nodeGoldenServices()["node-next-npm"]
	got, err := Generate(s, DefaultImages())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, `HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["/kyozo/wget", "-q", "-O", "/dev/null", "http://127.0.0.1:3000/api/health"]`) {
		t.Errorf("no health check:\n%s", got)
	}
	s.HealthCheck = nil
	got, _ = Generate(s, DefaultImages())
	if strings.Contains(got, "HEALTHCHECK") {
		t.Errorf("health check without a path:\n%s", got)
	}
	static := nodeGoldenServices()["node-vite-static"]
	got, _ = Generate(static, DefaultImages())
	if !strings.Contains(got, `"http://127.0.0.1:8080/"`) {
		t.Errorf("static site without its health check:\n%s", got)
	}
}

func TestNodeImageOverrides(t *testing.T) {
	images := DefaultImages().With(map[string]string{
		"node":   "registry.local/node:{version:20}",
		"bun":    "registry.local/bun:latest",
		"static": "registry.local/nginx:{version:1}",
	})
	svcs := nodeGoldenServices()
	for name, want := range map[string][]string{
		"node-next-npm":    {"FROM registry.local/node:20 AS deps", "FROM registry.local/node:20\n"},
		"node-bun-hono":    {"FROM registry.local/bun:latest AS deps", "FROM registry.local/bun:latest\n"},
		"node-vite-static": {"FROM registry.local/node:20 AS deps", "FROM registry.local/nginx:1\n"},
	} {
		got, err := Generate(svcs[name], images)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: want %q in\n%s", name, w, got)
			}
		}
		if strings.Contains(got, "docker.io") || strings.Contains(got, "FROM node:") || strings.Contains(got, "nginxinc") {
			t.Errorf("%s: a default image is left:\n%s", name, got)
		}
	}
}

func TestNodePlanDetails(t *testing.T) {
	// Without a lockfile the install cannot be frozen.
	s := nodeService("api", ".", "express", "pnpm", topology.KindWeb, 3000, "node index.js", "", []string{"package.json"}, nil)
	got, err := Generate(s, DefaultImages())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, `RUN ["pnpm", "install"]`) || strings.Contains(got, "--frozen-lockfile\"") {
		t.Errorf("pnpm without a lockfile:\n%s", got)
	}
	// A start command with shell syntax runs through sh -c, as one JSON argument.
	s = nodeService("api", ".", "", "npm", topology.KindWeb, 3000, "node server.js && echo $PORT", "", []string{"package-lock.json", "package.json"}, nil)
	got, _ = Generate(s, DefaultImages())
	if !strings.Contains(got, `CMD ["sh", "-c", "node server.js && echo $PORT"]`) {
		t.Errorf("shell start:\n%s", got)
	}
	// A hostile bind_env is ignored rather than written.
	s.Build.Extra = map[string]string{"bind_env": "X=1\nRUN evil"}
	got, _ = Generate(s, DefaultImages())
	if strings.Contains(got, "evil") {
		t.Errorf("bind_env reached the file:\n%s", got)
	}
	// Lockfile paths outside the build context are never copied.
	s.Build.Lockfiles = []string{"../outside/package-lock.json", "package.json"}
	got, _ = Generate(s, DefaultImages())
	if strings.Contains(got, "outside") {
		t.Errorf("a file outside the context is copied:\n%s", got)
	}
	// An unknown package manager has no generator.
	s.PackageManager = "cnpm"
	if _, err := Generate(s, DefaultImages()); !errors.Is(err, ErrNoGenerator) {
		t.Errorf("unknown package manager: %v", err)
	}
}
