//go:build tools

// Package tools pins the Pulumi CLI and the bundled language hosts so that
// scripts/bootstrap-toolchain.sh can build them from the Go module proxy.
// Versions: see ../../versions.json (pulumi.version, pulumi.languageHostsPseudoVersion).
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
	_ "github.com/pulumi/pulumi/sdk/go/pulumi-language-go/v3"
	_ "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
	_ "github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3"
)
