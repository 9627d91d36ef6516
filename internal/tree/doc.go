// Package tree indexes a pushed or local folder for analysis: which folders
// and files it holds, and bounded reads of their content. It is the only way
// the topology engine touches a tree, so every limit (files, depth, bytes)
// and the rule that links never lead out of the root hold in one place.
package tree
