// Package gen holds the code-generation wiring: `go generate ./gen` turns
// spec/webadmit.yaml into package generated with the oapi-codegen version
// pinned in go.mod (see tools.go).
package gen

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config config.yaml ../spec/webadmit.yaml
