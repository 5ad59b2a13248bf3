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
/** Beyond this per worker or per cache, a size is a typo (64 GiB). */
export const MEMORY_MIB_MAX = 65536;
/**
 * Kong's `mem_cache_size` (kong 3.9.3 kong/templates/kong_defaults.lua: 128m). Kong sizes two shared
 * memory zones with it, `kong_core_db_cache` and `kong_db_cache` (kong/templates/nginx_kong.lua), so a
 * pod holds two caches of this size whatever its worker count; kong.conf.default recommends "a few MBs"
 * at least, hence the floor.
 */
const MEM_CACHE_SIZE_MIB = 128;
export const MEM_CACHE_SIZE_MIB_MIN = 8;
/** The caches `mem_cache_size` sizes in an HTTP-only Kong (a stream listener would add two more). */
export const KONG_MEM_CACHES = 2;
/**
 * Pod memory beyond the workers and the two caches: Kong 3.9.3's fixed-size shared memory zones
 * (100 MiB at most: nginx_kong.lua's other lua_shared_dicts and TLS session caches, listed in
 * tests/fixtures/kong/kong-3.9.3-memory-and-keepalive.json) and the nginx master process, which loads
 * Kong and its configuration like a worker but serves no traffic.
 */
export const KONG_MEMORY_HEADROOM_MIB = 256;

/**
 * Client connection recycling behind an NLB with horizontal scaling (acceptL4Imbalance): the NLB places
 * a connection once, so load moves to new pods only when clients reconnect. 1000 requests (nginx's own
 * keepalive_requests default; Kong raises it to 10000) recycles busy connections, which carry the
 * imbalance, every few seconds to minutes at the cost of one handshake per 1000 calls; 300 s (the HPA's
 * default scale-down stabilisation window) moves even quiet ones before the HPA may judge a new pod
 * idle. Kong's own values (INPUT_DEFAULTS.ConnectionRecycling) apply everywhere else.
 */
export const L4_HORIZONTAL_RECYCLING = { maxRequests: 1000, maxAgeSeconds: 300 } as const;
export const RECYCLING_LIMITS = { maxRequests: { min: 100, max: 1_000_000_000 }, maxAgeSeconds: { min: 10, max: 604_800 } } as const;

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

/**
 * A gRPC service's requests when it states none: 100m CPU and 128Mi, a small server's idle footprint, so the
 * scheduler reserves something and an HPA has a base to measure CPU against. No limits: meshedge cannot know
 * a service's peak, and a CPU limit throttles latency-sensitive calls.
 */
const GRPC_SERVICE_REQUESTS: ContainerResources = { requests: { cpu: "100m", memory: "128Mi" } };

/** Inputs' defaults, by schema type (or component) and property. Values equal what the schema documents. */
export const INPUT_DEFAULTS = {
    EdgeStack: { scalingMode: "auto", acceptL4Imbalance: false, eksAutoMode: false, waitForReady: true, protectLoadBalancer: true },
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
        protectLoadBalancer: true,
    },
    GrpcService: { meshKind: "none", kumaMultiZone: false, ingressClassName: KONG_INGRESS_CLASS, waitForReady: true },
    LoadBalancerController: { identity: "irsa" },
    computeKongSizing: { scalingMode: "auto" },
    KongSettings: { namespace: "kong", chart: KONG_CHART, ingressClassName: KONG_INGRESS_CLASS, controllerResources: CONTROLLER_RESOURCES },
    /** `cpu` has no default inside the object: a `vertical` object states the size (see SCALING_MODE_DEFAULTS). */
    VerticalScaling: { replicas: 2, memoryPerWorkerMib: MEMORY_PER_WORKER_MIB, memCacheSizeMib: MEM_CACHE_SIZE_MIB },
    HorizontalScaling: { targetCpuUtilizationPercent: 70, memoryPerWorkerMib: MEMORY_PER_WORKER_MIB, memCacheSizeMib: MEM_CACHE_SIZE_MIB },
    /** Kong's own: nginx_http_keepalive_requests 10000 (kong_defaults.lua) and nginx's keepalive_time 1h, which Kong does not change. */
    ConnectionRecycling: { maxRequests: 10000, maxAgeSeconds: 3600 },
    LoadBalancer: {
        /** Always written: the AWS Load Balancer Controller's own default is internal. */
        scheme: "internet-facing",
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        crossZone: true,
        backendProtocolVersion: "GRPC",
        /** NLB only; an ALB always uses X-Forwarded-For. */
        clientIpMode: "proxyProtocol",
        /** Every range a VPC may take its private addresses from (RFC 1918 and RFC 6598, as the ELB guide lists for ip targets). */
        vpcCidrs: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"],
        /** AWS recommends a deregistration delay of at least 120 s so in-flight requests complete. */
        drainSeconds: 120,
        /** An hour of silence on a server stream; within the ALB's 4000 and the NLB's 6000 s maximum. */
        idleTimeoutSeconds: 3600,
    },
    IstioMesh: { install: false, strictMtls: false },
    SidecarSize: GATEWAY_SIDECAR,
    KumaMesh: { install: false, meshName: "default", mtls: true, multiZone: false },
    LoadBalancerControllerSettings: { install: false, identity: "irsa" },
    /** Timeouts in seconds: connect is Kong's own 60 s; read and write match LoadBalancer.idleTimeoutSeconds so streams outlive Kong's 60 s. */
    GrpcServiceSpec: {
        port: 50051,
        replicas: 2,
        routeKind: "ingress",
        connectTimeoutSeconds: 60,
        readTimeoutSeconds: 3600,
        writeTimeoutSeconds: 3600,
        grpcWeb: false,
        resources: GRPC_SERVICE_REQUESTS,
    },
    /** Pod Security `restricted` plus a read-only root and a high UID/GID (65532, distroless `nonroot`), which the scanners ask for. */
    ContainerSecurity: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, seccompProfile: "RuntimeDefault" },
    /** Enough for temp files and sockets; the cap stops a runaway writer filling the node's disk. */
    TmpVolume: { sizeLimit: "64Mi", inMemory: false },
    /** ScheduleAnyway: a zone that is full, down or absent (single-zone clusters) must not leave replicas Pending. */
    TopologySpread: { enabled: true, topologyKey: "topology.kubernetes.io/zone", maxSkew: 1, whenUnsatisfiable: "ScheduleAnyway" },
    /** maxUnavailable 1, not minAvailable: it holds at every replica count an autoscaler picks, and never blocks a drain outright. */
    PodDisruptionBudgetSettings: { enabled: true, maxUnavailable: 1 },
    /** warn and audit at restricted show what stands between a namespace and the strictest level; the version is the cluster tier's API server's. */
    PodSecurity: { warn: "restricted", audit: "restricted", version: "v1.34", labels: true },
    RateLimitingPlugin: { policy: "local" },
    /** Kong 3.9's own defaults (kong/tools/redis/schema.lua), written out so the KongPlugin states them; tlsVerify true: verify when TLS is on. */
    RateLimitingRedis: { port: 6379, database: 0, timeoutMilliseconds: 2000, tls: false, tlsVerify: true },
    KeyAuthPlugin: { keyNames: ["apikey"], hideCredentials: true },
    JwtPlugin: { claimsToVerify: ["exp"] },
    HmacAuthPlugin: { enforceHeaders: ["date", "@request-target"] },
    CorsPlugin: { exposedHeaders: ["grpc-status", "grpc-message"], credentials: false },
    KongPlugins: { prometheus: false, authMode: "all" },
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

/** The Kong gateway's container in the pod (kong chart 3.4.1 and 3.2.0 templates/deployment.yaml `- name: "proxy"`); the HPA measures its CPU alone. */
export const KONG_PROXY_CONTAINER = "proxy";

/** Kong gateway container ports (chart defaults). */
export const KONG_PORTS = { proxyHttp: 8000, proxyTls: 8443, status: 8100, statusTls: 8543, proxyServiceHttp: 80, proxyServiceTls: 443 } as const;

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
