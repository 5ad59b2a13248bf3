// Command pulumi-resource-kubernetes is meshedge's build entry point for the
// pulumi-kubernetes resource provider (module
// github.com/pulumi/pulumi-kubernetes/provider/v4, version pinned in
// ../../go.mod and ../../../../versions.json).
//
// The upstream main package embeds files that are generated at release time and
// are not part of the Go module, so it cannot be built from the module proxy.
// scripts/bootstrap-toolchain.sh copies this directory into the toolchain
// cache, writes the two JSON files below next to this file from the module's
// committed schema.json and terraform-mapping.json, and builds there. The JSON
// files are never written into the repository (see ../../.gitignore).
package main

import (
	_ "embed"

	kubeprovider "github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

// schemaJSON is the provider's Pulumi package schema with "version" set to the
// pinned release.
//
//go:embed schema-embed.json
var schemaJSON []byte

// terraformMappingJSON is the minified terraform-mapping.json of the module.
//
//go:embed terraform-mapping-embed.json
var terraformMappingJSON []byte

func main() {
	// version.Version is set with -ldflags -X at build time.
	kubeprovider.Serve("kubernetes", version.Version, schemaJSON, terraformMappingJSON)
}
