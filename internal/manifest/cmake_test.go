package manifest

import (
	"slices"
	"testing"
)

const cmakeCrow = `cmake_minimum_required(VERSION 3.20)
project(hello_crow VERSION 1.0 LANGUAGES CXX)

set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)

#[[ A bracket comment
add_executable(not_this main.cpp)
]]
include(FetchContent)
FetchContent_Declare(
  Crow
  GIT_REPOSITORY https://github.com/CrowCpp/Crow.git
  GIT_TAG v1.2.0 # a pinned release
)
FetchContent_MakeAvailable(Crow)
find_package(Threads REQUIRED)

add_executable(${PROJECT_NAME} src/main.cpp "src/routes.cpp")
target_link_libraries(${PROJECT_NAME} PRIVATE Crow::Crow Threads::Threads)
add_library(util STATIC src/util.cpp)
add_library(Crow::Alias ALIAS util)
if((WIN32) AND MSVC)
  message(STATUS [=[bracket ]] argument]=])
endif()
`

func TestCppParseCMake(t *testing.T) {
	p, err := ParseCMake([]byte(cmakeCrow))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "hello_crow" || p.MinVersion != "3.20" || p.CXXStandard != "17" {
		t.Errorf("got %+v", p)
	}
	if len(p.Executables) != 1 || p.Executables[0] != (CMakeTarget{"hello_crow", 19}) {
		t.Errorf("executables = %+v", p.Executables)
	}
	if len(p.Libraries) != 1 || p.Libraries[0].Name != "util" {
		t.Errorf("libraries = %+v", p.Libraries)
	}
	if !slices.Contains(p.Fetched, "https://github.com/CrowCpp/Crow.git") || !slices.Contains(p.Fetched, "Crow") ||
		!slices.Contains(p.Packages, "Threads") || !slices.Contains(p.Links, "Crow::Crow") {
		t.Errorf("deps: packages %v fetched %v links %v", p.Packages, p.Fetched, p.Links)
	}
	var msg []string
	for _, c := range p.Commands {
		if c.Name == "message" {
			msg = c.Args
		}
	}
	if !slices.Equal(msg, []string{"STATUS", "bracket ]] argument"}) {
		t.Errorf("bracket argument = %q", msg)
	}
}

func TestCppParseCMakeMalformed(t *testing.T) {
	for _, tc := range []struct {
		src  string
		line int
	}{
		{"project(x)\nadd_executable(app\n  main.cpp\n", 2},
		{"project(x)\nmessage(\"never closed)\n", 2},
		{"project(x)\n#[[ open\n", 2},
		{"project(x)\n= nonsense\n", 2},
		{"project(x)\nadd_executable app\n", 2},
	} {
		p, err := ParseCMake([]byte(tc.src))
		if ErrorLine(err) != tc.line {
			t.Errorf("%q: %v, want line %d", tc.src, err, tc.line)
		}
		if p == nil || p.Name != "x" {
			t.Errorf("%q: partial result %+v", tc.src, p)
		}
	}
}

const mesonDrogon = `project('hello-meson', 'cpp',
  version : '0.1',
  default_options : ['warning_level=3', 'cpp_std=c++17'])

# dependency('commented')
drogon_dep = dependency('drogon')
threads = dependency('threads')
subdir('lib')
exe = executable(meson.project_name(), 'main.cpp',
  dependencies : [drogon_dep, threads],
  install : true)
lib = static_library('helpers', files('helpers.cpp'))
doc = '''
executable('not_this')
'''
`

func TestCppParseMeson(t *testing.T) {
	p, err := ParseMeson([]byte(mesonDrogon))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "hello-meson" || !slices.Equal(p.Languages, []string{"cpp"}) ||
		len(p.Executables) != 1 || p.Executables[0] != (CMakeTarget{"hello-meson", 9}) ||
		len(p.Libraries) != 1 || p.Libraries[0].Name != "helpers" ||
		!slices.Equal(p.Deps, []string{"drogon", "threads"}) || !slices.Equal(p.Subdirs, []string{"lib"}) {
		t.Errorf("got %+v", p)
	}
	for _, tc := range []struct {
		src  string
		line int
	}{
		{"project('x', 'c')\nexecutable('a',\n", 2},
		{"project('x', 'c')\nexecutable('a)\n", 2},
		{"project('x')\nx = '''\n", 2},
	} {
		if _, err := ParseMeson([]byte(tc.src)); ErrorLine(err) != tc.line {
			t.Errorf("%q: %v, want line %d", tc.src, err, tc.line)
		}
	}
	if _, err := ParseMeson([]byte("executable('a', 'a.c')\n")); err == nil {
		t.Error("a meson.build without project() should fail")
	}
}

func FuzzCMake(f *testing.F) {
	f.Add(cmakeCrow)
	f.Add("a([=[\n]=] \"\\\" #[[x]] ${PROJECT_NAME})")
	f.Fuzz(func(t *testing.T, src string) {
		if p, _ := ParseCMake([]byte(src)); p == nil {
			t.Fatal("nil project")
		}
	})
}

func FuzzMeson(f *testing.F) {
	f.Add(mesonDrogon)
	f.Add("project(f'x', '''\n''', meson.project_name())\nexecutable(meson.\n)")
	f.Fuzz(func(t *testing.T, src string) {
		if p, _ := ParseMeson([]byte(src)); p == nil {
			t.Fatal("nil project")
		}
	})
}
