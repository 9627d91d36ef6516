package topology

// baseResources is a reservation per language that a typical small service
// of that stack runs comfortably in; frameworks known to need more adjust it.
var baseResources = map[string]Resources{
	"node": {512, 0.5}, "deno": {256, 0.5}, "python": {512, 0.5}, "go": {256, 0.5},
	"rust": {256, 0.5}, "java": {1024, 1}, "kotlin": {1024, 1}, "scala": {1024, 1},
	"clojure": {1024, 1}, "ruby": {512, 0.5}, "php": {256, 0.5}, "dotnet": {512, 0.5},
	"elixir": {512, 0.5}, "gleam": {256, 0.5}, "crystal": {256, 0.5}, "dart": {256, 0.5},
	"haskell": {256, 0.5}, "swift": {512, 0.5}, "zig": {128, 0.25}, "cpp": {256, 0.5},
	"cobol": {128, 0.25}, "static": {64, 0.1}, "shell": {128, 0.25}, "docker": {512, 0.5},
}

var frameworkResources = map[string]Resources{
	"next": {1024, 1}, "nuxt": {768, 0.5}, "rails": {1024, 1}, "django": {768, 0.5},
	"spring-boot": {1536, 1}, "quarkus": {768, 1}, "micronaut": {768, 1}, "phoenix": {768, 1},
	"laravel": {512, 0.5}, "symfony": {512, 0.5}, "nest": {768, 0.5}, "aspnetcore": {768, 0.5},
	"luminus": {1536, 1},
}

// recommend returns the reservation for one replica of a service.
func recommend(s *Service) Resources {
	if s.Kind == KindStatic {
		return baseResources["static"]
	}
	if r, ok := frameworkResources[s.Framework]; ok {
		return r
	}
	if r, ok := baseResources[s.Language]; ok {
		return r
	}
	return Resources{MemoryMB: 512, CPUs: 0.5}
}
