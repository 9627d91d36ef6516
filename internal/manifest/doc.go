// Package manifest parses the files a repository describes itself with:
// package manifests of every stack, Procfile, app.json, .env files,
// Dockerfiles (with moby/buildkit's parser) and compose files (with
// compose-spec/compose-go). Parsers take bytes and return plain structs; a
// malformed file yields an *Error naming the line, never a panic, and every
// parser has a fuzz target.
package manifest
