// Package synth writes synthetic repositories for benchmarks: a monorepo of
// many services in many stacks, with realistic manifests and a spread of
// source files, so detection is measured on something shaped like real work.
package synth

import (
	"fmt"
	"os"
	"path/filepath"
)

// stack is one service template: its manifest files and a source file
// template (with %d for a sequence number).
type stack struct {
	dir    string
	files  map[string]string
	ext    string
	source string
}

var stacks = []stack{
	{"apps", map[string]string{
		"package.json":      `{"name":"%s","scripts":{"build":"next build","start":"next start"},"dependencies":{"next":"14.2.3","react":"18.3.1","pg":"8.11.0"}}`,
		"package-lock.json": `{"lockfileVersion":3}`,
	}, ".tsx", "export function Component%d() { return fetch(process.env.API_URL + '/items/%d'); }\n"},
	{"services", map[string]string{
		"requirements.txt": "fastapi==0.111.0\nuvicorn==0.30.1\nredis==5.0.4\n",
		"main.py":          "import os\nfrom fastapi import FastAPI\napp = FastAPI()\n@app.get('/healthz')\ndef h():\n    return {}\n",
	}, ".py", "import os\n\ndef handler_%d(event):\n    return os.environ.get('FEATURE_%d')\n"},
	{"services", map[string]string{
		"go.mod":  "module example.com/%s\n\ngo 1.22\n\nrequire github.com/gin-gonic/gin v1.10.0\n",
		"main.go": "package main\n\nimport \"github.com/gin-gonic/gin\"\n\nfunc main() { r := gin.Default(); r.Run(\":8080\") }\n",
	}, ".go", "package handlers\n\n// Handler%d handles things.\nfunc Handler%d() string { return \"ok\" }\n"},
	{"services", map[string]string{
		"Cargo.toml":  "[package]\nname = \"%s\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.7\"\ntokio = \"1\"\n",
		"src/main.rs": "fn main() { let addr = std::net::SocketAddr::from(([0, 0, 0, 0], 3000)); println!(\"{addr}\"); }\n",
	}, ".rs", "pub fn handler_%d() -> u32 { %d }\n"},
	{"apps", map[string]string{
		"Gemfile":   "source 'https://rubygems.org'\ngem 'sinatra'\ngem 'puma'\ngem 'sidekiq'\n",
		"config.ru": "require './app'\nrun App\n",
	}, ".rb", "module Handler%d\n  def self.call = ENV['FLAG_%d']\nend\n"},
}

// Monorepo writes a monorepo of services services and about files files
// under dir, and returns how many files it wrote.
func Monorepo(dir string, services, files int) (int, error) {
	written := 0
	put := func(p, content string) error {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		written++
		return os.WriteFile(full, []byte(content), 0o644)
	}
	if err := put("README.md", "# synthetic monorepo\n"); err != nil {
		return written, err
	}
	perService := files / services
	for i := range services {
		st := stacks[i%len(stacks)]
		name := fmt.Sprintf("svc%02d", i)
		base := st.dir + "/" + name
		for f, content := range st.files {
			if err := put(base+"/"+f, fmt.Sprintf(content, name)); err != nil {
				return written, err
			}
		}
		// Sources spread over nested folders, 25 files a folder.
		for j := 0; written < (i+1)*perService; j++ {
			p := fmt.Sprintf("%s/src/mod%02d/sub%02d/file%03d%s", base, j/100, (j/25)%4, j, st.ext)
			if err := put(p, fmt.Sprintf(st.source, j, j)); err != nil {
				return written, err
			}
		}
	}
	return written, nil
}

// SmallApp writes a single Express app: a manifest, a lockfile, a server
// and a few modules, what `kyozo detect` meets on a typical small service.
func SmallApp(dir string) error {
	files := map[string]string{
		"package.json":      `{"name":"small","scripts":{"start":"node server.js"},"dependencies":{"express":"^4.19.2","pg":"^8.11.0"},"engines":{"node":"20"}}`,
		"package-lock.json": `{"lockfileVersion":3}`,
		"server.js":         "const express = require('express');\nconst app = express();\napp.get('/health', (q, r) => r.send('ok'));\napp.listen(process.env.PORT || 3000);\n",
		"routes/users.js":   "module.exports = (db) => db.query('select * from users');\n",
		"routes/items.js":   "module.exports = (db) => db.query('select * from items');\n",
		"lib/db.js":         "const { Pool } = require('pg');\nmodule.exports = new Pool({ connectionString: process.env.DATABASE_URL });\n",
		".env.example":      "DATABASE_URL=postgres://localhost:5432/small\nSESSION_SECRET=\n",
		"README.md":         "# small\n",
	}
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			return err
		}
	}
	return nil
}
