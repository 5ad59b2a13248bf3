// Kong plugins as KongPlugin resources and consumer credentials as labelled Secrets.
// Every config follows Kong 3.9.3's plugin schemas (kong/plugins/<name>/schema.lua, kong/tools/redis/schema.lua);
// tests/unit/kongPluginSchemas.test.ts validates each config these rules can emit against them.
import { INPUT_DEFAULTS as D, withDefaults } from "../defaults";
import {
    AuthMode,
    RateLimitingPolicy,
    type GrpcServiceSpecArgs as GrpcServiceSpec,
    type KongConsumerArgs as KongConsumer,
    type KongPluginsArgs as KongPlugins,
    type ClusterWideRateLimit,
    type KongSizing,
    type RateLimitingPluginArgs as RateLimitingPlugin,
} from "../generated/schema-types";
import { checkOneOf, isWholeNumber, joinPath, Problems } from "./errors";
import { checkDns1123Label } from "./names";

/**
 * The limit periods in Kong's order (kong 3.9.3 kong/plugins/rate-limiting/schema.lua ORDERED_PERIODS): its
 * `validate_periods_order` refuses a longer period with a lower limit than a shorter one.
 */
export const RATE_LIMIT_PERIODS = ["second", "minute", "hour", "day", "month", "year"] as const;
export type RateLimitPeriod = (typeof RATE_LIMIT_PERIODS)[number];

/**
 * The routes and the consumer a KongPlugin is attached to. `grpc` is the service's gRPC route; `grpcWeb` the
 * http,https route matched by a gRPC-Web Content-Type; `grpcWebPreflight` the OPTIONS route for CORS
 * preflight; `anonymousConsumer` the consumer of authMode `any`.
 */
export type PluginTarget = "grpc" | "grpcWeb" | "grpcWebPreflight" | "anonymousConsumer";

/** A config field filled from a Secret key by KIC (KongPlugin `configPatches`, CRD in ingress chart 0.24.0). */
export interface SecretConfigPatch {
    /** JSON pointer into the plugin config. */
    readonly path: string;
    /** The key of the plugin's Secret that holds the JSON value. */
    readonly key: string;
}

export interface KongPluginSpec {
    /** Suffix of the KongPlugin name (`<service>-<suffix>`). */
    readonly suffix: string;
    /** The Kong plugin name. */
    readonly plugin: string;
    readonly config: Record<string, unknown>;
    readonly targets: readonly PluginTarget[];
    /** Fields whose values come from the plugin's Secret (`<service>-<suffix>`), never from `config`. */
    readonly secretPatches?: readonly SecretConfigPatch[];
}

/** The Kong plugins that authenticate a consumer, in Kong's execution order (PRIORITY: jwt 1450, key-auth 1250, hmac-auth 1030). */
const AUTH_PLUGINS = [
    ["jwt", "jwt"],
    ["keyAuth", "key-auth"],
    ["hmacAuth", "hmac-auth"],
] as const;

/** The anonymous consumer's KongConsumer name suffix; its username is reserved in authMode `any`. */
export const ANONYMOUS_CONSUMER = "anonymous";

/**
 * The Kong username of a service's anonymous consumer. Kong usernames are global across namespaces, so it names
 * both; the dots keep it out of reach of user consumers, whose usernames are DNS-1123 labels.
 */
export function anonymousConsumerUsername(spec: Pick<GrpcServiceSpec, "name" | "namespace">): string {
    return `${ANONYMOUS_CONSUMER}.${spec.name}.${spec.namespace}`;
}

export function enabledAuthPlugins(plugins: KongPlugins | undefined): string[] {
    return AUTH_PLUGINS.filter(([input]) => plugins?.[input] !== undefined).map(([, plugin]) => plugin);
}

/** Whether the service's auth plugins run in Kong's "logical OR" mode (kong 3.9.3 kong/plugins/key-auth/handler.lua logical_OR_authentication). */
export function usesAnonymousConsumer(plugins: KongPlugins | undefined): boolean {
    return withDefaults(plugins ?? {}, D.KongPlugins).authMode === AuthMode.Any && enabledAuthPlugins(plugins).length >= 2;
}

/** The limits set, in Kong's period order. */
export function rateLimitsOf(rl: RateLimitingPlugin): [RateLimitPeriod, number][] {
    return RATE_LIMIT_PERIODS.filter((k) => rl[k] !== undefined).map((k) => [k, rl[k]!]);
}

/** Kong 3.9 `config.redis` (kong/tools/redis/schema.lua) without the password, which comes from the Secret. */
function redisConfig(rl: RateLimitingPlugin): Record<string, unknown> | undefined {
    if (!rl.redis) return undefined;
    const r = withDefaults(rl.redis, D.RateLimitingRedis);
    return {
        host: r.host,
        port: r.port,
        timeout: r.timeoutMilliseconds,
        database: r.database,
        ...(r.username !== undefined ? { username: r.username } : {}),
        ssl: r.tls,
        ssl_verify: r.tls && r.tlsVerify,
        ...(r.tls && r.serverName !== undefined ? { server_name: r.serverName } : {}),
    };
}

/** The Secret key holding the Redis password as JSON (KIC decodes each configPatches value as JSON). */
export const REDIS_PASSWORD_KEY = "password";

/**
 * Every KongPlugin of a service and where it attaches. With `grpcWeb`, cors and grpc-web go on the gRPC-Web
 * routes only; the preflight route gets no auth (browsers send no credentials on preflight) and no rate limit.
 */
export function kongPluginSpecs(spec: Pick<GrpcServiceSpec, "name" | "namespace" | "plugins" | "grpcWeb">): KongPluginSpec[] {
    const plugins = spec.plugins;
    if (!plugins) return [];
    const grpcWeb = spec.grpcWeb ?? D.GrpcServiceSpec.grpcWeb;
    const requestRoutes: PluginTarget[] = grpcWeb ? ["grpc", "grpcWeb"] : ["grpc"];
    const anonymous = usesAnonymousConsumer(plugins) ? { anonymous: anonymousConsumerUsername(spec) } : {};
    const specs: KongPluginSpec[] = [];
    const rl = plugins.rateLimiting;
    if (rl) {
        const policy = rl.policy ?? D.RateLimitingPlugin.policy;
        const redis = redisConfig(rl);
        specs.push({
            suffix: "rate-limiting",
            plugin: "rate-limiting",
            config: { ...Object.fromEntries(rateLimitsOf(rl)), policy, ...(policy === RateLimitingPolicy.Redis && redis ? { redis } : {}) },
            targets: requestRoutes,
            ...(policy === RateLimitingPolicy.Redis && rl.redis?.password !== undefined ? { secretPatches: [{ path: "/redis/password", key: REDIS_PASSWORD_KEY }] } : {}),
        });
    }
    if (plugins.keyAuth) {
        const k = withDefaults(plugins.keyAuth, D.KeyAuthPlugin);
        specs.push({ suffix: "key-auth", plugin: "key-auth", config: { key_names: k.keyNames, hide_credentials: k.hideCredentials, ...anonymous }, targets: requestRoutes });
    }
    if (plugins.jwt) {
        specs.push({ suffix: "jwt", plugin: "jwt", config: { claims_to_verify: withDefaults(plugins.jwt, D.JwtPlugin).claimsToVerify, ...anonymous }, targets: requestRoutes });
    }
    if (plugins.hmacAuth) {
        // hide_credentials is not an input: the signature never needs to reach the service.
        const h = withDefaults(plugins.hmacAuth, D.HmacAuthPlugin);
        specs.push({ suffix: "hmac-auth", plugin: "hmac-auth", config: { enforce_headers: h.enforceHeaders, hide_credentials: true, ...anonymous }, targets: requestRoutes });
    }
    if (anonymous.anonymous !== undefined) {
        // Scoped to the anonymous consumer: whoever no auth plugin recognised is refused. request-termination has no
        // `no_consumer` field (kong 3.9.3 kong/plugins/request-termination/schema.lua), so it may be consumer-scoped.
        specs.push({ suffix: "anonymous-termination", plugin: "request-termination", config: { status_code: 401, message: "Unauthorized" }, targets: ["anonymousConsumer"] });
    }
    if (grpcWeb) {
        // Kong's grpc-web plugin (kong 3.9.3 kong/plugins/grpc-web/handler.lua) turns gRPC-Web into gRPC for the
        // grpc service and answers OPTIONS itself when no cors plugin (PRIORITY 2000, before it) does.
        specs.push({ suffix: "grpc-web", plugin: "grpc-web", config: {}, targets: ["grpcWeb", "grpcWebPreflight"] });
    }
    if (plugins.cors && grpcWeb) {
        const c = withDefaults(plugins.cors, D.CorsPlugin);
        specs.push({
            suffix: "cors",
            plugin: "cors",
            config: {
                origins: c.origins,
                ...(c.headers ? { headers: c.headers } : {}),
                exposed_headers: c.exposedHeaders,
                credentials: c.credentials,
                ...(c.maxAge !== undefined ? { max_age: c.maxAge } : {}),
            },
            targets: ["grpcWeb", "grpcWebPreflight"],
        });
    }
    if (plugins.prometheus) {
        specs.push({ suffix: "prometheus", plugin: "prometheus", config: {}, targets: grpcWeb ? ["grpc", "grpcWeb", "grpcWebPreflight"] : ["grpc"] });
    }
    return specs;
}

/** The KongPlugin names attached to one target, in plugin order. */
export function pluginNamesFor(serviceName: string, specs: readonly KongPluginSpec[], target: PluginTarget, name: (service: string, suffix: string) => string): string[] {
    return specs.filter((s) => s.targets.includes(target)).map((s) => name(serviceName, s.suffix));
}

/** One limit and what it admits across the Kong replicas. */
export interface ClusterWideLimit {
    readonly period: RateLimitPeriod;
    readonly limit: number;
    readonly policy: RateLimitingPolicy;
    readonly minimum: number;
    readonly maximum: number;
}

/**
 * What each limit admits across the cluster. `local` counts in each pod's shared memory (kong 3.9.3
 * kong/plugins/rate-limiting/policies/init.lua `["local"]`, an ngx.shared dict shared by the pod's workers), so
 * the cluster admits up to limit x replicas (x minReplicas..maxReplicas under the HPA); `redis` shares one counter.
 */
export function clusterWideRateLimits(rl: RateLimitingPlugin, sizing: Pick<KongSizing, "replicas" | "minReplicas" | "maxReplicas">): ClusterWideLimit[] {
    const policy = rl.policy ?? D.RateLimitingPlugin.policy;
    const low = sizing.replicas ?? sizing.minReplicas ?? 1;
    const high = sizing.replicas ?? sizing.maxReplicas ?? low;
    return rateLimitsOf(rl).map(([period, limit]) =>
        policy === RateLimitingPolicy.Local ? { period, limit, policy, minimum: limit * low, maximum: limit * high } : { period, limit, policy, minimum: limit, maximum: limit },
    );
}

/** Every service's limits across the cluster: EdgeStack's `rateLimits` output. */
export function servicesRateLimits(services: readonly Pick<GrpcServiceSpec, "name" | "namespace" | "plugins">[], sizing: Pick<KongSizing, "replicas" | "minReplicas" | "maxReplicas">): ClusterWideRateLimit[] {
    return services.flatMap((s) => (s.plugins?.rateLimiting ? clusterWideRateLimits(s.plugins.rateLimiting, sizing).map((l) => ({ service: `${s.namespace}/${s.name}`, ...l })) : []));
}

/** The Kong credential types a consumer carries, and the Secret keys each needs (KIC 3.2+ `konghq.com/credential` label). */
export type CredentialType = "key-auth" | "jwt" | "hmac-auth";

export function consumerCredentialTypes(consumer: KongConsumer): CredentialType[] {
    const types: CredentialType[] = [];
    if (consumer.keyAuthKey !== undefined) types.push("key-auth");
    if (consumer.jwtKey !== undefined || consumer.jwtSecret !== undefined) types.push("jwt");
    if (consumer.hmacSecret !== undefined) types.push("hmac-auth");
    return types;
}

/** Kong's header_name typedef (kong 3.9.3 kong/tools/http.lua validate_header_name). */
const HEADER_NAME = /^[A-Za-z0-9_-]+$/;
/** A hostname or IP without a port (kong 3.9.3 kong/db/schema/typedefs.lua validate_host; an IPv6 address in brackets or bare). */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[?[0-9A-Fa-f]*:[0-9A-Fa-f]*:[0-9A-Fa-f:.]*\]?)$/;
/** An SNI name: a hostname, not an IP (typedefs.lua validate_sni). */
const SNI = /^(?=.*[A-Za-z])[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
/** typedefs.timeout: between 0 and 2^31-2 (0 is refused here: it would wait forever). */
const TIMEOUT_MAX = 2 ** 31 - 2;

function checkRateLimiting(problems: Problems, field: string, rl: RateLimitingPlugin): void {
    const f = (k: string) => joinPath(field, `plugins.rateLimiting${k ? "." + k : ""}`);
    const limits = rateLimitsOf(rl);
    if (limits.length === 0) problems.add(f(""), rl, "sets no limit", `set at least one of ${RATE_LIMIT_PERIODS.join(", ")} (Kong's at_least_one_of check)`);
    for (const [k, v] of limits) {
        if (!isWholeNumber(v, 1)) problems.add(f(k), v, "must be a whole number >= 1", "use a positive request count");
    }
    // Kong's validate_periods_order: every longer period's limit >= every shorter one's.
    for (const [i, [shorter, low]] of limits.entries()) {
        for (const [longer, high] of limits.slice(i + 1)) {
            if (isWholeNumber(low, 1) && isWholeNumber(high, 1) && high < low) {
                problems.add(f(longer), high, `is lower than ${shorter} (${low}); Kong requires second <= minute <= hour <= day <= month <= year`, `raise ${longer} to at least ${low}, or lower ${shorter} to at most ${high}`);
            }
        }
    }
    const policyOk = checkOneOf(problems, f("policy"), rl.policy, RateLimitingPolicy, "rate-limiting policy (Kong without a database has no `cluster` policy)");
    const policy = rl.policy ?? D.RateLimitingPlugin.policy;
    if (policyOk && policy === RateLimitingPolicy.Redis && !rl.redis) {
        problems.add(f("redis"), rl.redis, "is required with policy redis", 'set redis: { host: "redis.example.internal", password: ... }, or use policy local');
    }
    if (policyOk && policy !== RateLimitingPolicy.Redis && rl.redis) {
        problems.add(f("redis"), { host: rl.redis.host }, "is used only by policy redis", 'set policy: "redis", or remove redis');
    }
    const r = rl.redis;
    if (!r) return;
    if (typeof r.host !== "string" || r.host === "" || !HOST.test(r.host)) {
        problems.add(f("redis.host"), r.host, "is not a hostname or IP address without a port", 'use e.g. "redis.cache.svc.cluster.local" and put the port in redis.port');
    }
    if (r.port !== undefined && !isWholeNumber(r.port, 1, 65535)) problems.add(f("redis.port"), r.port, "is not a TCP port", "use a whole number from 1 to 65535 (Redis listens on 6379 by default)");
    if (r.database !== undefined && !isWholeNumber(r.database, 0)) problems.add(f("redis.database"), r.database, "must be a whole number >= 0", "use the Redis database number, e.g. 0");
    if (r.timeoutMilliseconds !== undefined && !isWholeNumber(r.timeoutMilliseconds, 1, TIMEOUT_MAX)) {
        problems.add(f("redis.timeoutMilliseconds"), r.timeoutMilliseconds, `must be a whole number from 1 to ${TIMEOUT_MAX}`, "use e.g. 2000");
    }
    if (r.username !== undefined && (typeof r.username !== "string" || r.username === "")) problems.add(f("redis.username"), r.username, "is empty", "set the ACL username, or remove it");
    if (r.serverName !== undefined && !(typeof r.serverName === "string" && SNI.test(r.serverName))) {
        problems.add(f("redis.serverName"), r.serverName, "is not a DNS name (Kong's SNI check refuses IPs, ports and wildcards)", 'use the name on the Redis certificate, e.g. "redis.example.com"');
    }
    const tls = r.tls ?? D.RateLimitingRedis.tls;
    if (!tls && (r.serverName !== undefined || r.tlsVerify !== undefined)) {
        problems.add(f(r.serverName !== undefined ? "redis.serverName" : "redis.tlsVerify"), r.serverName ?? r.tlsVerify, "applies only with tls", "set redis.tls: true, or remove it");
    }
}

function checkAuthMode(problems: Problems, field: string, plugins: KongPlugins, consumers: readonly KongConsumer[]): void {
    const f = joinPath(field, "plugins.authMode");
    if (!checkOneOf(problems, f, plugins.authMode, AuthMode, "authentication mode")) return;
    if (plugins.authMode !== AuthMode.Any) return;
    const auth = enabledAuthPlugins(plugins);
    if (auth.length < 2) {
        problems.add(f, plugins.authMode, `needs two or more authentication plugins, and ${auth.length === 0 ? "none is" : `only ${auth[0]} is`} enabled`, "enable another of keyAuth, jwt, hmacAuth, or remove authMode");
    }
    for (const [i, consumer] of consumers.entries()) {
        if (consumer.username === ANONYMOUS_CONSUMER) {
            problems.add(joinPath(field, `consumers[${i}].username`), consumer.username, `is reserved for the anonymous consumer of authMode "any"`, "choose another username");
        }
    }
}

function checkPluginFields(problems: Problems, field: string, plugins: KongPlugins, grpcWeb: boolean): void {
    if (plugins.keyAuth?.keyNames !== undefined && plugins.keyAuth.keyNames.length === 0) {
        problems.add(joinPath(field, "plugins.keyAuth.keyNames"), [], "lists no key name, so no request could carry a key", 'leave it unset for ["apikey"], or list the names, e.g. ["x-api-key"]');
    }
    for (const [i, name] of (plugins.keyAuth?.keyNames ?? []).entries()) {
        if (typeof name !== "string" || !HEADER_NAME.test(name)) {
            problems.add(joinPath(field, `plugins.keyAuth.keyNames[${i}]`), name, "is not a header name Kong accepts (A-Z, a-z, 0-9, '_', '-')", 'use e.g. "apikey" or "x-api-key"');
        }
    }
    const claims = plugins.jwt?.claimsToVerify ?? [];
    for (const [i, claim] of claims.entries()) {
        if (claim !== "exp" && claim !== "nbf") problems.add(joinPath(field, `plugins.jwt.claimsToVerify[${i}]`), claim, "is not a claim Kong's jwt plugin verifies", 'use "exp" and/or "nbf"');
        else if (claims.indexOf(claim) !== i) problems.add(joinPath(field, `plugins.jwt.claimsToVerify[${i}]`), claim, "is listed twice (Kong stores the claims as a set)", "list each claim once");
    }
    const cors = plugins.cors;
    if (!cors) return;
    if (!grpcWeb) {
        problems.add(
            joinPath(field, "plugins.cors"),
            { origins: cors.origins },
            "needs grpcWeb: browsers speak gRPC-Web, and Kong answers a non-gRPC request on a gRPC route 415 (HTTP/1.1 gRPC-Web 426) before any plugin runs",
            "set grpcWeb: true on the service (cors then applies to its gRPC-Web route), or remove cors",
        );
    }
    if (!Array.isArray(cors.origins) || cors.origins.length === 0) {
        problems.add(joinPath(field, `plugins.cors.origins`), cors.origins, "lists no origin", 'add the allowed origins, e.g. ["https://app.example.com"]');
    }
    for (const [i, origin] of (Array.isArray(cors.origins) ? cors.origins : []).entries()) {
        if (origin !== "*" && !isRegex(origin)) problems.add(joinPath(field, `plugins.cors.origins[${i}]`), origin, "is neither * nor a valid regex (Kong's cors origin check)", 'use "*", an origin such as "https://app.example.com", or a regex');
    }
    if (cors.maxAge !== undefined && !isWholeNumber(cors.maxAge, 0)) problems.add(joinPath(field, "plugins.cors.maxAge"), cors.maxAge, "must be a whole number of seconds >= 0", "use e.g. 3600");
}

function isRegex(value: unknown): boolean {
    if (typeof value !== "string" || value === "") return false;
    try {
        new RegExp(value);
        return true;
    } catch {
        return false;
    }
}

export function checkPluginsAndConsumers(problems: Problems, field: string, plugins: KongPlugins | undefined, consumers: readonly KongConsumer[] | undefined, grpcWeb = false): void {
    if (plugins?.rateLimiting) checkRateLimiting(problems, field, plugins.rateLimiting);
    if (plugins) {
        checkPluginFields(problems, field, plugins, grpcWeb);
        checkAuthMode(problems, field, plugins, consumers ?? []);
    }
    const seen = new Set<string>();
    for (const [i, consumer] of (consumers ?? []).entries()) {
        const f = joinPath(field, `consumers[${i}]`);
        checkDns1123Label(problems, joinPath(f, `username`), consumer.username);
        if (seen.has(consumer.username)) problems.add(joinPath(f, `username`), consumer.username, "is listed twice", "give each consumer one entry with all its credentials");
        seen.add(consumer.username);
        const types = consumerCredentialTypes(consumer);
        if (types.length === 0) problems.add(f, { username: consumer.username }, "has no credential", "set keyAuthKey, jwtKey + jwtSecret, or hmacSecret");
        const needs: [CredentialType, keyof KongPlugins, string][] = [
            ["key-auth", "keyAuth", "keyAuthKey"],
            ["jwt", "jwt", "jwtKey/jwtSecret"],
            ["hmac-auth", "hmacAuth", "hmacSecret"],
        ];
        for (const [type, plugin, key] of needs) {
            if (types.includes(type) && !plugins?.[plugin]) {
                problems.add(joinPath(f, `${key}`), "(secret)", `is a ${type} credential but the ${plugin} plugin is not enabled on this service`, `enable plugins.${plugin} or remove the credential`);
            }
        }
        if ((consumer.jwtKey === undefined) !== (consumer.jwtSecret === undefined)) {
            problems.add(joinPath(f, `jwtSecret`), "(secret)", "a JWT credential needs both jwtKey (iss) and jwtSecret", "set both or neither");
        }
    }
}
