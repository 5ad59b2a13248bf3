// Long-lived gRPC streams: the load balancer's idle timeout and Kong's per-service timeouts.
// Order: Kong's read/write timeouts >= the load balancer's idle timeout, so a silent connection is
// ended by the load balancer (clients see a dropped connection, which gRPC retries, and client
// keepalive pings, which Kong does not forward upstream, can hold it open through an NLB); Kong's
// timeouts only end a stream whose service stays silent longer than that. Behind an ALB, Kong's
// client keepalive outlasts the ALB's idle timeout (the ALB guide: target keep-alive longer than the
// idle timeout), so Kong never closes a connection the ALB is about to reuse.
// Sources: KIC v3.5.13 internal/annotations/annotations.go (`konghq.com/connect-timeout`,
// `/read-timeout`, `/write-timeout`, integer ms read by internal/dataplane/kongstate/service.go;
// default 60000 in translator/translate_vars.go), kong 3.9.3 kong/db/schema/typedefs.lua (timeout:
// 0 to 2^31-2 ms) and kong.conf.default / templates/nginx_kong.lua (`nginx_http_*` directives are
// injected into the http block; Kong sets no keepalive_timeout, so nginx's 75 s applies),
// aws-load-balancer-controller v3.5.0 docs/guide/ingress/annotations.md (`load-balancer-attributes`
// `idle_timeout.timeout_seconds`) and docs/guide/service/annotations.md
// (`aws-load-balancer-listener-attributes.${Protocol}-${Port}`: `tcp.idle_timeout.seconds`), the NLB
// guide update-idle-timeout.html (60-6000 s for TCP listeners; TLS listeners fixed at 350 s).
import { INPUT_DEFAULTS, KONG_PORTS, withDefaults } from "../defaults";
import type { GrpcServiceSpecArgs, LoadBalancerArgs as LoadBalancer } from "../generated/schema-types";
import { isWholeNumber, joinPath, Problems } from "./errors";

/** Kong stores timeouts as ms up to 2^31-2; in whole seconds that is at most this. */
export const KONG_TIMEOUT_SECONDS_MAX = Math.floor((2 ** 31 - 2) / 1000);

/** The idle timeout each load balancer accepts (ALB attribute, NLB TCP listener attribute). */
export const IDLE_TIMEOUT_RANGE = { alb: { min: 1, max: 4000 }, nlb: { min: 60, max: 6000 } } as const;

/** Kong's client keepalive behind an ALB: this much longer than the ALB's idle timeout. */
export const KONG_KEEPALIVE_MARGIN_SECONDS = 60;

const SERVICE_TIMEOUT_ANNOTATIONS = {
    connectTimeoutSeconds: "konghq.com/connect-timeout",
    readTimeoutSeconds: "konghq.com/read-timeout",
    writeTimeoutSeconds: "konghq.com/write-timeout",
} as const;

const LISTENER_ATTRIBUTES = "service.beta.kubernetes.io/aws-load-balancer-listener-attributes";

/** Annotations on the Service Kong routes to: Kong Service timeouts in ms. */
export function kongServiceTimeoutAnnotations(given: GrpcServiceSpecArgs): Record<string, string> {
    const spec = withDefaults(given, INPUT_DEFAULTS.GrpcServiceSpec);
    return Object.fromEntries(Object.entries(SERVICE_TIMEOUT_ANNOTATIONS).map(([key, annotation]) => [annotation, String(spec[key as keyof typeof SERVICE_TIMEOUT_ANNOTATIONS] * 1000)]));
}

export function checkServiceTimeouts(problems: Problems, spec: GrpcServiceSpecArgs): void {
    for (const key of Object.keys(SERVICE_TIMEOUT_ANNOTATIONS) as (keyof typeof SERVICE_TIMEOUT_ANNOTATIONS)[]) {
        const seconds = spec[key];
        if (seconds !== undefined && !isWholeNumber(seconds, 1, KONG_TIMEOUT_SECONDS_MAX)) {
            problems.add(key, seconds, `is not a whole number of seconds from 1 to ${KONG_TIMEOUT_SECONDS_MAX} (Kong stores timeouts as ms below 2^31)`, "use e.g. 3600 for streaming RPCs, 30 for unary ones");
        }
    }
}

function idleTimeout(lb: LoadBalancer): number {
    return withDefaults(lb, INPUT_DEFAULTS.LoadBalancer).idleTimeoutSeconds;
}

/** ALB load balancer attributes (`key=value`). */
export function albLoadBalancerAttributes(lb: LoadBalancer): string[] {
    return [`idle_timeout.timeout_seconds=${idleTimeout(lb)}`];
}

/** Every listener-attributes annotation the NLB's ports could have (80 is TCP; 443 is TLS with a certificate, else TCP). */
export const NLB_LISTENER_ATTRIBUTE_KEYS: readonly string[] = [
    `${LISTENER_ATTRIBUTES}.TCP-${KONG_PORTS.proxyServiceHttp}`,
    `${LISTENER_ATTRIBUTES}.TCP-${KONG_PORTS.proxyServiceTls}`,
    `${LISTENER_ATTRIBUTES}.TLS-${KONG_PORTS.proxyServiceTls}`,
];

/** NLB TCP listeners' idle timeout. None under Auto Mode (it cannot set listener attributes); a TLS listener's is fixed. */
export function nlbListenerAttributeAnnotations(lb: LoadBalancer, eksAutoMode: boolean): Record<string, string> {
    if (eksAutoMode) return {};
    // With a certificate 443 is a TLS listener (loadBalancer.ts nlbTerminatesTls), whose idle timeout AWS fixes.
    const ports = lb.certificateArn ? [KONG_PORTS.proxyServiceHttp] : [KONG_PORTS.proxyServiceHttp, KONG_PORTS.proxyServiceTls];
    return Object.fromEntries(ports.map((port) => [`${LISTENER_ATTRIBUTES}.TCP-${port}`, `tcp.idle_timeout.seconds=${idleTimeout(lb)}`]));
}

/** Kong env behind an ALB: nginx's client keepalive longer than the ALB's idle timeout. */
export function kongKeepaliveEnv(lb: LoadBalancer): Record<string, string> {
    return lb.type === "alb" ? { nginx_http_keepalive_timeout: `${idleTimeout(lb) + KONG_KEEPALIVE_MARGIN_SECONDS}s` } : {};
}

export function checkIdleTimeout(problems: Problems, field: string, lb: LoadBalancer, eksAutoMode: boolean): void {
    const seconds = lb.idleTimeoutSeconds;
    if (seconds === undefined || (lb.type !== "alb" && lb.type !== "nlb")) return;
    const range = IDLE_TIMEOUT_RANGE[lb.type];
    if (!isWholeNumber(seconds, range.min, range.max)) {
        problems.add(joinPath(field, "idleTimeoutSeconds"), seconds, `is not a whole number of seconds from ${range.min} to ${range.max} (the ${lb.type.toUpperCase()} idle timeout range)`, "use e.g. 3600");
    }
    if (lb.type === "nlb" && eksAutoMode) {
        problems.add(
            joinPath(field, "idleTimeoutSeconds"),
            seconds,
            "EKS Auto Mode cannot set listener attributes, where an NLB keeps its idle timeout (its TCP listeners stay at 350 s)",
            "remove it and keep streams alive with gRPC keepalive pings more often than every 350 s, or use an ALB",
        );
    }
}
