// Every KongPlugin config meshedge can emit validates against Kong 3.9.3's own plugin schemas, and the
// validator refuses what Kong refuses (policy "cluster" without a database, misordered periods, ...).
// data: tests/fixtures/kong-plugin-schemas/*.json, derived from Kong/kong tag 3.9.3
// kong/plugins/<name>/schema.lua, kong/tools/redis/schema.lua and kong/db/schema/typedefs.lua (each file names
// its source). The validator follows kong/db/schema/init.lua: defaults filled first (nested records included),
// unknown fields refused, then type, one_of, between, gt, len_min, starts_with, custom validators, required,
// the record's custom_validator and the entity checks. Error texts are Kong's (init.lua validation_errors).
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import type { GrpcServiceSpecArgs, KongPluginsArgs, RateLimitingPluginArgs } from "../../provider/src/generated/schema-types";
import { Problems } from "../../provider/src/rules/errors";
import { checkPluginsAndConsumers, kongPluginSpecs, KongPluginSpec, PluginTarget } from "../../provider/src/rules/plugins";
import { repoRoot } from "../../scripts/lib/repo-root";

type Json = Record<string, any>;
interface FieldDef {
    type?: string;
    typedef?: string;
    ref?: string;
    default?: unknown;
    required?: boolean;
    one_of?: unknown[];
    between?: [number, number];
    gt?: number;
    len_min?: number;
    starts_with?: string;
    elements?: FieldDef;
    fields?: Record<string, FieldDef>[];
    custom_validator?: string;
}
interface PluginSchema {
    name: string;
    no_consumer?: boolean;
    protocols: FieldDef;
    config: FieldDef;
    entity_checks?: Json[];
}

const fixtureDir = path.join(repoRoot(), "tests", "fixtures", "kong-plugin-schemas");
const load = (name: string): Json => JSON.parse(fs.readFileSync(path.join(fixtureDir, `${name}.json`), "utf8"));
const typedefs: Record<string, FieldDef> = load("typedefs").typedefs;
const records: Record<string, FieldDef> = { redis: load("redis").record };
const PLUGINS = ["rate-limiting", "key-auth", "jwt", "hmac-auth", "cors", "prometheus", "grpc-web", "request-termination"];
const schemas: Record<string, PluginSchema> = Object.fromEntries(PLUGINS.map((p) => [p, load(p) as PluginSchema]));

/** A typedef or shared record with the field's own attributes over it (Schema.define / typedefs.x { ... }). */
function resolve(def: FieldDef): FieldDef {
    if (def.typedef) {
        const { typedef, ...own } = def;
        if (!typedefs[typedef]) throw new Error(`fixture names unknown typedef ${typedef}`);
        return { ...typedefs[typedef], ...own };
    }
    if (def.ref) {
        const { ref, ...own } = def;
        if (!records[ref]) throw new Error(`fixture names unknown record ${ref}`);
        return { ...records[ref], ...own };
    }
    return def;
}

const isNil = (v: unknown) => v === undefined || v === null;
const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const isIpv6 = (s: string) => /^\[?[0-9A-Fa-f:.]+\]?$/.test(s) && (s.match(/:/g) ?? []).length >= 2;

/** Kong's custom validators that meshedge's configs reach, reimplemented from the files the comments name. */
const CUSTOM: Record<string, (v: any) => string | undefined> = {
    // kong/tools/http.lua validate_header_name
    validate_header_name: (v: string) => (v !== "" && /^[a-zA-Z0-9-_]+$/.test(v) ? undefined : `bad header name '${v}', allowed characters are A-Z, a-z, 0-9, '_', and '-'`),
    // typedefs.lua validate_host: a name or an IP, without a port
    validate_host: (v: string) => (isIpv6(v) || IPV4.test(v) || HOSTNAME.test(v) ? undefined : /:\d+$/.test(v) ? "must not have a port" : `invalid value: ${v}`),
    // typedefs.lua validate_sni: a name, not an IP, without a port
    validate_sni: (v: string) => (isIpv6(v) || IPV4.test(v) ? "must not be an IP" : /:\d+$/.test(v) ? "must not have a port" : HOSTNAME.test(v) ? undefined : `invalid value: ${v}`),
    // typedefs.lua path: match_none "//"
    validate_path: (v: string) => (v.includes("//") ? "must not have empty segments" : undefined),
    // kong/plugins/cors/schema.lua validate_asterisk_or_regex
    validate_asterisk_or_regex: (v: string) => {
        if (v === "*") return undefined;
        try {
            new RegExp(v);
            return undefined;
        } catch {
            return `'${v}' is not a valid regex`;
        }
    },
    // kong/plugins/rate-limiting/schema.lua validate_periods_order
    validate_periods_order: (config: Json) => {
        const periods = ["second", "minute", "hour", "day", "month", "year"];
        for (const [i, lower] of periods.entries()) {
            const v1 = config[lower];
            if (typeof v1 !== "number") continue;
            for (const upper of periods.slice(i + 1)) {
                const v2 = config[upper];
                if (typeof v2 === "number" && v2 < v1) return `The limit for ${upper}(${v2.toFixed(1)}) cannot be lower than the limit for ${lower}(${v1.toFixed(1)})`;
            }
        }
        if (config.policy !== "redis" && config.sync_rate !== -1) return "sync_rate can only be used with the redis policy";
        if (config.policy === "redis" && config.sync_rate !== -1 && config.sync_rate < 0.02) return "sync_rate must be greater than 0.02, or -1 to disable";
        return undefined;
    },
    // kong/plugins/request-termination/schema.lua config.custom_validator
    request_termination_body: (c: Json) => {
        const present = (v: unknown) => typeof v === "string" && v.length > 0;
        if (present(c.message) && (present(c.content_type) || present(c.body))) return "message cannot be used with content_type or body";
        if (present(c.content_type) && !present(c.body)) return "content_type requires a body";
        if (c.echo && (present(c.content_type) || present(c.body))) return "echo cannot be used with content_type and body";
        return undefined;
    },
};

/** Defaults first, as Kong's process_auto_fields does; a record without a value gets its fields' defaults. */
function withDefaults(def: FieldDef, value: unknown): unknown {
    const d = resolve(def);
    if (isNil(value)) {
        if (d.default !== undefined) return structuredClone(d.default);
        if (d.type === "record") return withDefaults(d, {});
        return value;
    }
    if (d.type === "record" && typeof value === "object" && !Array.isArray(value)) {
        const out: Json = { ...(value as Json) };
        for (const entry of d.fields ?? []) {
            const [name, fieldDef] = Object.entries(entry)[0];
            const filled = withDefaults(fieldDef, out[name]);
            if (filled !== undefined) out[name] = filled;
        }
        return out;
    }
    return value;
}

function validateField(def: FieldDef, value: unknown, at: string, errors: string[]): void {
    const d = resolve(def);
    if (isNil(value)) {
        if (d.required) errors.push(`${at}: required field missing`);
        return;
    }
    const fail = (message: string): void => {
        errors.push(`${at}: ${message}`);
    };
    switch (d.type) {
        case "string":
            if (typeof value !== "string") return fail("expected a string");
            if (d.len_min !== undefined && value.length < d.len_min) return fail(`length must be at least ${d.len_min}`);
            if (d.starts_with !== undefined && !value.startsWith(d.starts_with)) return fail(`should start with: ${d.starts_with}`);
            break;
        case "number":
            if (typeof value !== "number" || !Number.isFinite(value)) return fail("expected a number");
            break;
        case "integer":
            if (typeof value !== "number" || !Number.isInteger(value)) return fail("expected an integer");
            break;
        case "boolean":
            if (typeof value !== "boolean") return fail("expected a boolean");
            break;
        case "array":
        case "set":
            if (!Array.isArray(value)) return fail(d.type === "set" ? "expected a set" : "expected an array");
            // Stricter than Kong, which folds a set's duplicates: meshedge never relies on that.
            if (d.type === "set" && new Set(value).size !== value.length) return fail("expected a set (duplicate elements)");
            value.forEach((v, i) => validateField(d.elements ?? {}, v, `${at}[${i}]`, errors));
            return;
        case "record":
            return validateRecord(d, value, at, errors);
        default:
            throw new Error(`fixture field ${at} has unsupported type ${d.type}`);
    }
    if (d.one_of && !d.one_of.includes(value)) return fail(`expected one of: ${d.one_of.join(", ")}`);
    if (d.between && ((value as number) < d.between[0] || (value as number) > d.between[1])) return fail(`value should be between ${d.between[0]} and ${d.between[1]}`);
    if (d.gt !== undefined && !((value as number) > d.gt)) return fail(`value must be greater than ${d.gt}`);
    if (d.custom_validator) {
        const err = CUSTOM[d.custom_validator]?.(value) ?? (CUSTOM[d.custom_validator] ? undefined : `no validator ${d.custom_validator}`);
        if (err) fail(err);
    }
}

function validateRecord(def: FieldDef, value: unknown, at: string, errors: string[]): void {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        errors.push(`${at}: expected a record`);
        return;
    }
    const fields = new Map((def.fields ?? []).map((entry) => Object.entries(entry)[0]));
    for (const key of Object.keys(value)) if (!fields.has(key)) errors.push(`${at}.${key}: unknown field`);
    const before = errors.length;
    for (const [name, fieldDef] of fields) validateField(fieldDef, (value as Json)[name], `${at}.${name}`, errors);
    if (def.custom_validator && errors.length === before) {
        const err = CUSTOM[def.custom_validator](value);
        if (err) errors.push(`${at}: ${err}`);
    }
}

function get(entity: Json, dotted: string): unknown {
    return dotted.split(".").reduce<unknown>((cur, k) => (cur !== null && typeof cur === "object" ? (cur as Json)[k] : undefined), entity);
}

function entityCheck(check: Json, entity: Json): string | undefined {
    if (check.at_least_one_of) {
        const names: string[] = check.at_least_one_of;
        return names.some((f) => !isNil(get(entity, f))) ? undefined : `at least one of these fields must be non-empty: ${names.map((n) => `'${n}'`).join(", ")}`;
    }
    if (check.conditional) {
        const c = check.conditional;
        const ifValue = get(entity, c.if_field);
        const matches = "eq" in c.if_match ? ifValue === c.if_match.eq : "gt" in c.if_match ? typeof ifValue === "number" && ifValue > c.if_match.gt : false;
        if (!matches) return undefined;
        const thenValue = get(entity, c.then_field);
        if (c.then_match.required && isNil(thenValue)) return `${c.then_field}: required field missing`;
        if ("contains" in c.then_match && !(Array.isArray(thenValue) && thenValue.includes(c.then_match.contains))) return `${c.then_field}: expected to contain: ${c.then_match.contains}`;
        return undefined;
    }
    throw new Error(`unsupported entity check ${JSON.stringify(check)}`);
}

/** Kong's verdict on one plugin entity: its config after defaults, and every error. */
export function validatePlugin(plugin: string, config: Json): string[] {
    const schema = schemas[plugin];
    if (!schema) return [`plugin ${plugin}: no Kong 3.9.3 schema in the fixture`];
    const errors: string[] = [];
    const filled = withDefaults(schema.config, config) as Json;
    validateRecord(resolve(schema.config), filled, "config", errors);
    if (errors.length === 0) {
        for (const check of schema.entity_checks ?? []) {
            const err = entityCheck(check, { config: filled });
            if (err) errors.push(err);
        }
    }
    return errors;
}

/** The config Kong receives: KIC applies each configPatches value (JSON from the Secret) with an RFC 6902 "add". */
function effectiveConfig(spec: KongPluginSpec, secretValue: unknown): Json {
    const config = structuredClone(spec.config) as Json;
    for (const patch of spec.secretPatches ?? []) {
        const keys = patch.path.split("/").slice(1);
        const parent = keys.slice(0, -1).reduce<Json>((cur, k) => {
            if (typeof cur[k] !== "object" || cur[k] === null) throw new Error(`configPatches path ${patch.path}: /${k} does not exist (a JSON patch add needs the parent)`);
            return cur[k];
        }, config);
        parent[keys[keys.length - 1]] = secretValue;
    }
    return config;
}

/** The protocols of the routes each target is: the gRPC route grpc,grpcs; the gRPC-Web routes http,https. */
const ROUTE_PROTOCOLS: Record<Exclude<PluginTarget, "anonymousConsumer">, string[]> = { grpc: ["grpc", "grpcs"], grpcWeb: ["http", "https"], grpcWebPreflight: ["http", "https"] };

function placementProblems(spec: KongPluginSpec): string[] {
    const schema = schemas[spec.plugin];
    const problems: string[] = [];
    const protocols = resolve(schema.protocols).default as string[];
    for (const target of spec.targets) {
        if (target === "anonymousConsumer") {
            if (schema.no_consumer) problems.push(`${spec.plugin} cannot be scoped to a consumer (no_consumer)`);
        } else {
            for (const p of ROUTE_PROTOCOLS[target]) if (!protocols.includes(p)) problems.push(`${spec.plugin} does not run on ${p} routes (${target})`);
        }
    }
    return problems;
}

// Every input variant of each plugin; the product covers all modes (policies, TLS, auth modes, gRPC-Web).
const RATE_LIMITS: (RateLimitingPluginArgs | undefined)[] = [
    undefined,
    { second: 5 },
    { minute: 60, hour: 1000 },
    { second: 1, minute: 60, hour: 3600, day: 86400, month: 2_000_000, year: 20_000_000, policy: "local" },
    { day: 10, month: 10, year: 10 },
    { minute: 100, policy: "redis", redis: { host: "redis.cache.svc.cluster.local" } },
    { minute: 100, hour: 5000, policy: "redis", redis: { host: "10.0.0.7", port: 6380, password: "pw", username: "kong", database: 3, timeoutMilliseconds: 500, tls: true, tlsVerify: false, serverName: "redis.example.com" } },
    { second: 2, policy: "redis", redis: { host: "redis.example.com", password: "pw", tls: true } },
];
const AUTH_OPTIONS: Pick<KongPluginsArgs, "keyAuth" | "jwt" | "hmacAuth">[] = [
    { keyAuth: {}, jwt: {}, hmacAuth: {} },
    { keyAuth: { keyNames: ["x-api-key", "apikey"], hideCredentials: false }, jwt: { claimsToVerify: ["exp", "nbf"] }, hmacAuth: { enforceHeaders: ["date", "@request-target", "content-type"] } },
    { keyAuth: { keyNames: ["apikey"], hideCredentials: true }, jwt: { claimsToVerify: [] }, hmacAuth: { enforceHeaders: [] } },
];
const AUTH_MODES = [undefined, "all", "any"] as const;
const CORS: KongPluginsArgs["cors"][] = [undefined, { origins: ["https://app.example.com"] }, { origins: ["*"], headers: ["x-grpc-web", "content-type"], exposedHeaders: [], credentials: true, maxAge: 0 }];

function* inputs(): Generator<GrpcServiceSpecArgs> {
    for (const rateLimiting of RATE_LIMITS)
        for (const [i, auth] of AUTH_OPTIONS.entries())
            for (let mask = 0; mask < 8; mask++)
                for (const authMode of AUTH_MODES)
                    for (const cors of CORS)
                        for (const grpcWeb of [false, true])
                            for (const prometheus of [false, true]) {
                                if (i > 0 && mask !== 7) continue; // option variants with all three plugins on
                                const plugins: KongPluginsArgs = {
                                    ...(rateLimiting ? { rateLimiting } : {}),
                                    ...(mask & 1 ? { keyAuth: auth.keyAuth } : {}),
                                    ...(mask & 2 ? { jwt: auth.jwt } : {}),
                                    ...(mask & 4 ? { hmacAuth: auth.hmacAuth } : {}),
                                    ...(authMode ? { authMode } : {}),
                                    ...(cors ? { cors } : {}),
                                    prometheus,
                                };
                                yield { name: "orders", namespace: "shop", paths: ["/shop.Orders/"], grpcWeb, plugins };
                            }
}

/** The inputs meshedge accepts (its checks pass), with what the rules emit for each. */
function acceptedInputs(): { spec: GrpcServiceSpecArgs; plugins: KongPluginSpec[] }[] {
    const accepted = [];
    for (const spec of inputs()) {
        const problems = new Problems();
        checkPluginsAndConsumers(problems, "", spec.plugins, [], spec.grpcWeb);
        if (problems.list.length === 0) accepted.push({ spec, plugins: kongPluginSpecs(spec) });
    }
    return accepted;
}

describe("Kong 3.9.3 plugin schemas (fixture) accept every config meshedge emits", () => {
    const accepted = acceptedInputs();

    it("the fixture names its upstream source, tag 3.9.3", () => {
        for (const name of [...PLUGINS, "redis", "typedefs"]) {
            const source = load(name).source;
            expect(source.repository, name).to.equal("Kong/kong");
            expect(source.tag, name).to.equal("3.9.3");
            expect(source.path, name).to.match(/^kong\//);
        }
        expect(load("rate-limiting").source.path).to.equal("kong/plugins/rate-limiting/schema.lua");
    });

    it("covers every plugin, every placement and every mode", () => {
        const emitted = accepted.flatMap((a) => a.plugins);
        expect([...new Set(emitted.map((p) => p.plugin))].sort()).to.deep.equal([...PLUGINS].sort());
        expect([...new Set(emitted.flatMap((p) => p.targets))].sort()).to.deep.equal(["anonymousConsumer", "grpc", "grpcWeb", "grpcWebPreflight"]);
        const policies = new Set(emitted.filter((p) => p.plugin === "rate-limiting").map((p) => p.config.policy));
        expect([...policies].sort()).to.deep.equal(["local", "redis"]);
        expect(emitted.some((p) => p.config.anonymous !== undefined) && emitted.some((p) => p.plugin === "key-auth" && p.config.anonymous === undefined)).to.equal(true);
        expect(emitted.some((p) => (p.secretPatches ?? []).length > 0)).to.equal(true);
        expect(accepted.length).to.be.greaterThan(1000);
    });

    it("every emitted config passes Kong's schema, with the Secret's value patched in as KIC does", () => {
        const failures: string[] = [];
        for (const { spec, plugins } of accepted) {
            for (const p of plugins) {
                for (const e of [...validatePlugin(p.plugin, effectiveConfig(p, "redis-password")), ...placementProblems(p)]) failures.push(`${JSON.stringify(spec.plugins)} -> ${p.plugin}: ${e}`);
            }
        }
        expect(failures.slice(0, 5)).to.deep.equal([]);
    });

    it("the inputs meshedge refuses are ones Kong would refuse too (the checks are not looser than Kong)", () => {
        const refusedButKongValid: string[] = [];
        const bad: KongPluginsArgs[] = [
            { rateLimiting: { second: 10, minute: 5 } },
            { rateLimiting: {} },
            { keyAuth: { keyNames: ["api key"] } },
            { jwt: { claimsToVerify: ["iat"] } },
            { rateLimiting: { minute: 1, policy: "cluster" as never } },
        ];
        for (const plugins of bad) {
            const problems = new Problems();
            checkPluginsAndConsumers(problems, "", plugins, [], false);
            expect(problems.list, JSON.stringify(plugins)).to.not.be.empty;
            // Bypass the checks: what the rules would write, straight to Kong's schema.
            for (const p of kongPluginSpecs({ name: "x", namespace: "y", plugins })) if (validatePlugin(p.plugin, p.config).length === 0) refusedButKongValid.push(JSON.stringify(plugins));
        }
        expect(refusedButKongValid).to.deep.equal([]);
    });
});

describe("the schema validator refuses what Kong refuses (it can fail)", () => {
    const ok = { minute: 10, policy: "local" };

    it("rate-limiting: policy cluster (Kong without a database)", () => {
        expect(validatePlugin("rate-limiting", { ...ok, policy: "cluster" })).to.deep.equal(["config.policy: expected one of: local, redis"]);
    });

    it("rate-limiting: misordered periods, as Kong's validate_periods_order words it", () => {
        expect(validatePlugin("rate-limiting", { second: 100, minute: 50 })).to.deep.equal(["config: The limit for minute(50.0) cannot be lower than the limit for second(100.0)"]);
        expect(validatePlugin("rate-limiting", { hour: 10, year: 9 })).to.have.length(1);
    });

    it("rate-limiting: no limit, a zero limit, redis without a host, sync_rate without redis, an unknown field", () => {
        expect(validatePlugin("rate-limiting", { policy: "local" })[0]).to.match(/^at least one of these fields must be non-empty: 'config.second'/);
        expect(validatePlugin("rate-limiting", { minute: 0 })).to.deep.equal(["config.minute: value must be greater than 0"]);
        expect(validatePlugin("rate-limiting", { minute: 1, policy: "redis" })).to.deep.equal(["config.redis.host: required field missing"]);
        expect(validatePlugin("rate-limiting", { minute: 1, sync_rate: 1 })).to.deep.equal(["config: sync_rate can only be used with the redis policy"]);
        expect(validatePlugin("rate-limiting", { minute: 1, redis_password: "x" })).to.deep.equal(["config.redis_password: unknown field"]);
        expect(validatePlugin("rate-limiting", { minute: 1, policy: "redis", redis: { host: "r:6379", port: 70000, server_name: "10.0.0.1" } })).to.deep.equal([
            "config.redis.host: must not have a port",
            "config.redis.port: value should be between 0 and 65535",
            "config.redis.server_name: must not be an IP",
        ]);
    });

    it("auth, cors and request-termination: Kong's element, enum and custom checks", () => {
        expect(validatePlugin("key-auth", { key_names: ["x api"] })).to.deep.equal(["config.key_names[0]: bad header name 'x api', allowed characters are A-Z, a-z, 0-9, '_', and '-'"]);
        expect(validatePlugin("jwt", { claims_to_verify: ["iat"] })).to.deep.equal(["config.claims_to_verify[0]: expected one of: exp, nbf"]);
        expect(validatePlugin("jwt", { maximum_expiration: 60, claims_to_verify: ["nbf"] })).to.deep.equal(["config.claims_to_verify: expected to contain: exp"]);
        expect(validatePlugin("hmac-auth", { hide_credentials: "yes" })).to.deep.equal(["config.hide_credentials: expected a boolean"]);
        expect(validatePlugin("cors", { origins: ["(unclosed"] })).to.deep.equal(["config.origins[0]: '(unclosed' is not a valid regex"]);
        expect(validatePlugin("cors", { origins: ["*"], anonymous: "x" })).to.deep.equal(["config.anonymous: unknown field"]);
        expect(validatePlugin("request-termination", { status_code: 401, message: "no", body: "x" })).to.deep.equal(["config: message cannot be used with content_type or body"]);
        expect(validatePlugin("request-termination", { status_code: 700 })).to.deep.equal(["config.status_code: value should be between 100 and 599"]);
        expect(validatePlugin("grpc-web", { pass_stripped_path: "true" })).to.deep.equal(["config.pass_stripped_path: expected a boolean"]);
    });

    it("placement: auth plugins cannot be consumer-scoped; request-termination can", () => {
        expect(placementProblems({ suffix: "k", plugin: "key-auth", config: {}, targets: ["anonymousConsumer"] })).to.deep.equal(["key-auth cannot be scoped to a consumer (no_consumer)"]);
        expect(placementProblems({ suffix: "t", plugin: "request-termination", config: {}, targets: ["anonymousConsumer"] })).to.deep.equal([]);
    });

    it("a configPatches path needs its parent object (RFC 6902 add)", () => {
        expect(() => effectiveConfig({ suffix: "r", plugin: "rate-limiting", config: { minute: 1 }, targets: ["grpc"], secretPatches: [{ path: "/redis/password", key: "password" }] }, "x")).to.throw(/does not exist/);
    });
});
