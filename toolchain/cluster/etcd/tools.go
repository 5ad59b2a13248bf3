//go:build tools

// Package tools pins the etcd server for scripts/bootstrap-toolchain.sh
// --with-cluster. Version: cluster.etcd in ../../../versions.json. The module
// go.etcd.io/etcd/server/v3 is itself the main package; build with -o etcd.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
)
