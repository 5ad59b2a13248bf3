// Every default the rules apply, in one place, so the README and the schema descriptions can be checked against it.
import versions from "../../versions.json";

export const pinnedCharts = versions.charts;

/** Kong recommends about 500 MB per nginx worker; 512 MiB is the default and 500 the floor. */
export const MEMORY_PER_WORKER_MIB_DEFAULT = 512;
export const MEMORY_PER_WORKER_MIB_MIN = 500;

/** More workers than this per pod is almost certainly a typo (nginx gains nothing past the node's cores). */
export const CPU_PER_POD_MAX = 64;

/** Vertical defaults when `auto` resolves to vertical without a `vertical` object: the chart's 2 workers, one pod per AZ pair. */
export const VERTICAL_DEFAULTS = { cpu: 2, replicas: 2 } as const;

/** Horizontal defaults when `auto` resolves to horizontal without a `horizontal` object. */
export const HORIZONTAL_DEFAULTS = { minReplicas: 2, maxReplicasFloor: 10, targetCpuUtilizationPercent: 70 } as const;

/** The ingress controller is small and sized separately from the gateway; requests are required by the HPA. */
export const CONTROLLER_RESOURCES_DEFAULT = {
    requests: { cpu: "100m", memory: "256Mi" },
    limits: { cpu: "500m", memory: "256Mi" },
} as const;

export const KONG_NAMESPACE_DEFAULT = "kong";
export const KONG_INGRESS_CLASS_DEFAULT = "kong";
export const GRPC_PORT_DEFAULT = 50051;
export const GRPC_REPLICAS_DEFAULT = 2;
export const SSL_POLICY_DEFAULT = "ELBSecurityPolicy-TLS13-1-2-2021-06";
export const KUMA_MESH_DEFAULT = "default";
/** Where the mesh control planes are installed (the charts' documented namespaces). */
export const ISTIO_SYSTEM_NAMESPACE = "istio-system";
export const KUMA_SYSTEM_NAMESPACE = "kuma-system";

/** Kong gateway container ports (chart defaults). */
export const KONG_PORTS = { proxyHttp: 8000, proxyTls: 8443, status: 8100, proxyServiceHttp: 80, proxyServiceTls: 443 } as const;

export const LBC = {
    namespace: "kube-system",
    serviceAccount: "aws-load-balancer-controller",
} as const;
