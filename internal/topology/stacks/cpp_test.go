package stacks

import (
	"slices"
	"testing"
)

func TestCppDetect(t *testing.T) {
	const crow = "cmake_minimum_required(VERSION 3.20)\nproject(hello_crow LANGUAGES CXX)\ninclude(FetchContent)\nFetchContent_Declare(Crow GIT_REPOSITORY https://github.com/CrowCpp/Crow.git GIT_TAG v1.2.0)\nFetchContent_MakeAvailable(Crow)\nadd_executable(${PROJECT_NAME} src/main.cpp)\ntarget_link_libraries(${PROJECT_NAME} PRIVATE Crow::Crow)\n"
	for _, tc := range []struct {
		name  string
		files map[string]string
		dir   string
		check func(t *testing.T, r *Result)
	}{
		{"cmake crow", map[string]string{"CMakeLists.txt": crow, "src/main.cpp": "#include \"crow.h\"\nint main() { const char* e = std::getenv(\"PORT\"); int port = e ? std::atoi(e) : 18080; }\n"}, ".", func(t *testing.T, r *Result) {
			if r.Kind != "web" || r.Target != "hello_crow" || r.Start != "/app/bin/hello_crow" || r.Extra["builder"] != "cmake" ||
				r.Extra["libs"] != "asio" || r.PackageManager != "cmake" || r.Score != 0.8 || r.Name != "hello_crow" || r.PortDefault != 18080 {
				t.Errorf("%+v", r)
			}
			if !slices.Contains(r.Deps, "Crow") || !slices.Equal(r.Entrypoints, []string{"src/main.cpp"}) {
				t.Errorf("deps %v entrypoints %v", r.Deps, r.Entrypoints)
			}
		}},
		{"web by include, subdirectory", map[string]string{
			"CMakeLists.txt":     "project(svc)\nfind_package(Boost REQUIRED COMPONENTS system)\nfind_package(OpenSSL)\nadd_subdirectory(src)\n",
			"src/CMakeLists.txt": "add_executable(svc main.cpp)\n",
			"src/main.cpp":       "#include <boost/beast/http.hpp>\n#include <boost/asio.hpp>\n",
		}, ".", func(t *testing.T, r *Result) {
			if r.Kind != "web" || r.Target != "svc" || r.Extra["libs"] != "boost boost-system openssl" {
				t.Errorf("%+v", r)
			}
		}},
		{"subdirectory folder is not a project", map[string]string{"CMakeLists.txt": "project(x)\nadd_subdirectory(src)\n", "src/CMakeLists.txt": "add_executable(x main.cpp)\n"}, "src", func(t *testing.T, r *Result) {
			if r != nil {
				t.Errorf("%+v", r)
			}
		}},
		{"super-build", map[string]string{
			"CMakeLists.txt":                 "project(all)\nadd_subdirectory(services/api)\nadd_subdirectory(services/worker)\nadd_subdirectory(lib)\n",
			"lib/CMakeLists.txt":             "add_library(common common.cpp)\n",
			"services/api/CMakeLists.txt":    "project(api)\nadd_executable(api main.cpp)\n",
			"services/worker/CMakeLists.txt": "project(worker)\nadd_executable(worker main.cpp)\n",
		}, ".", func(t *testing.T, r *Result) {
			if !r.WorkspaceOnly || !slices.Equal(r.Members, []string{"services/api", "services/worker"}) {
				t.Errorf("%+v", r)
			}
		}},
		{"super-build member", map[string]string{
			"CMakeLists.txt":              "project(all)\nadd_subdirectory(services/api)\n",
			"services/api/CMakeLists.txt": "project(api)\nadd_executable(api main.cpp)\n",
		}, "services/api", func(t *testing.T, r *Result) {
			if r.Target != "api" || r.WorkspaceOnly || r.Library {
				t.Errorf("%+v", r)
			}
		}},
		{"meson exe", map[string]string{"meson.build": "project('tool', 'cpp')\nfmt = dependency('fmt')\nexecutable('tool', 'main.cpp', dependencies: fmt)\n", "main.cpp": ""}, ".", func(t *testing.T, r *Result) {
			if r.Kind != "" || r.Target != "tool" || r.Extra["builder"] != "meson" || r.Extra["libs"] != "fmt" || r.PackageManager != "meson" ||
				r.Score != 0.6 || r.Build != "meson setup build --buildtype=release && meson compile -C build tool" {
				t.Errorf("%+v", r)
			}
		}},
		{"meson drogon warns", map[string]string{"meson.build": "project('api', 'cpp')\nexecutable('api', 'main.cc', dependencies: dependency('drogon'))\n"}, ".", func(t *testing.T, r *Result) {
			if r.Kind != "web" || len(r.Warnings) != 1 || r.Extra["libs"] != "drogon" {
				t.Errorf("%+v", r)
			}
		}},
		{"library only", map[string]string{"CMakeLists.txt": "project(util)\nadd_library(util STATIC util.cpp)\n"}, ".", func(t *testing.T, r *Result) {
			if !r.Library || r.Target != "" || r.Score >= 0.5 {
				t.Errorf("%+v", r)
			}
		}},
		{"vcpkg deps", map[string]string{"CMakeLists.txt": "project(app)\nadd_executable(app main.cpp)\n", "vcpkg.json": `{"dependencies": ["cpp-httplib", {"name": "libpq"}]}`}, ".", func(t *testing.T, r *Result) {
			if r.Kind != "web" || r.Extra["libs"] != "httplib postgresql" || !slices.Contains(r.Lockfiles, "vcpkg.json") {
				t.Errorf("%+v", r)
			}
		}},
		{"malformed", map[string]string{"CMakeLists.txt": "project(app)\nadd_executable(app main.cpp)\nmessage(\"open\n"}, ".", func(t *testing.T, r *Result) {
			if len(r.Warnings) != 1 || r.Warnings[0].Line != 3 || r.Target != "app" || r.Score >= 0.6 {
				t.Errorf("%+v", r)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := detectIn(t, Cpp{}, tc.files, tc.dir)
			if r != nil && r.Language != "cpp" {
				t.Fatalf("language %q", r.Language)
			}
			if r == nil && tc.name != "subdirectory folder is not a project" {
				t.Fatal("not detected")
			}
			tc.check(t, r)
		})
	}
}
