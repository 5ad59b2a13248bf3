// The client's address at Kong. Behind an ALB every request comes from an ALB node, which appends the
// client to X-Forwarded-For; behind an NLB with ip targets over TCP/TLS the source is the NLB's
// private address unless the target group preserves the client's or sends proxy protocol v2.
// Sources: kong 3.9.3 kong.conf.default (`trusted_ips`, `real_ip_header`, `real_ip_recursive`,
// `status_listen` "proxy_protocol"), kong chart 3.4.1 / 3.2.0 values.yaml (`env`, `proxy.http.parameters`,
// `proxy.tls.parameters`, `status.tls`), aws-load-balancer-controller v3.5.0
// docs/guide/service/annotations.md ("proxy-protocol", "target-group-attributes"), EKS user guide
// automode/auto-configure-nlb.adoc (proxy-protocol annotation "Not supported", use
// `proxy_protocol_v2.enabled=true` in the target group attributes) and the NLB guide
// load-balancer-target-groups.md ("Health check connections": the header is sent on them too).
import { isIPv4, isIPv6 } from "net";
import { INPUT_DEFAULTS, KONG_PORTS, withDefaults } from "../defaults";
import { ClientIpMode, type LoadBalancerArgs as LoadBalancer } from "../generated/schema-types";
import { checkOneOf, joinPath, Problems } from "./errors";

/** The controller's proxy protocol annotation; its only valid value is `*` (EKS Auto Mode does not read it). */
export const PROXY_PROTOCOL_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-proxy-protocol";

/** Where Kong reads the client's address: ALB X-Forwarded-For, or the NLB's mode. */
export type ClientAddressSource = "xForwardedFor" | ClientIpMode;

export function clientAddressSource(given: LoadBalancer): ClientAddressSource {
    if (given.type === "alb") return "xForwardedFor";
    return withDefaults(given, INPUT_DEFAULTS.LoadBalancer).clientIpMode as ClientIpMode;
}

export function usesProxyProtocol(lb: LoadBalancer): boolean {
    return clientAddressSource(lb) === "proxyProtocol";
}

/**
 * Kong settings (chart `env`, rendered as KONG_*). `trusted_ips` becomes nginx `set_real_ip_from`:
 * only a connection from those ranges may name another client. ALB: the address the ALB appended
 * last to X-Forwarded-For, so `real_ip_recursive` stays off (recursion would skip clients inside the
 * trusted private ranges and fall back to an earlier, client-supplied entry). NLB with proxy
 * protocol: the header's source address.
 */
export function kongClientAddressEnv(given: LoadBalancer): Record<string, string> {
    const lb = withDefaults(given, INPUT_DEFAULTS.LoadBalancer);
    const trusted_ips = lb.vpcCidrs.join(",");
    switch (clientAddressSource(given)) {
        case "xForwardedFor":
            return { trusted_ips, real_ip_header: "X-Forwarded-For", real_ip_recursive: "off" };
        case "proxyProtocol":
            return { trusted_ips, real_ip_header: "proxy_protocol", real_ip_recursive: "off" };
        default:
            // The packet's source is the client (preserveClientIp) or the NLB (none): nothing to trust.
            return {};
    }
}

/** Extra listen parameters of Kong's proxy ports: with proxy protocol every connection must start with the header. */
export function proxyListenParameters(lb: LoadBalancer): string[] {
    return usesProxyProtocol(lb) ? ["proxy_protocol"] : [];
}

/**
 * Where the NLB health check goes. The NLB sends the proxy protocol header on health-check connections
 * too, so with proxy protocol it cannot probe the plain status port the kubelet's probes use; it
 * probes Kong's TLS status listener, which parses the header (an NLB does not validate target certificates).
 */
export function nlbHealthCheckTarget(lb: LoadBalancer): { readonly protocol: "http" | "https"; readonly port: number } {
    return usesProxyProtocol(lb) ? { protocol: "https", port: KONG_PORTS.statusTls } : { protocol: "http", port: KONG_PORTS.status };
}

/** Chart values `{ status }`: the TLS status listener for the NLB's proxy-protocol health checks (Kong generates its certificate); else none. */
export function kongStatusValues(lb: LoadBalancer): { status?: Record<string, unknown> } {
    if (!usesProxyProtocol(lb)) return {};
    return { status: { tls: { enabled: true, containerPort: KONG_PORTS.statusTls, parameters: ["proxy_protocol"] } } };
}

/** Annotations of the NLB Service for the mode; the dedicated proxy protocol annotation outside Auto Mode. */
export function nlbClientAddressAnnotations(lb: LoadBalancer, eksAutoMode: boolean): Record<string, string> {
    return usesProxyProtocol(lb) && !eksAutoMode ? { [PROXY_PROTOCOL_ANNOTATION]: "*" } : {};
}

/**
 * Target group attributes (`key=value`) for the mode. Client IP preservation is written even when off
 * (its default for ip targets over TCP/TLS), so the target group states what Kong expects. Under Auto
 * Mode proxy protocol is a target group attribute, as the EKS user guide directs.
 */
export function nlbClientAddressTargetGroupAttributes(lb: LoadBalancer, eksAutoMode: boolean): string[] {
    switch (clientAddressSource(lb)) {
        case "proxyProtocol":
            return [...(eksAutoMode ? ["proxy_protocol_v2.enabled=true"] : []), "preserve_client_ip.enabled=false"];
        case "preserveClientIp":
            return ["preserve_client_ip.enabled=true"];
        default:
            return ["preserve_client_ip.enabled=false"];
    }
}

/** An IPv4 or IPv6 CIDR block, `address/prefix`. */
export function isCidr(value: string): boolean {
    const m = /^([^/]+)\/(\d{1,3})$/.exec(value);
    if (!m) return false;
    const prefix = Number(m[2]);
    if (isIPv4(m[1])) return prefix <= 32;
    return isIPv6(m[1]) && prefix <= 128;
}

export function checkClientAddress(problems: Problems, field: string, lb: LoadBalancer): void {
    checkOneOf(problems, joinPath(field, "clientIpMode"), lb.clientIpMode, ClientIpMode, "client IP mode");
    if (lb.type === "alb" && lb.clientIpMode !== undefined) {
        problems.add(joinPath(field, "clientIpMode"), lb.clientIpMode, "applies to an NLB only (an ALB always passes the client in X-Forwarded-For)", 'remove it, or use type "nlb"');
    }
    if (lb.vpcCidrs === undefined) return;
    if (lb.vpcCidrs.length === 0) {
        problems.add(joinPath(field, "vpcCidrs"), lb.vpcCidrs, "is empty, so Kong would trust no load balancer and log only the load balancer's addresses", "list your VPC's CIDR blocks, or remove vpcCidrs for the private ranges");
    }
    lb.vpcCidrs.forEach((cidr, i) => {
        if (typeof cidr !== "string" || !isCidr(cidr)) {
            problems.add(joinPath(field, `vpcCidrs[${i}]`), cidr, "is not a CIDR block", 'write it as "10.0.0.0/16" (or an IPv6 block such as "2600:1f18::/56")');
        }
    });
}
