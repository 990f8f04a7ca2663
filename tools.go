//go:build tools

// Package tools pins the code generator and linter that the Makefile runs
// with `go run`, so every machine uses the versions recorded in go.mod.
package tools

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
	_ "honnef.co/go/tools/cmd/staticcheck"
)
