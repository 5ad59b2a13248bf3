// What the AWS Load Balancer Controller should make of a Service's or an Ingress's annotations, as
// the controller reads them (sigs.k8s.io/aws-load-balancer-controller@v0.0.0-20260423195125-93ff3b5fdaad
// = 3.2.2: pkg/annotations/constants.go for the names; pkg/service/model_build_listener.go,
// model_build_target_group.go, model_build_load_balancer.go for NLBs; pkg/ingress/model_build_*.go
// for ALBs), and the shape of moto's answers (scripts/lib/moto_aws.py describe = boto3's
// DescribeLoadBalancers/Listeners/TargetGroups and their *Attributes).
import { KubeObject } from "../../scripts/lib/kube-client";

export interface MotoListener {
    readonly ListenerArn: string;
    readonly Port: number;
    readonly Protocol: string;
    readonly SslPolicy?: string;
    readonly Certificates?: { CertificateArn: string }[];
    readonly AlpnPolicy?: string[];
    readonly DefaultActions: { Type: string; TargetGroupArn?: string; ForwardConfig?: { TargetGroups?: { TargetGroupArn: string; Weight?: number }[] } }[];
    readonly Attributes: Record<string, string>;
}

export interface MotoLoadBalancer {
    readonly LoadBalancerArn: string;
    readonly DNSName: string;
    readonly Type: string;
    readonly Scheme: string;
    readonly VpcId: string;
    readonly AvailabilityZones: { ZoneName: string; SubnetId: string }[];
    readonly Attributes: Record<string, string>;
    readonly Listeners: MotoListener[];
    readonly Tags: Record<string, string>;
}

export interface MotoTargetGroup {
    readonly TargetGroupArn: string;
    readonly Protocol: string;
    readonly ProtocolVersion?: string;
    readonly Port: number;
    readonly VpcId: string;
    readonly TargetType: string;
    readonly HealthCheckProtocol: string;
    readonly HealthCheckPort: string;
    readonly HealthCheckPath?: string;
    readonly Matcher?: { HttpCode?: string; GrpcCode?: string };
    readonly Attributes: Record<string, string>;
    readonly Targets: unknown[];
    readonly Tags: Record<string, string>;
}

export interface MotoState {
    readonly loadBalancers: MotoLoadBalancer[];
    readonly targetGroups: MotoTargetGroup[];
}

const SVC = "service.beta.kubernetes.io/";
const ALB = "alb.ingress.kubernetes.io/";

export interface HealthCheck {
    readonly protocol: string;
    readonly port: string;
    readonly path: string | undefined;
}

export interface ExpectedListener {
    readonly protocol: string;
    readonly port: number;
    readonly certificateArn?: string;
    readonly sslPolicy?: string;
    readonly alpnPolicy?: string[];
}

/** `k1=v1,k2=v2` (the controller's stringMap annotation format, pkg/annotations/parser.go ParseStringMapAnnotation). */
export function parseStringMap(value: string | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    for (const pair of (value ?? "").split(",").map((p) => p.trim()).filter((p) => p !== "")) {
        const eq = pair.indexOf("=");
        if (eq <= 0) throw new Error(`not a key=value pair: "${pair}" in "${value}"`);
        out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
    return out;
}

function list(value: string | undefined): string[] {
    return (value ?? "").split(",").map((p) => p.trim()).filter((p) => p !== "");
}

/** Whether the Service's TLS annotation covers this port: by number or name, `*`, or every port when unset (model_build_listener.go). */
export function sslPortMatches(service: KubeObject, port: number): boolean {
    const annotations = service.metadata.annotations ?? {};
    const ports = list(annotations[`${SVC}aws-load-balancer-ssl-ports`]);
    if (ports.length === 0 || ports.includes("*")) return true;
    const spec = (service.spec.ports as KubeObject[]).find((p) => p.port === port);
    return ports.includes(String(port)) || (spec?.name !== undefined && ports.includes(spec.name));
}

/** The NLB the controller builds for a Service of type LoadBalancer. */
export function nlbExpectations(service: KubeObject): { scheme: string; targetType: string; listeners: ExpectedListener[]; healthCheck: HealthCheck } {
    const a: Record<string, string> = service.metadata.annotations ?? {};
    const certificateArn = list(a[`${SVC}aws-load-balancer-ssl-cert`])[0];
    const listeners = (service.spec.ports as KubeObject[]).map((p): ExpectedListener => {
        const tls = certificateArn !== undefined && sslPortMatches(service, p.port);
        if (!tls) return { protocol: p.protocol ?? "TCP", port: p.port };
        return {
            protocol: "TLS",
            port: p.port,
            certificateArn,
            // Defaults of model_build_listener.go when the annotations are absent.
            sslPolicy: a[`${SVC}aws-load-balancer-ssl-negotiation-policy`] ?? "ELBSecurityPolicy-2016-08",
            alpnPolicy: list(a[`${SVC}aws-load-balancer-alpn-policy`]),
        };
    });
    const hcProtocol = (a[`${SVC}aws-load-balancer-healthcheck-protocol`] ?? "TCP").toUpperCase();
    return {
        scheme: a[`${SVC}aws-load-balancer-scheme`] ?? "internal",
        targetType: a[`${SVC}aws-load-balancer-nlb-target-type`] ?? "instance",
        listeners,
        healthCheck: {
            protocol: hcProtocol,
            port: a[`${SVC}aws-load-balancer-healthcheck-port`] ?? "traffic-port",
            path: hcProtocol === "TCP" ? undefined : (a[`${SVC}aws-load-balancer-healthcheck-path`] ?? "/"),
        },
    };
}

/** The ALB the controller builds for an Ingress (one Ingress, no group). */
export function albExpectations(ingress: KubeObject): {
    scheme: string;
    targetType: string;
    listeners: ExpectedListener[];
    certificateArn: string | undefined;
    sslPolicy: string;
    backendProtocol: string;
    backendProtocolVersion: string;
    healthCheck: HealthCheck;
    matcher: { HttpCode?: string; GrpcCode?: string };
} {
    const a: Record<string, string> = ingress.metadata.annotations ?? {};
    const listenPorts: Record<string, number>[] = JSON.parse(a[`${ALB}listen-ports`] ?? '[{"HTTP": 80}]');
    const listeners = listenPorts.flatMap((entry) => Object.entries(entry).map(([protocol, port]) => ({ protocol, port })));
    const backendProtocolVersion = a[`${ALB}backend-protocol-version`] ?? "HTTP1";
    const successCodes = a[`${ALB}success-codes`] ?? (backendProtocolVersion === "GRPC" ? "12" : "200");
    return {
        scheme: a[`${ALB}scheme`] ?? "internal",
        targetType: a[`${ALB}target-type`] ?? "instance",
        listeners,
        certificateArn: list(a[`${ALB}certificate-arn`])[0],
        sslPolicy: a[`${ALB}ssl-policy`] ?? "ELBSecurityPolicy-2016-08",
        backendProtocol: a[`${ALB}backend-protocol`] ?? "HTTP",
        backendProtocolVersion,
        healthCheck: {
            protocol: a[`${ALB}healthcheck-protocol`] ?? a[`${ALB}backend-protocol`] ?? "HTTP",
            port: a[`${ALB}healthcheck-port`] ?? "traffic-port",
            path: a[`${ALB}healthcheck-path`] ?? (backendProtocolVersion === "GRPC" ? "/AWS.ALB/healthcheck" : "/"),
        },
        matcher: backendProtocolVersion === "GRPC" ? { GrpcCode: successCodes } : { HttpCode: successCodes },
    };
}

export interface ExpectedAttributes {
    readonly loadBalancer: Record<string, string>;
    readonly targetGroup: Record<string, string>;
    /** By `<PROTOCOL>-<port>`, the annotation's own listener key. */
    readonly listeners: Record<string, Record<string, string>>;
}

/**
 * Every attribute the object's annotations set, whatever the rules put there: load balancer,
 * target group and listener attribute maps, plus the single-purpose annotations that the
 * controller turns into attributes (proxy protocol, the deprecated cross-zone switch).
 */
export function attributeExpectations(object: KubeObject): ExpectedAttributes {
    const a: Record<string, string> = object.metadata.annotations ?? {};
    const service = object.kind === "Service";
    const prefix = service ? `${SVC}aws-load-balancer-` : ALB;
    const loadBalancer = parseStringMap(a[`${prefix}${service ? "attributes" : "load-balancer-attributes"}`]);
    const targetGroup = parseStringMap(a[`${prefix}target-group-attributes`]);
    if (service) {
        // model_build_load_balancer.go: the deprecated annotation maps to the same attribute.
        const crossZone = a[`${SVC}aws-load-balancer-cross-zone-load-balancing-enabled`];
        if (crossZone !== undefined) loadBalancer["load_balancing.cross_zone.enabled"] = crossZone;
        // model_build_target_group.go: proxy-protocol "*" enables PROXY v2 on every target group.
        if (a[`${SVC}aws-load-balancer-proxy-protocol`] === "*") targetGroup["proxy_protocol_v2.enabled"] = "true";
    }
    const listeners: Record<string, Record<string, string>> = {};
    const listenerPrefix = `${prefix}listener-attributes.`;
    for (const [key, value] of Object.entries(a)) {
        if (key.startsWith(listenerPrefix)) listeners[key.slice(listenerPrefix.length)] = parseStringMap(value);
    }
    return { loadBalancer, targetGroup, listeners };
}
