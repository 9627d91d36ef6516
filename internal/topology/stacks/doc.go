// Package stacks holds one Detector per stack family. A detector looks at a
// single folder and says which language, framework, package manager, start
// and build commands, port defaults and dependencies it finds there, with
// the evidence for each; the topology engine decides which folders are
// services and how they relate.
package stacks
