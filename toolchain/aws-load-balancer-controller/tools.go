//go:build tools

// Package tools pins the AWS Load Balancer Controller for scripts/bootstrap-toolchain.sh
// --with-lbc. Version: awsLoadBalancerController.pseudoVersion in ../../versions.json.
// The module root sigs.k8s.io/aws-load-balancer-controller is itself the main
// package (upstream main.go); build with -o aws-load-balancer-controller.
package tools

import (
	_ "sigs.k8s.io/aws-load-balancer-controller"
)
