// Everything the Kong release and what fronts it are given, computed from validated KongGateway
// inputs by the rules alone (no resources): the sizing, the chart and its typed values, the names.
import { INPUT_DEFAULTS, pinnedCharts, withDefaults } from "../defaults";
import type { KongGatewayArgs, KongSizing } from "../generated/schema-types";
import type { HelmReleaseSpec } from "./chartSource";
import { kongHelmValues, kongProxyServiceName } from "./kongValues";
import { albIngressClassName, loadBalancerOwner } from "./loadBalancer";
import { gatewaySidecarSize, kumaSidecarPatchName, kumaSidecarPatchSpec } from "./mesh";
import { childName } from "./names";
import { computeKongSizing } from "./sizing";

export interface KongGatewayPlan {
    readonly releaseName: string;
    readonly namespace: string;
    readonly sizing: KongSizing;
    /** The Kong release: the rules' values, with the user's `values` merged under them. */
    readonly release: HelmReleaseSpec;
    readonly proxyServiceName: string;
    readonly ingressClassName: string;
    readonly waitForReady: boolean;
    /** protectLoadBalancer: which object gets Pulumi's `protect` (the one owning the NLB or ALB), if any. */
    readonly protect: { readonly release: boolean; readonly albIngress: boolean };
    /** ALB only: the Ingress in front of Kong, and its IngressClass (created by the stack under Auto Mode when unnamed). */
    readonly alb?: { readonly ingressName: string; readonly className: string; readonly createClass: boolean };
    /** With gatewayApi: the Gateway (and GatewayClass) GRPCRoutes attach to. */
    readonly gatewayName?: string;
    /** Kuma only: the ContainerPatch in kuma-system that sizes the gateway pods' sidecar; it must exist before the pods. */
    readonly kumaSidecarPatch?: { readonly name: string; readonly spec: ReturnType<typeof kumaSidecarPatchSpec> };
}

export function planKongGateway(name: string, given: KongGatewayArgs): KongGatewayPlan {
    const args = withDefaults(given, INPUT_DEFAULTS.KongGateway);
    const kumaSidecarPatch = args.meshKind === "kuma" ? { name: kumaSidecarPatchName(name), spec: kumaSidecarPatchSpec(gatewaySidecarSize(args.meshSidecar)) } : undefined;
    const sizing = computeKongSizing({ ...args, loadBalancerType: args.loadBalancer.type });
    const albName = childName(name, "alb");
    return {
        releaseName: name,
        namespace: args.namespace,
        sizing,
        release: {
            releaseName: name,
            namespace: args.namespace,
            chart: args.chart === "ingress" ? pinnedCharts.kongIngress : pinnedCharts.kong,
            chartSource: args.chartSource,
            values: kongHelmValues({ ...args, sizing, kumaSidecarPatch: kumaSidecarPatch?.name }),
            userValues: args.values,
            waitForReady: args.waitForReady,
        },
        proxyServiceName: kongProxyServiceName(args.chart, name),
        ingressClassName: args.ingressClassName,
        waitForReady: args.waitForReady,
        protect: {
            release: args.protectLoadBalancer && loadBalancerOwner(args.loadBalancer.type) === "kongRelease",
            albIngress: args.protectLoadBalancer && loadBalancerOwner(args.loadBalancer.type) === "albIngress",
        },
        alb:
            args.loadBalancer.type === "alb"
                ? {
                      ingressName: albName,
                      className: albIngressClassName(args.loadBalancer, args.eksAutoMode, albName),
                      createClass: args.eksAutoMode && args.loadBalancer.ingressClassName === undefined,
                  }
                : undefined,
        gatewayName: args.gatewayApi ? name : undefined,
        kumaSidecarPatch,
    };
}
