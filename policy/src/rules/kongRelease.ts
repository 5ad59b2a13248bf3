// Reads the Kong gateway's settings out of the Helm values of the release meshedge creates. The
// kong/ingress chart (0.24.0) nests the gateway under `gateway:` beside `controller:` (its
// Chart.yaml dependencies alias the kong chart twice); the kong/kong chart (3.4.1) has them at the top.

export interface KongGatewayValues {
    readonly env: Record<string, unknown>;
    readonly resources: { readonly requests?: Record<string, unknown>; readonly limits?: Record<string, unknown> };
    readonly autoscalingEnabled: boolean;
    readonly proxyAnnotations: Record<string, unknown>;
    readonly proxyLoadBalancerClass?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const record = (value: unknown): Record<string, unknown> => (isRecord(value) ? value : {});

/** The gateway part of a Kong release's values, for either chart. */
export function kongGatewayValues(values: unknown): KongGatewayValues {
    const all = record(values);
    const gateway = isRecord(all.gateway) && isRecord(all.controller) ? all.gateway : all;
    const proxy = record(gateway.proxy);
    return {
        env: record(gateway.env),
        resources: record(gateway.resources),
        autoscalingEnabled: record(gateway.autoscaling).enabled === true,
        proxyAnnotations: record(proxy.annotations),
        proxyLoadBalancerClass: typeof proxy.loadBalancerClass === "string" ? proxy.loadBalancerClass : undefined,
    };
}

/** True for a Helm release of a Kong chart (`ingress` or `kong`, by name or a path to the chart's archive). */
export function isKongRelease(type: string, props: Record<string, unknown>): boolean {
    if (type !== "kubernetes:helm.sh/v3:Release" || typeof props.chart !== "string") return false;
    const chart = props.chart.split("/").pop()!.replace(/-\d+\.\d+\.\d+.*\.tgz$/, "");
    return chart === "ingress" || chart === "kong";
}
