// The Kong Helm values the rules produce: sizing, worker count, mesh annotations and proxy wiring.
// builders/helmRelease.ts merges them over the user's `values`, so the rules always win. Keys follow
// the pinned charts' values.yaml: kong/ingress 0.24.0 (`controller.ingressController`, `gateway.*`)
// and kong/kong 3.4.1 (top level).
import type * as pulumi from "@pulumi/pulumi";
import { KONG_PORTS, ResolvedKongGateway } from "../defaults";
import type { ContainerResources, KongChart, KongSizing, LoadBalancerArgs as LoadBalancer } from "../generated/schema-types";
import { kongClientAddressEnv, kongStatusValues, proxyListenParameters } from "./clientAddress";
import { kongDrainValues } from "./drain";
import { nlbLoadBalancerClass, nlbServiceAnnotations, nlbTerminatesTls } from "./loadBalancer";
import { kongControllerPodAnnotations, kongGatewayPodAnnotations } from "./mesh";
import { kongKeepaliveEnv } from "./streamTimeouts";

/** The KongGateway inputs (defaults applied) the values are made from, and the sizing the rules chose. */
export type KongValuesInputs = Pick<ResolvedKongGateway, "chart" | "loadBalancer" | "eksAutoMode" | "meshKind" | "controllerResources" | "ingressClassName"> & {
    readonly sizing: KongSizing;
};

/** Requests equal limits: nginx sizes itself from the worker count, and Guaranteed QoS keeps the CPUs it counts on. */
export function gatewayResources(sizing: KongSizing): ContainerResources {
    const amounts = { cpu: String(sizing.cpuPerPod), memory: `${sizing.memoryPerPodMiB}Mi` };
    return { requests: amounts, limits: amounts };
}

function scalingValues(sizing: KongSizing): Record<string, unknown> {
    const pdb = sizing.podDisruptionBudget ? { enabled: true, maxUnavailable: 1 } : { enabled: false };
    if (!sizing.horizontalPodAutoscaler) {
        return { replicaCount: sizing.replicas, autoscaling: { enabled: false }, podDisruptionBudget: pdb };
    }
    return {
        autoscaling: {
            enabled: true,
            minReplicas: sizing.minReplicas,
            maxReplicas: sizing.maxReplicas,
            targetCPUUtilizationPercentage: sizing.targetCpuUtilizationPercent,
            metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: sizing.targetCpuUtilizationPercent } } }],
        },
        podDisruptionBudget: pdb,
    };
}

function proxyValues(lb: LoadBalancer, eksAutoMode: boolean): Record<string, unknown> {
    // Port 8000 also speaks HTTP/2 cleartext, so gRPC works without TLS and behind NLB TLS termination.
    const http = { parameters: ["http2", ...proxyListenParameters(lb)] };
    if (lb.type === "alb") return { type: "ClusterIP", http };
    // Proxy protocol (clientAddress.ts) on the TLS listener too, beside the chart's own `http2`.
    const tls = {
        ...(proxyListenParameters(lb).length > 0 ? { parameters: ["http2", ...proxyListenParameters(lb)] } : {}),
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
        // Never "auto": inside a container nginx counts the node's cores, not the CPU limit.
        env: { nginx_worker_processes: String(i.sizing.workersPerPod), ...kongClientAddressEnv(i.loadBalancer), ...kongKeepaliveEnv(i.loadBalancer) },
        podAnnotations: kongGatewayPodAnnotations(i.meshKind),
        proxy: proxyValues(i.loadBalancer, i.eksAutoMode),
        ...kongStatusValues(i.loadBalancer),
        ...kongDrainValues(i.loadBalancer),
    };
}

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
