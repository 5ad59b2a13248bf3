// NLB + vertical (or, by config, horizontal) scaling + Istio + two gRPC services with a rate-limit plugin.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as meshedge from "@meshedge/pulumi";

const config = new pulumi.Config();
// Local chart files for air-gapped clusters; unset, the pinned upstream repositories are used.
const chart = (key: string) => {
    const path = config.get(key);
    return path ? { path } : undefined;
};

const cluster = new k8s.Provider("cluster", { kubeconfig: config.get("kubeconfig") });

// `pulumi config set scaling horizontal` switches the gateway to an HPA of one-CPU pods; behind an
// NLB that needs acceptL4Imbalance (HTTP/2 connections stay on the pod they first reached; Kong then
// recycles each client connection after 1000 calls or 5 minutes, so connections reach new pods).
const horizontal = config.get("scaling") === "horizontal";
const scaling = horizontal
    ? { scalingMode: meshedge.ScalingMode.Horizontal, horizontal: { minReplicas: 3, maxReplicas: 12 }, acceptL4Imbalance: true }
    : { scalingMode: meshedge.ScalingMode.Vertical, vertical: { cpu: 4, replicas: 2 } };

const edge = new meshedge.EdgeStack(
    "edge",
    {
        loadBalancer: { type: meshedge.LoadBalancerType.Nlb, scheme: meshedge.LoadBalancerScheme.InternetFacing },
        ...scaling,
        mesh: {
            istio: { install: true, strictMtls: true, baseChart: chart("istioBaseChart"), istiodChart: chart("istiodChart") },
        },
        kong: { chartSource: chart("kongChart") },
        services: [
            {
                name: "greeter",
                namespace: "apps",
                // grpc-java's hostname example: helloworld.Greeter plus grpc.health.v1 on 50051.
                image: "grpc/java-example-hostname:1.66.0",
                paths: ["/helloworld.Greeter/"],
                plugins: { rateLimiting: { second: 50, minute: 1000 } },
            },
            {
                name: "orders",
                namespace: "apps",
                // No image: routes to pods labelled app.kubernetes.io/name=orders deployed elsewhere.
                port: 9090,
                hosts: ["grpc.example.com"],
                paths: ["/shop.Orders/"],
                plugins: { rateLimiting: { minute: 600 } },
            },
        ],
        waitForReady: config.getBoolean("waitForReady"),
    },
    { providers: { kubernetes: cluster } },
);

export const sizing = edge.sizing;
export const proxyService = pulumi.interpolate`${edge.kongNamespace}/${edge.proxyServiceName}`;
export const plannedSizing = meshedge.computeKongSizingOutput({ loadBalancerType: meshedge.LoadBalancerType.Nlb, ...scaling }).sizing;
