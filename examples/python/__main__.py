"""NLB + vertical (or, by config, horizontal) scaling + Istio + two gRPC services with a rate-limit plugin."""
import pulumi
import pulumi_kubernetes as k8s
import pulumi_meshedge as meshedge

config = pulumi.Config()


def chart(key: str) -> meshedge.ChartSourceArgs | None:
    """Local chart files for air-gapped clusters; unset, the pinned upstream repositories are used."""
    path = config.get(key)
    return meshedge.ChartSourceArgs(path=path) if path else None


cluster = k8s.Provider("cluster", kubeconfig=config.get("kubeconfig"))

# `pulumi config set scaling horizontal` switches the gateway to an HPA of one-CPU pods; behind an
# NLB that needs accept_l4_imbalance (HTTP/2 connections stay on the pod they first reached).
if config.get("scaling") == "horizontal":
    scaling = dict(
        scaling_mode=meshedge.ScalingMode.HORIZONTAL,
        horizontal=meshedge.HorizontalScalingArgs(min_replicas=3, max_replicas=12),
        accept_l4_imbalance=True,
    )
else:
    scaling = dict(scaling_mode=meshedge.ScalingMode.VERTICAL, vertical=meshedge.VerticalScalingArgs(cpu=4, replicas=2))

edge = meshedge.EdgeStack(
    "edge",
    load_balancer=meshedge.LoadBalancerArgs(
        type=meshedge.LoadBalancerType.NLB,
        scheme=meshedge.LoadBalancerScheme.INTERNET_FACING,
    ),
    **scaling,
    mesh=meshedge.MeshArgs(
        istio=meshedge.IstioMeshArgs(
            install=True,
            strict_mtls=True,
            base_chart=chart("istioBaseChart"),
            istiod_chart=chart("istiodChart"),
        ),
    ),
    kong=meshedge.KongSettingsArgs(chart_source=chart("kongChart")),
    services=[
        meshedge.GrpcServiceSpecArgs(
            name="greeter",
            namespace="apps",
            # grpc-java's hostname example: helloworld.Greeter plus grpc.health.v1 on 50051.
            image="grpc/java-example-hostname:1.66.0",
            paths=["/helloworld.Greeter/"],
            plugins=meshedge.KongPluginsArgs(
                rate_limiting=meshedge.RateLimitingPluginArgs(second=50, minute=1000),
            ),
        ),
        meshedge.GrpcServiceSpecArgs(
            # No image: routes to pods labelled app.kubernetes.io/name=orders deployed elsewhere.
            name="orders",
            namespace="apps",
            port=9090,
            hosts=["grpc.example.com"],
            paths=["/shop.Orders/"],
            plugins=meshedge.KongPluginsArgs(rate_limiting=meshedge.RateLimitingPluginArgs(minute=600)),
        ),
    ],
    wait_for_ready=config.get_bool("waitForReady"),
    opts=pulumi.ResourceOptions(providers={"kubernetes": cluster}),
)

pulumi.export("sizing", edge.sizing)
pulumi.export("proxyService", pulumi.Output.concat(edge.kong_namespace, "/", edge.proxy_service_name))
pulumi.export(
    "plannedSizing",
    meshedge.compute_kong_sizing_output(load_balancer_type=meshedge.LoadBalancerType.NLB, **scaling).sizing,
)
