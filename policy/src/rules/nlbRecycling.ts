// Horizontal scaling behind an NLB: the NLB balances connections, not gRPC calls, so new pods get load
// only when clients reconnect. meshedge allows it only with acceptL4Imbalance and then recycles
// connections (provider/src/defaults.ts L4_HORIZONTAL_RECYCLING); this policy holds every stack to it.
import { L4_HORIZONTAL_RECYCLING } from "../../../provider/src/defaults";
import { AUTO_MODE_NLB_CLASS } from "../../../provider/src/rules/loadBalancer";
import { KongGatewayValues } from "./kongRelease";
import { nginxSeconds } from "./quantities";

export interface NlbRecyclingPolicyConfig {
    readonly maxRequests: number;
    readonly maxAgeSeconds: number;
}

export const NLB_RECYCLING_DEFAULTS: NlbRecyclingPolicyConfig = L4_HORIZONTAL_RECYCLING;

/**
 * An NLB fronts the proxy Service when the type annotation asks for one (aws-load-balancer-controller
 * v2.13.0 docs/guide/service/annotations.md#lb-type: `external`, or the deprecated `nlb-ip`; `nlb` is the
 * in-tree cloud provider's NLB) or EKS Auto Mode's NLB class is set.
 */
export function frontedByNlb(gateway: KongGatewayValues): boolean {
    const type = gateway.proxyAnnotations["service.beta.kubernetes.io/aws-load-balancer-type"];
    return ["external", "nlb", "nlb-ip"].includes(String(type)) || gateway.proxyLoadBalancerClass === AUTO_MODE_NLB_CLASS;
}

/** Why the gateway's connections are not recycled often enough for an HPA behind an NLB; empty when they are, or when the rule does not apply. */
export function nlbRecyclingViolations(gateway: KongGatewayValues, config: NlbRecyclingPolicyConfig): string[] {
    if (!gateway.autoscalingEnabled || !frontedByNlb(gateway)) return [];
    const found: string[] = [];
    const requests = Number(gateway.env.nginx_http_keepalive_requests);
    if (!Number.isFinite(requests) || requests > config.maxRequests) {
        found.push(`env.nginx_http_keepalive_requests is ${JSON.stringify(gateway.env.nginx_http_keepalive_requests)}: set connectionRecycling.maxRequests to ${config.maxRequests} or fewer so connections move to new pods`);
    }
    const seconds = nginxSeconds(gateway.env.nginx_http_keepalive_time);
    if (seconds === undefined || seconds > config.maxAgeSeconds) {
        found.push(`env.nginx_http_keepalive_time is ${JSON.stringify(gateway.env.nginx_http_keepalive_time)}: set connectionRecycling.maxAgeSeconds to ${config.maxAgeSeconds} or fewer so connections move to new pods`);
    }
    return found;
}
