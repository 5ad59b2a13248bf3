//go:build tools

// Package tools pins kube-apiserver and kube-controller-manager for
// scripts/bootstrap-toolchain.sh --with-cluster. Version: cluster.kubernetes in
// ../../../versions.json. k8s.io/kubernetes requires its staging modules at
// v0.0.0 and replaces them with ./staging/...; go.mod here replaces each one
// with its published release k8s.io/<m> v0.<minor>.<patch>.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
)
