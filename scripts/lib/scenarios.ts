// Inputs shared by the tests: the two README scenarios and a valid base for variations.
import type { EdgeStackArgs } from "../../provider/src/generated/schema-types";

export const CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
export const OIDC = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789";

export const greeter = {
    name: "greeter",
    namespace: "apps",
    port: 50051,
    image: "ghcr.io/example/greeter:1.4.2",
    paths: ["/helloworld.Greeter/"],
    plugins: { rateLimiting: { second: 50, minute: 1000 } },
};

export const orders = {
    name: "orders",
    namespace: "apps",
    port: 9090,
    image: "ghcr.io/example/orders:2.0.1",
    hosts: ["grpc.example.com"],
    paths: ["/shop.Orders/"],
    plugins: { rateLimiting: { minute: 600 }, keyAuth: {} },
    consumers: [{ username: "mobile-app", keyAuthKey: "k3y-mobile" }],
};

/** README scenario 1: NLB + vertical + Istio. */
export const nlbVerticalIstio: EdgeStackArgs = {
    loadBalancer: { type: "nlb", certificateArn: CERT },
    scalingMode: "vertical",
    vertical: { cpu: 4, replicas: 2 },
    mesh: { istio: { strictMtls: true } },
    services: [greeter, orders],
};

/** README scenario 2: ALB + horizontal + Kuma. */
export const albHorizontalKuma: EdgeStackArgs = {
    loadBalancer: { type: "alb", certificateArn: CERT },
    scalingMode: "horizontal",
    horizontal: { minReplicas: 3, maxReplicas: 12, targetCpuUtilizationPercent: 65 },
    mesh: { kuma: { mtls: true } },
    services: [greeter, orders],
};
