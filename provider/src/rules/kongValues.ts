// The Kong Helm values the rules produce: sizing, worker count, mesh annotations and proxy wiring.
// builders/helmRelease.ts merges them over the user's `values`, so the rules always win. Keys follow
// the pinned charts' values.yaml: kong/ingress 0.24.0 (`controller.ingressController`, `gateway.*`)
// and kong/kong 3.4.1 (top level).
import type * as pulumi from "@pulumi/pulumi";
import { KONG_PORTS, KONG_PROXY_CONTAINER, ResolvedKongGateway } from "../defaults";
import type { ContainerResources, KongChart, KongSizing, LoadBalancerArgs as LoadBalancer } from "../generated/schema-types";
import { kongClientAddressEnv, kongStatusValues, proxyListenParameters } from "./clientAddress";
import { kongDrainValues } from "./drain";
import { nlbLoadBalancerClass, nlbServiceAnnotations, nlbTerminatesTls } from "./loadBalancer";
import { gatewaySidecarSize, kongControllerPodAnnotations, kongGatewayPodAnnotations } from "./mesh";
import { kongKeepaliveEnv } from "./streamTimeouts";

/** The KongGateway inputs (defaults applied) the values are made from, and the sizing the rules chose. */
export type KongValuesInputs = Pick<ResolvedKongGateway, "chart" | "loadBalancer" | "eksAutoMode" | "meshKind" | "meshSidecar" | "controllerResources" | "ingressClassName"> & {
    readonly sizing: KongSizing;
    /** Kuma: the ContainerPatch (in kuma-system) that sizes the gateway pods' sidecar, which the pods name. */
    readonly kumaSidecarPatch?: string;
};

/** Requests equal limits: nginx sizes itself from the worker count, and Guaranteed QoS keeps the CPUs it counts on. */
export function gatewayResources(sizing: KongSizing): ContainerResources {
    const amounts = { cpu: String(sizing.cpuPerPod), memory: `${sizing.memoryPerPodMib}Mi` };
    return { requests: amounts, limits: amounts };
}

function scalingValues(sizing: KongSizing): Record<string, unknown> {
    const pdb = sizing.podDisruptionBudget ? { enabled: true, maxUnavailable: 1 } : { enabled: false };
    if (!sizing.horizontalPodAutoscaler) {
        return { replicaCount: sizing.replicas, autoscaling: { enabled: false }, podDisruptionBudget: pdb };
    }
    // The charts render `metrics` under autoscaling/v2 and ignore targetCPUUtilizationPercentage there (kong chart 3.4.1
    // and 3.2.0 templates/hpa.yaml), so only `metrics` is set. A ContainerResource metric on Kong's container: a
    // `Resource` metric would average the mesh sidecar's CPU in and the HPA would scale late.
    const cpu = { name: "cpu", container: KONG_PROXY_CONTAINER, target: { type: "Utilization", averageUtilization: sizing.targetCpuUtilizationPercent } };
    return {
        autoscaling: { enabled: true, minReplicas: sizing.minReplicas, maxReplicas: sizing.maxReplicas, metrics: [{ type: "ContainerResource", containerResource: cpu }] },
        podDisruptionBudget: pdb,
    };
}

/**
 * Kong settings (chart `env.*`, KONG_* variables) the sizing decides. nginx_http_* entries are injected as
 * directives into nginx's http block, which the proxy server inherits (developer.konghq.com/gateway/nginx-directives;
 * kong 3.9.3 kong/templates/nginx_kong.lua "injected nginx_http_* directives"); for HTTP/2 nginx 1.25 sends GOAWAY once
 * a connection reaches keepalive_requests or keepalive_time (src/http/v2/ngx_http_v2.c).
 */
export function kongSizingEnv(sizing: KongSizing): Record<string, string> {
    const recycling = sizing.connectionRecycling;
    return {
        // Never "auto": inside a container nginx counts the node's cores, not the CPU limit.
        nginx_worker_processes: String(sizing.workersPerPod),
        mem_cache_size: `${sizing.memCacheSizeMib}m`,
        nginx_http_keepalive_requests: String(recycling.maxRequests),
        nginx_http_keepalive_time: `${recycling.maxAgeSeconds}s`,
    };
}

function proxyValues(lb: LoadBalancer, eksAutoMode: boolean): Record<string, unknown> {
    // Port 8000 also speaks HTTP/2 cleartext, so gRPC works without TLS and behind NLB TLS termination.
    const extra = proxyListenParameters(lb);
    const http = { parameters: ["http2", ...extra] };
    if (lb.type === "alb") return { type: "ClusterIP", http };
    // Proxy protocol (clientAddress.ts) on the TLS listener too, beside the chart's own `http2`.
    const tls = {
        ...(extra.length > 0 ? { parameters: ["http2", ...extra] } : {}),
        ...(nlbTerminatesTls(lb) ? { overrideServiceTargetPort: KONG_PORTS.proxyHttp } : {}),
    };
    const annotations: Record<string, pulumi.Input<string>> = { ...(lb.annotations ?? {}), ...nlbServiceAnnotations(lb, eksAutoMode) };
    const loadBalancerClass = nlbLoadBalancerClass(eksAutoMode);
    return {
        type: "LoadBalancer",
        annotations,
        ...(loadBalancerClass ? { loadBalancerClass } : {}),
        http,
        ...(Object.keys(tls).length > 0 ? { tls } : {}),
    };
}

/** Values of the Kong gateway (the `gateway` subchart of kong/ingress, or the top level of kong/kong). */
export function kongGatewayValues(i: KongValuesInputs): Record<string, unknown> {
    return {
        ...scalingValues(i.sizing),
        resources: gatewayResources(i.sizing),
        env: { ...kongSizingEnv(i.sizing), ...kongClientAddressEnv(i.loadBalancer), ...kongKeepaliveEnv(i.loadBalancer) },
        podAnnotations: kongGatewayPodAnnotations(i.meshKind, gatewaySidecarSize(i.meshSidecar), i.kumaSidecarPatch),
        proxy: proxyValues(i.loadBalancer, i.eksAutoMode),
        ...kongStatusValues(i.loadBalancer),
        ...kongDrainValues(i.loadBalancer),
        manager: KONG_MANAGER_OFF,
    };
}

/**
 * Kong Manager's Service off: both charts create it by default as a NodePort (kong chart 3.4.1 and
 * 3.2.0 values.yaml `manager.enabled: true`, `type: NodePort`), which opens the admin GUI on every
 * node; with the ingress controller's DB-less configuration there is nothing to manage through it.
 * kube-score's service-type check found it (docs/security.md).
 */
const KONG_MANAGER_OFF = { enabled: false } as const;

export function kongHelmValues(i: KongValuesInputs): Record<string, unknown> {
    const controller = { ingressClass: i.ingressClassName, resources: i.controllerResources };
    return i.chart === "ingress"
        ? { controller: { ingressController: controller, podAnnotations: kongControllerPodAnnotations(i.meshKind) }, gateway: kongGatewayValues(i) }
        : { ...kongGatewayValues(i), ingressController: controller };
}

/** Names the charts give the Helm-rendered objects, so the stack can point at them. */
export function kongProxyServiceName(chart: KongChart, releaseName: string): string {
    return chart === "ingress" ? `${releaseName}-gateway-proxy` : `${releaseName}-kong-proxy`;
}
