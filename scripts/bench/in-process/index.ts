// examples/typescript/index.ts (the demo) with the same components constructed in this process
// instead of through the plugin: npm run bench times both previews. Keep the two programs' inputs equal.
import { Provider } from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import { EdgeStack } from "../../../provider/src/components/edgeStack";
import { computeKongSizing } from "../../../provider/src/rules/sizing";

const config = new pulumi.Config();
const chart = (key: string) => {
    const path = config.get(key);
    return path ? { path } : undefined;
};

const cluster = new Provider("cluster", { kubeconfig: config.get("kubeconfig") });

const horizontal = config.get("scaling") === "horizontal";
const scaling = horizontal
    ? { scalingMode: "horizontal" as const, horizontal: { minReplicas: 3, maxReplicas: 12 }, acceptL4Imbalance: true }
    : { scalingMode: "vertical" as const, vertical: { cpu: 4, replicas: 2 } };

const edge = new EdgeStack(
    "edge",
    {
        loadBalancer: { type: "nlb", scheme: "internet-facing" },
        ...scaling,
        mesh: {
            istio: { install: true, strictMtls: true, baseChart: chart("istioBaseChart"), istiodChart: chart("istiodChart") },
        },
        kong: { chartSource: chart("kongChart") },
        services: [
            {
                name: "greeter",
                namespace: "apps",
                image: "grpc/java-example-hostname:1.66.0",
                paths: ["/helloworld.Greeter/"],
                plugins: { rateLimiting: { second: 50, minute: 1000 } },
            },
            {
                name: "orders",
                namespace: "apps",
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
export const plannedSizing = computeKongSizing({ loadBalancerType: "nlb", ...scaling });
