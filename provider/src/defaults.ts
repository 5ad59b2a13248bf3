// Every default meshedge applies, in one place. INPUT_DEFAULTS is keyed like the schema: type or
// component name, then property; tests/unit/rules/defaults.test.ts checks each value against the
// "Default ..." phrase of that property's description in provider/schema.json, and that no
// documented default is missing here. Rules and components read defaults only from this file.
import versions from "../../versions.json";
import type { ContainerResources, KongGatewayArgs } from "./generated/schema-types";

export const pinnedCharts = versions.charts;

/** Kong's Helm chart; `ingress` (kong/ingress, controller + gateway subcharts) is the recommended one. */
const KONG_CHART = "ingress";
/** The IngressClass Kong's controller watches (the charts' default). */
const KONG_INGRESS_CLASS = "kong";
/** Kong recommends about 500 MB per nginx worker; 512 MiB is the default and 500 the floor. */
export const MEMORY_PER_WORKER_MIB_MIN = 500;
const MEMORY_PER_WORKER_MIB = 512;

/** The ingress controller is small and sized separately from the gateway; the HPA needs requests on every container. */
const CONTROLLER_RESOURCES: ContainerResources = {
    requests: { cpu: "100m", memory: "256Mi" },
    limits: { cpu: "500m", memory: "256Mi" },
};

/**
 * The mesh sidecar on Kong's gateway pods carries all of Kong's upstream traffic. Istio's published
 * figure (Performance and Scalability, 1.12-1.16: 0.35 vCPU and 40 MB per 1000 rps through the proxy)
 * gives one CPU about 2,800 rps; 512Mi is Kuma's own sidecar memory limit (kuma 2.12.3
 * pkg/config/app/kuma-cp/kuma-cp.defaults.yaml) and half of Istio's (1Gi), as one gateway's sidecar
 * only holds the routes to the services Kong calls. Requests equal limits (Guaranteed QoS).
 */
const GATEWAY_SIDECAR = { cpu: "1", memory: "512Mi" } as const;

/** Inputs' defaults, by schema type (or component) and property. Values equal what the schema documents. */
export const INPUT_DEFAULTS = {
    EdgeStack: { scalingMode: "auto", acceptL4Imbalance: false, eksAutoMode: false, waitForReady: true },
    KongGateway: {
        scalingMode: "auto",
        acceptL4Imbalance: false,
        eksAutoMode: false,
        meshKind: "none",
        chart: KONG_CHART,
        controllerResources: CONTROLLER_RESOURCES,
        ingressClassName: KONG_INGRESS_CLASS,
        gatewayApi: false,
        waitForReady: true,
    },
    GrpcService: { meshKind: "none", kumaMultiZone: false, ingressClassName: KONG_INGRESS_CLASS, waitForReady: true },
    LoadBalancerController: { identity: "irsa" },
    computeKongSizing: { scalingMode: "auto" },
    KongSettings: { namespace: "kong", chart: KONG_CHART, ingressClassName: KONG_INGRESS_CLASS, controllerResources: CONTROLLER_RESOURCES },
    /** `cpu` has no default inside the object: a `vertical` object states the size (see SCALING_MODE_DEFAULTS). */
    VerticalScaling: { replicas: 2, memoryPerWorkerMiB: MEMORY_PER_WORKER_MIB },
    HorizontalScaling: { targetCpuUtilizationPercent: 70, memoryPerWorkerMiB: MEMORY_PER_WORKER_MIB },
    LoadBalancer: {
        /** Always written: the AWS Load Balancer Controller's own default is internal. */
        scheme: "internet-facing",
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        crossZone: true,
        backendProtocolVersion: "GRPC",
    },
    IstioMesh: { install: false, strictMtls: false },
    SidecarSize: GATEWAY_SIDECAR,
    KumaMesh: { install: false, meshName: "default", mtls: true, multiZone: false },
    LoadBalancerControllerSettings: { install: false, identity: "irsa" },
    GrpcServiceSpec: { port: 50051, replicas: 2, routeKind: "ingress" },
    RateLimitingPlugin: { policy: "local" },
    KeyAuthPlugin: { keyNames: ["apikey"], hideCredentials: true },
    JwtPlugin: { claimsToVerify: ["exp"] },
    HmacAuthPlugin: { enforceHeaders: ["date", "@request-target"] },
    CorsPlugin: { exposedHeaders: ["grpc-status", "grpc-message"], credentials: false },
    KongPlugins: { prometheus: false },
} as const;

/**
 * The sizing when a mode has no object of its own (`auto` resolving to it, or the mode named without
 * one): vertical 2 pods x 2 workers (the chart's 2 workers, one pod per AZ pair); horizontal an HPA
 * from 2 to at least 10 pods at 70% CPU. Documented on EdgeStack.vertical / .horizontal.
 */
export const SCALING_MODE_DEFAULTS = {
    vertical: { cpu: 2, replicas: INPUT_DEFAULTS.VerticalScaling.replicas },
    horizontal: { minReplicas: 2, maxReplicasFloor: 10, targetCpuUtilizationPercent: INPUT_DEFAULTS.HorizontalScaling.targetCpuUtilizationPercent },
} as const;

/** ALB health check by backend protocol: Kong answers gRPC health itself (0, or 5/12 when no service does), HTTP2 on its status port. */
export const ALB_HEALTH_CHECK_DEFAULTS = {
    GRPC: { path: "/grpc.health.v1.Health/Check", successCodes: "0,5,12" },
    HTTP2: { path: "/status/ready", successCodes: "200" },
} as const;

/** The ALB IngressClass of the AWS Load Balancer Controller (LoadBalancer.ingressClassName outside Auto Mode). */
export const LBC_ALB_INGRESS_CLASS = "alb";

/** More workers than this per pod is almost certainly a typo (nginx gains nothing past the node's cores). */
export const CPU_PER_POD_MAX = 64;

/** Where the mesh control planes are installed (the charts' documented namespaces). */
export const ISTIO_SYSTEM_NAMESPACE = "istio-system";
export const KUMA_SYSTEM_NAMESPACE = "kuma-system";

/** Kong gateway container ports (chart defaults). */
export const KONG_PORTS = { proxyHttp: 8000, proxyTls: 8443, status: 8100, proxyServiceHttp: 80, proxyServiceTls: 443 } as const;

/** The AWS Load Balancer Controller's namespace and service account (its chart's defaults, which the trust policies name). */
export const LBC = {
    namespace: "kube-system",
    serviceAccount: "aws-load-balancer-controller",
} as const;

type Widen<T> = T extends string ? string : T extends number ? number : T extends boolean ? boolean : T extends readonly (infer E)[] ? Widen<E>[] : T;

/** `value` with every property of `defaults` set: the fully defaulted object rules and components work from. */
export type Defaulted<T, D> = Omit<T, keyof D> & { readonly [K in keyof D]-?: K extends keyof T ? Exclude<T[K], undefined> : Widen<D[K]> };

/** KongGateway's inputs with every default applied. */
export type ResolvedKongGateway = Defaulted<KongGatewayArgs, typeof INPUT_DEFAULTS.KongGateway>;

/** Resolves inputs once: the given fields win, each unset one takes its default. */
export function withDefaults<T extends object, D extends object>(value: T | undefined, defaults: D): Defaulted<T, D> {
    const given = Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined));
    return { ...defaults, ...given } as Defaulted<T, D>;
}
