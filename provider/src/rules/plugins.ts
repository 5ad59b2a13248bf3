// Kong plugins as KongPlugin resources and consumer credentials as labelled Secrets.
import { INPUT_DEFAULTS as D, withDefaults } from "../defaults";
import type { KongConsumerArgs as KongConsumer, KongPlugins } from "../generated/schema-types";
import { joinPath, Problems } from "./errors";
import { checkDns1123Label } from "./names";

export interface KongPluginSpec {
    /** Suffix of the KongPlugin name (`<service>-<suffix>`). */
    readonly suffix: string;
    /** The Kong plugin name. */
    readonly plugin: string;
    readonly config: Record<string, unknown>;
}

export function kongPluginSpecs(plugins: KongPlugins | undefined): KongPluginSpec[] {
    if (!plugins) return [];
    const specs: KongPluginSpec[] = [];
    const rl = plugins.rateLimiting;
    if (rl) {
        const limits = Object.fromEntries((["second", "minute", "hour", "day"] as const).filter((k) => rl[k] !== undefined).map((k) => [k, rl[k]]));
        specs.push({ suffix: "rate-limiting", plugin: "rate-limiting", config: { ...limits, policy: rl.policy ?? D.RateLimitingPlugin.policy } });
    }
    if (plugins.keyAuth) {
        const k = withDefaults(plugins.keyAuth, D.KeyAuthPlugin);
        specs.push({ suffix: "key-auth", plugin: "key-auth", config: { key_names: k.keyNames, hide_credentials: k.hideCredentials } });
    }
    if (plugins.jwt) {
        specs.push({ suffix: "jwt", plugin: "jwt", config: { claims_to_verify: withDefaults(plugins.jwt, D.JwtPlugin).claimsToVerify } });
    }
    if (plugins.hmacAuth) {
        // hide_credentials is not an input: the signature never needs to reach the service.
        specs.push({ suffix: "hmac-auth", plugin: "hmac-auth", config: { enforce_headers: withDefaults(plugins.hmacAuth, D.HmacAuthPlugin).enforceHeaders, hide_credentials: true } });
    }
    if (plugins.cors) {
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
        });
    }
    if (plugins.prometheus) {
        specs.push({ suffix: "prometheus", plugin: "prometheus", config: {} });
    }
    return specs;
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

export function checkPluginsAndConsumers(problems: Problems, field: string, plugins: KongPlugins | undefined, consumers: readonly KongConsumer[] | undefined): void {
    const rl = plugins?.rateLimiting;
    if (rl) {
        const limits = (["second", "minute", "hour", "day"] as const).filter((k) => rl[k] !== undefined);
        if (limits.length === 0) {
            problems.add(joinPath(field, `plugins.rateLimiting`), rl, "sets no limit", "set at least one of second, minute, hour, day");
        }
        for (const k of limits) {
            if (!Number.isInteger(rl[k]) || rl[k]! < 1) problems.add(joinPath(field, `plugins.rateLimiting.${k}`), rl[k], "must be a whole number >= 1", "use a positive request count");
        }
    }
    if (plugins?.cors && (!Array.isArray(plugins.cors.origins) || plugins.cors.origins.length === 0)) {
        problems.add(joinPath(field, `plugins.cors.origins`), plugins.cors.origins, "lists no origin", 'add the allowed origins, e.g. ["https://app.example.com"]');
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
