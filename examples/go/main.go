// NLB + vertical (or, by config, horizontal) scaling + Istio + two gRPC services with a rate-limit plugin.
package main

import (
	"github.com/meshedge/pulumi-meshedge/sdk/go/meshedge"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		// Local chart files for air-gapped clusters; unset, the pinned upstream repositories are used.
		chart := func(key string) *meshedge.ChartSourceArgs {
			if path := cfg.Get(key); path != "" {
				return &meshedge.ChartSourceArgs{Path: &path}
			}
			return nil
		}

		providerArgs := &kubernetes.ProviderArgs{}
		if kubeconfig := cfg.Get("kubeconfig"); kubeconfig != "" {
			providerArgs.Kubeconfig = pulumi.String(kubeconfig)
		}
		cluster, err := kubernetes.NewProvider(ctx, "cluster", providerArgs)
		if err != nil {
			return err
		}

		var waitForReady *bool
		if value, err := cfg.TryBool("waitForReady"); err == nil {
			waitForReady = &value
		}
		// `pulumi config set scaling horizontal` switches the gateway to an HPA of one-CPU pods; behind an
		// NLB that needs AcceptL4Imbalance (HTTP/2 connections stay on the pod they first reached).
		mode := meshedge.ScalingModeVertical
		vertical := &meshedge.VerticalScalingArgs{Cpu: 4, Replicas: pulumi.IntRef(2)}
		var horizontal *meshedge.HorizontalScalingArgs
		var acceptL4Imbalance *bool
		if cfg.Get("scaling") == "horizontal" {
			mode = meshedge.ScalingModeHorizontal
			vertical = nil
			horizontal = &meshedge.HorizontalScalingArgs{MinReplicas: 3, MaxReplicas: pulumi.IntRef(12)}
			acceptL4Imbalance = pulumi.BoolRef(true)
		}
		scheme := meshedge.LoadBalancerSchemeInternetFacing

		edge, err := meshedge.NewEdgeStack(ctx, "edge", &meshedge.EdgeStackArgs{
			LoadBalancer:      meshedge.LoadBalancerArgs{Type: meshedge.LoadBalancerTypeNlb, Scheme: &scheme},
			ScalingMode:       &mode,
			Vertical:          vertical,
			Horizontal:        horizontal,
			AcceptL4Imbalance: acceptL4Imbalance,
			Mesh: &meshedge.MeshArgs{
				Istio: &meshedge.IstioMeshArgs{
					Install:     pulumi.BoolRef(true),
					StrictMtls:  pulumi.BoolRef(true),
					BaseChart:   chart("istioBaseChart"),
					IstiodChart: chart("istiodChart"),
				},
			},
			Kong: &meshedge.KongSettingsArgs{ChartSource: chart("kongChart")},
			Services: []meshedge.GrpcServiceSpecInput{
				meshedge.GrpcServiceSpecArgs{
					Name:      "greeter",
					Namespace: "apps",
					// grpc-java's hostname example: helloworld.Greeter plus grpc.health.v1 on 50051.
					Image: pulumi.StringRef("grpc/java-example-hostname:1.66.0"),
					Paths: []pulumi.StringInput{pulumi.String("/helloworld.Greeter/")},
					Plugins: &meshedge.KongPluginsArgs{
						RateLimiting: &meshedge.RateLimitingPluginArgs{Second: pulumi.IntRef(50), Minute: pulumi.IntRef(1000)},
					},
				},
				// No image: routes to pods labelled app.kubernetes.io/name=orders deployed elsewhere.
				meshedge.GrpcServiceSpecArgs{
					Name:      "orders",
					Namespace: "apps",
					Port:      pulumi.IntRef(9090),
					Hosts:     []pulumi.StringInput{pulumi.String("grpc.example.com")},
					Paths:     []pulumi.StringInput{pulumi.String("/shop.Orders/")},
					Plugins: &meshedge.KongPluginsArgs{
						RateLimiting: &meshedge.RateLimitingPluginArgs{Minute: pulumi.IntRef(600)},
					},
				},
			},
			WaitForReady: waitForReady,
		}, pulumi.Providers(cluster))
		if err != nil {
			return err
		}

		ctx.Export("sizing", edge.Sizing)
		ctx.Export("proxyService", pulumi.Sprintf("%s/%s", edge.KongNamespace, edge.ProxyServiceName))
		sizingArgs := meshedge.ComputeKongSizingOutputArgs{LoadBalancerType: meshedge.LoadBalancerTypeNlb, ScalingMode: mode}
		if horizontal != nil {
			sizingArgs.Horizontal = horizontal
			sizingArgs.AcceptL4Imbalance = pulumi.Bool(true)
		} else {
			sizingArgs.Vertical = vertical
		}
		ctx.Export("plannedSizing", meshedge.ComputeKongSizingOutput(ctx, sizingArgs).Sizing())
		return nil
	})
}
