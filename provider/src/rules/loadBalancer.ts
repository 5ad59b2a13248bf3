// Load balancer wiring: the NLB annotations on Kong's proxy Service and the ALB Ingress in front of
// it, as the AWS Load Balancer Controller (or EKS Auto Mode) reads them.
import type * as pulumi from "@pulumi/pulumi";
import { ALB_HEALTH_CHECK_DEFAULTS, INPUT_DEFAULTS, KONG_PORTS, LBC_ALB_INGRESS_CLASS, withDefaults } from "../defaults";
import { BackendProtocolVersion, LoadBalancerScheme, LoadBalancerType, type LoadBalancerArgs as LoadBalancer } from "../generated/schema-types";
import { checkClientAddress, nlbClientAddressAnnotations, nlbClientAddressTargetGroupAttributes, nlbHealthCheckTarget, PROXY_PROTOCOL_ANNOTATION } from "./clientAddress";
import { checkDrain, deregistrationDelayAttribute } from "./drain";
import { checkOneOf, joinPath, Problems } from "./errors";
import { isQualifiedName } from "./names";
import { albLoadBalancerAttributes, checkIdleTimeout, NLB_LISTENER_ATTRIBUTE_KEYS, nlbListenerAttributeAnnotations } from "./streamTimeouts";

type Annotations = Record<string, pulumi.Input<string>>;

const SVC = "service.beta.kubernetes.io/";
const ALB = "alb.ingress.kubernetes.io/";

/**
 * What owns the load balancer, so protectLoadBalancer protects it: with an NLB the Kong release (the
 * chart renders the proxy Service of type LoadBalancer, for which the AWS Load Balancer Controller creates
 * the NLB: kong chart 3.4.1 / ingress 0.24.0 values.yaml `proxy.type: LoadBalancer`); with an ALB the
 * Ingress meshedge creates (the controller creates the ALB per Ingress or IngressGroup). Deleting either
 * makes the controller delete the load balancer, and its DNS name goes with it.
 */
export function loadBalancerOwner(type: "nlb" | "alb"): "kongRelease" | "albIngress" {
    return type === "alb" ? "albIngress" : "kongRelease";
}

export const AUTO_MODE_NLB_CLASS = "eks.amazonaws.com/nlb";
export const AUTO_MODE_ALB_CONTROLLER = "eks.amazonaws.com/alb";

/** The NLB TLS listener's annotations, set from certificateArn and sslPolicy. */
const NLB_TLS = {
    certificate: `${SVC}aws-load-balancer-ssl-cert`,
    ports: `${SVC}aws-load-balancer-ssl-ports`,
    policy: `${SVC}aws-load-balancer-ssl-negotiation-policy`,
    alpn: `${SVC}aws-load-balancer-alpn-policy`,
} as const;

/** Annotations EKS Auto Mode's load balancing does not honour (EKS user guide, auto-networking / migrate-auto). */
export const AUTO_MODE_UNSUPPORTED_ANNOTATIONS: readonly string[] = [
    `${SVC}load-balancer-source-ranges`,
    `${SVC}aws-load-balancer-type`,
    `${SVC}aws-load-balancer-internal`,
    `${SVC}aws-load-balancer-proxy-protocol`,
    `${SVC}aws-load-balancer-access-log-enabled`,
    `${SVC}aws-load-balancer-access-log-s3-bucket-name`,
    `${SVC}aws-load-balancer-access-log-s3-bucket-prefix`,
    `${SVC}aws-load-balancer-access-log-emit-interval`,
    `${SVC}aws-load-balancer-cross-zone-load-balancing-enabled`,
    "kubernetes.io/ingress.class",
    `${ALB}group.name`,
    `${ALB}waf-acl-id`,
    `${ALB}web-acl-id`,
    `${ALB}shield-advanced-protection`,
];

/**
 * Annotation values EKS Auto Mode does not support although it reads the annotation (EKS user guide
 * automode/auto-configure-alb.adoc, "Ingress annotations": `auth-type: oidc` "OIDC Auth Type is
 * currently not supported").
 */
export const AUTO_MODE_UNSUPPORTED_ANNOTATION_VALUES: readonly { readonly key: string; readonly value: string; readonly fix: string }[] = [
    {
        key: `${ALB}auth-type`,
        value: "oidc",
        fix: "remove it and authenticate in Kong (the service's jwt, key-auth or hmac-auth plugins), or run the AWS Load Balancer Controller instead (eksAutoMode: false)",
    },
];

export function checkLoadBalancer(problems: Problems, field: string, lb: LoadBalancer | undefined, eksAutoMode: boolean): void {
    if (!lb) {
        problems.add(field, lb, "is required", 'set loadBalancer: { type: "nlb" } or { type: "alb", certificateArn: "arn:aws:acm:..." }');
        return;
    }
    if (lb.type === undefined || !checkOneOf(problems, joinPath(field, `type`), lb.type, LoadBalancerType, "load balancer type")) return;
    checkOneOf(problems, joinPath(field, `scheme`), lb.scheme, LoadBalancerScheme, "scheme");
    if (lb.type === "alb" && (lb.certificateArn === undefined || lb.certificateArn === "")) {
        problems.add(
            joinPath(field, `certificateArn`),
            lb.certificateArn,
            "an ALB forwards gRPC only from an HTTPS listener, which needs an ACM certificate",
            "set certificateArn to an ACM certificate ARN for the gRPC hostnames (or use an NLB)",
        );
    }
    if (typeof lb.certificateArn === "string" && lb.certificateArn !== "" && !lb.certificateArn.startsWith("arn:")) {
        problems.add(joinPath(field, `certificateArn`), lb.certificateArn, "is not an ARN", 'use the ACM certificate ARN, "arn:aws:acm:<region>:<account>:certificate/<id>"');
    }
    if (lb.type === "nlb") {
        for (const key of ["ingressClassName", "backendProtocolVersion", "healthCheckPath", "healthCheckSuccessCodes"] as const) {
            if (lb[key] !== undefined) {
                problems.add(joinPath(field, `${key}`), lb[key], "applies to an ALB only", `remove it, or use type "alb"`);
            }
        }
    }
    checkClientAddress(problems, field, lb);
    checkDrain(problems, field, lb);
    checkIdleTimeout(problems, field, lb, eksAutoMode);
    // The annotation checks below need a known version (its health-check defaults).
    if (!checkOneOf(problems, joinPath(field, `backendProtocolVersion`), lb.backendProtocolVersion, BackendProtocolVersion, "protocol version")) return;
    const ruleKeys = new Set(lb.type === "nlb" ? [...Object.keys(nlbServiceAnnotations(lb, eksAutoMode)), ...nlbKeysOwnedInEveryMode(eksAutoMode)] : Object.keys(albIngressAnnotations(lb)));
    for (const key of Object.keys(lb.annotations ?? {})) {
        // The API server rejects an object whose annotation key is not a qualified name.
        if (!isQualifiedName(key)) {
            problems.add(joinPath(field, `annotations[${JSON.stringify(key)}]`), lb.annotations![key], "is not a valid annotation key (an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.')", 'write it like "service.beta.kubernetes.io/aws-load-balancer-name"');
        }
        if (ruleKeys.has(key)) {
            problems.add(joinPath(field, `annotations["${key}"]`), lb.annotations![key], "is set by meshedge's load balancer rules", "use the typed loadBalancer field for it instead of an annotation");
        }
        if (eksAutoMode && AUTO_MODE_UNSUPPORTED_ANNOTATIONS.includes(key)) {
            problems.add(joinPath(field, `annotations["${key}"]`), lb.annotations![key], "is not supported by EKS Auto Mode's load balancing", "remove it (Auto Mode uses loadBalancerClass, IngressClassParams and aws-load-balancer-attributes instead)");
        }
        const value = lb.annotations![key];
        const unsupported = AUTO_MODE_UNSUPPORTED_ANNOTATION_VALUES.find((u) => u.key === key && typeof value === "string" && value.trim().toLowerCase() === u.value);
        if (eksAutoMode && unsupported) {
            problems.add(joinPath(field, `annotations["${key}"]`), value, `"${unsupported.value}" is not supported by EKS Auto Mode's load balancing`, unsupported.fix);
        }
    }
}

/**
 * NLB keys the rules own whatever the inputs: TLS (TLS at the NLB also switches the proxy's target
 * port), and outside Auto Mode proxy protocol (it needs Kong's listeners and health check to match)
 * and the listeners' attributes (the idle timeout). Under Auto Mode the rules set none of the latter.
 */
function nlbKeysOwnedInEveryMode(eksAutoMode: boolean): string[] {
    return [...Object.values(NLB_TLS), ...(eksAutoMode ? [] : [PROXY_PROTOCOL_ANNOTATION, ...NLB_LISTENER_ATTRIBUTE_KEYS])];
}

/**
 * NLB through the Kong proxy Service. Target type `ip` (the controller defaults to instance), the
 * scheme always explicit (its default is internal), cross-zone via load balancer attributes, and
 * TLS at the NLB with ALPN HTTP2Preferred, without which gRPC clients fail the ALPN check. The
 * target group drains for `drainSeconds` and hands Kong the client address (clientAddress.ts); the
 * health check follows it. Attribute lists use the controller's `key=value,key=value` form.
 */
export function nlbServiceAnnotations(given: LoadBalancer, eksAutoMode: boolean): Annotations {
    const lb = withDefaults(given, INPUT_DEFAULTS.LoadBalancer);
    const healthCheck = nlbHealthCheckTarget(given);
    const annotations: Annotations = {
        [`${SVC}aws-load-balancer-nlb-target-type`]: "ip",
        [`${SVC}aws-load-balancer-scheme`]: lb.scheme,
        [`${SVC}aws-load-balancer-attributes`]: `load_balancing.cross_zone.enabled=${lb.crossZone}`,
        [`${SVC}aws-load-balancer-target-group-attributes`]: [deregistrationDelayAttribute(given), ...nlbClientAddressTargetGroupAttributes(given, eksAutoMode)].join(","),
        [`${SVC}aws-load-balancer-healthcheck-protocol`]: healthCheck.protocol,
        [`${SVC}aws-load-balancer-healthcheck-port`]: String(healthCheck.port),
        [`${SVC}aws-load-balancer-healthcheck-path`]: "/status/ready",
        ...nlbClientAddressAnnotations(given, eksAutoMode),
        ...nlbListenerAttributeAnnotations(given, eksAutoMode),
    };
    if (!eksAutoMode) annotations[`${SVC}aws-load-balancer-type`] = "external";
    if (lb.certificateArn) {
        annotations[NLB_TLS.certificate] = lb.certificateArn;
        annotations[NLB_TLS.ports] = String(KONG_PORTS.proxyServiceTls);
        annotations[NLB_TLS.policy] = lb.sslPolicy;
        annotations[NLB_TLS.alpn] = "HTTP2Preferred";
    }
    return annotations;
}

/** `spec.loadBalancerClass` of the proxy Service: Auto Mode's built-in NLB; otherwise the controller picks it up by annotation. */
export function nlbLoadBalancerClass(eksAutoMode: boolean): string | undefined {
    return eksAutoMode ? AUTO_MODE_NLB_CLASS : undefined;
}

/** NLB TLS termination forwards decrypted HTTP/2 to Kong's cleartext port instead of its TLS port. */
export function nlbTerminatesTls(lb: LoadBalancer): boolean {
    return lb.type === "nlb" && !!lb.certificateArn;
}

/**
 * ALB Ingress to Kong's TLS port with a gRPC (or HTTP/2) target group. The default health check is a
 * gRPC call Kong always answers: 0 when a service implements grpc.health.v1, 5/12 when Kong replies
 * itself, so a live gateway is healthy without depending on one backend.
 */
export function albIngressAnnotations(given: LoadBalancer): Annotations {
    const lb = withDefaults(given, INPUT_DEFAULTS.LoadBalancer);
    const grpc = lb.backendProtocolVersion === "GRPC";
    const healthCheck = ALB_HEALTH_CHECK_DEFAULTS[lb.backendProtocolVersion];
    const annotations: Annotations = {
        [`${ALB}scheme`]: lb.scheme,
        [`${ALB}target-type`]: "ip",
        [`${ALB}listen-ports`]: JSON.stringify([{ HTTPS: KONG_PORTS.proxyServiceTls }]),
        [`${ALB}ssl-policy`]: lb.sslPolicy,
        [`${ALB}backend-protocol`]: "HTTPS",
        [`${ALB}backend-protocol-version`]: lb.backendProtocolVersion,
        [`${ALB}healthcheck-protocol`]: grpc ? "HTTPS" : "HTTP",
        [`${ALB}healthcheck-path`]: lb.healthCheckPath ?? healthCheck.path,
        [`${ALB}success-codes`]: lb.healthCheckSuccessCodes ?? healthCheck.successCodes,
        [`${ALB}target-group-attributes`]: deregistrationDelayAttribute(given),
        [`${ALB}load-balancer-attributes`]: albLoadBalancerAttributes(given).join(","),
    };
    if (!grpc) annotations[`${ALB}healthcheck-port`] = String(KONG_PORTS.status);
    if (lb.certificateArn) annotations[`${ALB}certificate-arn`] = lb.certificateArn;
    return annotations;
}

export function albIngressClassName(lb: LoadBalancer, eksAutoMode: boolean, autoModeClassName: string): string {
    return lb.ingressClassName ?? (eksAutoMode ? autoModeClassName : LBC_ALB_INGRESS_CLASS);
}
