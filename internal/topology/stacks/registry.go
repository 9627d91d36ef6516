package stacks

// All returns every detector, strongest claim first when scores tie: a
// folder's serving stack is the highest score, and among equals the earlier
// detector here.
func All() []Detector {
	return []Detector{
		Node{}, Deno{},
		Python{}, Ruby{}, PHP{},
		Go{}, Rust{},
		Java{}, Kotlin{}, Scala{}, Clojure{},
		DotNet{},
		Elixir{}, Gleam{}, Crystal{}, Dart{}, Haskell{}, Swift{}, Zig{}, Cpp{}, Cobol{},
		Shell{}, Static{},
	}
}
