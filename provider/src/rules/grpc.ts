// gRPC routing through Kong: Service and route annotations, path rules and GRPCRoute matches.
import { INPUT_DEFAULTS } from "../defaults";
import { RouteKind, type GrpcServiceSpecArgs as GrpcServiceSpec, type MeshKind } from "../generated/schema-types";
import { checkOneOf, INT32_MAX, isWholeNumber, joinPath, Problems } from "./errors";
import { checkDns1123Label } from "./names";
import { checkWorkloadSecurity } from "./podSecurity";

/** RFC 1123 hostnames, and the Gateway API `Hostname` type's maxLength (v1.6.1 CRDs). */
const HOSTNAME_MAX = 253;

/** GRPCRoute `spec.hostnames` maxItems and `rules[].matches` maxItems (Gateway API v1.6.1 standard CRDs). */
const GRPC_ROUTE_LIMITS = { hostnames: 16, matches: 64 } as const;

/** `/<package>.<Service>/` or `/<package>.<Service>/<Method>`: what gRPC puts in the :path header. */
const GRPC_PATH = /^\/([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\/([A-Za-z_][A-Za-z0-9_]*)?$/;

/**
 * Kong reads the upstream protocol from `konghq.com/protocol` (not appProtocol). In a mesh, Kong
 * targets the Service IP so the sidecar balances each request; without a mesh Kong balances over
 * pod IPs itself, which a ClusterIP (per-connection) would undo.
 */
export function grpcServiceAnnotations(mesh: MeshKind): Record<string, string> {
    const annotations: Record<string, string> = { "konghq.com/protocol": "grpc" };
    if (mesh !== "none") annotations["ingress.kubernetes.io/service-upstream"] = "true";
    return annotations;
}

/** Client-facing protocols on the route, and the upstream Host left to Kong so the mesh matches the Service. */
export function grpcRouteAnnotations(pluginNames: readonly string[]): Record<string, string> {
    const annotations: Record<string, string> = {
        "konghq.com/protocols": "grpc,grpcs",
        "konghq.com/preserve-host": "false",
    };
    if (pluginNames.length > 0) annotations["konghq.com/plugins"] = pluginNames.join(",");
    return annotations;
}

/**
 * The gRPC-Web routes: protocols http,https (Kong answers a non-gRPC request on a grpc,grpcs route 415, and an
 * HTTP/1.1 gRPC request 426, before any plugin runs: kong 3.9.3 kong/runloop/handler.lua lines 1284-1300).
 * Kong's router does not match on protocols, neither `traditional`, which both pinned charts configure
 * (kong/router/traditional.lua MATCH_RULES), nor `traditional_compatible` (kong/router/transform.lua
 * get_expression), so the same paths on both routes would collide. Each gRPC-Web route adds one criterion,
 * which also ranks it above the gRPC route (traditional: categories sorted by match_weight; transform.lua
 * get_priority: match_weight): `request` matches a gRPC-Web Content-Type (`~*` marks a regex, matched against
 * the lowercased header: traditional.lua lines 400-405 and 980), `preflight` matches OPTIONS, which native
 * gRPC never sends.
 */
export const GRPC_WEB_CONTENT_TYPE = "~*^application/grpc-web";

export function grpcWebRouteAnnotations(pluginNames: readonly string[], kind: "request" | "preflight"): Record<string, string> {
    const annotations: Record<string, string> = {
        "konghq.com/protocols": "http,https",
        "konghq.com/preserve-host": "false",
        ...(kind === "request" ? { "konghq.com/headers.content-type": GRPC_WEB_CONTENT_TYPE } : { "konghq.com/methods": "OPTIONS" }),
    };
    if (pluginNames.length > 0) annotations["konghq.com/plugins"] = pluginNames.join(",");
    return annotations;
}

export interface GrpcMethodMatch {
    readonly service: string;
    readonly method?: string;
}

/** The service and (for a full-method path) the method of a gRPC path. */
export function grpcMethodMatch(path: string): GrpcMethodMatch {
    const m = GRPC_PATH.exec(path);
    if (!m) throw new Error(`not a gRPC path: ${path}`);
    return m[2] ? { service: m[1], method: m[2] } : { service: m[1] };
}

/** A gRPC path's only regex metacharacter is the dot between package and service names (GRPC_PATH). */
const escapeDots = (name: string) => name.replace(/\./g, "\\.");

/**
 * The Kong path a full-method path must become for exact-method semantics: `~/<pkg\.Svc>/<Method>$`.
 * Kong regex paths are anchored at the start only, so without `$` a route for `/pkg.Svc/Say` would
 * also take `/pkg.Svc/SayHello`.
 */
export function kongExactMethodRegex(match: Required<GrpcMethodMatch>): string {
    return `/${escapeDots(match.service)}/${match.method}$`;
}

export interface GrpcRouteMethodMatch {
    readonly type: "Exact" | "RegularExpression";
    readonly service: string;
    readonly method?: string;
}

/**
 * GRPCRoute `matches[].method` for a gRPC path. KIC 3.5 with Kong's default router
 * (kubernetes-ingress-controller v3.5.13 internal/dataplane/translator/subtranslator/grpcroute.go,
 * GenerateKongRoutesFromGRPCRouteRule) turns every method match into the Kong path
 * `~/<service>/<method>` with no `$`: `Exact` with a method is a prefix match on it, and the service's
 * dots are regex wildcards. So:
 * - a service prefix `/pkg.Svc/` stays `Exact` with the service only (`~/pkg.Svc/`: every method of the
 *   service, which is what a prefix means; Core support in Gateway API);
 * - a full method `/pkg.Svc/Method` becomes `RegularExpression` with the dots escaped and `$` after the
 *   method: `~/pkg\.Svc/Method$` there, and `^/pkg\.Svc/Method$` under the expressions router
 *   (grpcroute_atc.go methodMatcherFromGRPCRegexMethodMatch), exact in both.
 */
export function grpcRouteMethodMatch(path: string): GrpcRouteMethodMatch {
    const match = grpcMethodMatch(path);
    if (match.method === undefined) return { type: "Exact", service: match.service };
    return { type: "RegularExpression", service: escapeDots(match.service), method: `${match.method}$` };
}

export interface IngressPath {
    readonly path: string;
    readonly pathType: "ImplementationSpecific";
}

/**
 * The Ingress path for a gRPC path (KIC 3.5, subtranslator/ingress.go PathsFromIngressPaths and
 * MaybePrependRegexPrefix; ingress_atc.go pathMatcherFromIngressPath for the expressions router):
 * - a service prefix is an ImplementationSpecific path, which KIC passes to Kong as a plain
 *   (literal) prefix path;
 * - a full method is an ImplementationSpecific path with KIC's regex prefix `/~`, which KIC turns into
 *   the Kong regex path `~/pkg\.Svc/Method$` (expressions router: `^/pkg\.Svc/Method$`), the same
 *   exact match the GRPCRoute gets. (pathType Exact would give `~/pkg.Svc/Method$`, whose unescaped
 *   dots also match other service names.)
 */
export function ingressPath(path: string): IngressPath {
    const match = grpcMethodMatch(path);
    if (match.method === undefined) return { path, pathType: "ImplementationSpecific" };
    return { path: `${KIC_REGEX_PATH_PREFIX}${kongExactMethodRegex({ service: match.service, method: match.method })}`, pathType: "ImplementationSpecific" };
}

/** KIC's default marker for an Ingress regex path (subtranslator_vars.go ControllerPathRegexPrefix), replaced by Kong's `~`. */
export const KIC_REGEX_PATH_PREFIX = "/~";

export function grpcPort(spec: GrpcServiceSpec): number {
    return spec.port ?? INPUT_DEFAULTS.GrpcServiceSpec.port;
}

export function checkGrpcService(problems: Problems, field: string, spec: GrpcServiceSpec): void {
    checkDns1123Label(problems, joinPath(field, `name`), spec.name);
    checkDns1123Label(problems, joinPath(field, `namespace`), spec.namespace);
    if (spec.port !== undefined && !isWholeNumber(spec.port, 1, 65535)) {
        problems.add(joinPath(field, `port`), spec.port, "is not a TCP port", "use a whole number from 1 to 65535 (gRPC services commonly use 50051)");
    }
    // A Deployment's replicas is an int32 (k8s.io/api apps/v1 DeploymentSpec).
    if (spec.replicas !== undefined && !isWholeNumber(spec.replicas, 0, INT32_MAX)) {
        problems.add(joinPath(field, `replicas`), spec.replicas, `must be a whole number from 0 to ${INT32_MAX}`, "use e.g. 2");
    }
    if (spec.replicas !== undefined && spec.image === undefined) {
        problems.add(joinPath(field, `replicas`), spec.replicas, "applies only when meshedge creates the Deployment", "set image too, or remove replicas");
    }
    checkWorkloadSecurity(problems, field, spec);
    if (!Array.isArray(spec.paths) || spec.paths.length === 0) {
        problems.add(joinPath(field, `paths`), spec.paths, "a gRPC service needs at least one route path", 'add the gRPC service prefix, e.g. ["/helloworld.Greeter/"]');
    }
    for (const [i, path] of (spec.paths ?? []).entries()) {
        if (!GRPC_PATH.test(path)) {
            problems.add(joinPath(field, `paths[${i}]`), path, "is not a gRPC path", 'use "/<package>.<Service>/" (e.g. "/helloworld.Greeter/") or "/<package>.<Service>/<Method>"');
        }
    }
    for (const [i, host] of (spec.hosts ?? []).entries()) {
        if (host.length > HOSTNAME_MAX || !/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(host)) {
            problems.add(joinPath(field, `hosts[${i}]`), host, `is not a DNS hostname of at most ${HOSTNAME_MAX} characters`, 'use a lowercase hostname such as "grpc.example.com" or "*.example.com"');
        }
    }
    checkOneOf(problems, joinPath(field, `routeKind`), spec.routeKind, RouteKind, "route kind");
    if (spec.routeKind === "grpcRoute") {
        const hosts = spec.hosts?.length ?? 0;
        const paths = spec.paths?.length ?? 0;
        if (hosts > GRPC_ROUTE_LIMITS.hostnames) {
            problems.add(joinPath(field, "hosts"), `${hosts} hosts`, `a GRPCRoute holds at most ${GRPC_ROUTE_LIMITS.hostnames} hostnames`, "split the service's hosts over several services, or use a wildcard host");
        }
        if (paths > GRPC_ROUTE_LIMITS.matches) {
            problems.add(joinPath(field, "paths"), `${paths} paths`, `a GRPCRoute rule holds at most ${GRPC_ROUTE_LIMITS.matches} matches (one per path)`, "route a service prefix (/pkg.Service/) instead of single methods");
        }
    }
}

/** Two services may not share a name in a namespace, nor claim the same host + path. */
export function checkServicesAreDistinct(problems: Problems, field: string, specs: readonly GrpcServiceSpec[]): void {
    const names = new Map<string, number>();
    const routes = new Map<string, number>();
    specs.forEach((spec, i) => {
        const key = `${spec.namespace}/${spec.name}`;
        if (names.has(key)) {
            problems.add(joinPath(field, `[${i}].name`), spec.name, `duplicates ${field}[${names.get(key)}] in namespace ${spec.namespace}`, "give each service a unique name per namespace");
        } else {
            names.set(key, i);
        }
        for (const host of spec.hosts?.length ? spec.hosts : ["*"]) {
            for (const path of spec.paths ?? []) {
                const route = `${host}${path}`;
                if (routes.has(route) && routes.get(route) !== i) {
                    problems.add(joinPath(field, `[${i}].paths`), path, `host ${host} path ${path} is already routed to ${field}[${routes.get(route)}]`, "route each gRPC service prefix to exactly one service");
                } else {
                    routes.set(route, i);
                }
            }
        }
    });
}
