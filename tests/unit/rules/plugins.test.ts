// Kong plugins and consumers: each plugin's config with the documented defaults (INPUT_DEFAULTS), the
// credentials a consumer carries, and every plugin/consumer problem at its path, never echoing a secret.
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as yaml from "js-yaml";
import * as path from "path";
import { sharedDir } from "../../../scripts/lib/repo-root";
import { INPUT_DEFAULTS as D } from "../../../provider/src/defaults";
import type { KongConsumerArgs, KongPluginsArgs } from "../../../provider/src/generated/schema-types";
import { formatProblem, InputProblem, Problems } from "../../../provider/src/rules/errors";
import { childName } from "../../../provider/src/rules/names";
import {
    anonymousConsumerUsername,
    checkPluginsAndConsumers,
    clusterWideRateLimits,
    consumerCredentialTypes,
    kongPluginSpecs,
    pluginNamesFor,
    servicesRateLimits,
} from "../../../provider/src/rules/plugins";

const SERVICE = { name: "orders", namespace: "shop" };
const specsOf = (plugins: KongPluginsArgs | undefined, grpcWeb?: boolean) => kongPluginSpecs({ ...SERVICE, plugins, grpcWeb });
const configOf = (plugins: KongPluginsArgs, name: string, grpcWeb?: boolean) => specsOf(plugins, grpcWeb).find((s) => s.plugin === name)?.config;
const check = (plugins: KongPluginsArgs | undefined, consumers?: KongConsumerArgs[], grpcWeb = false) => {
    const problems = new Problems();
    checkPluginsAndConsumers(problems.at("services[1]"), "", plugins, consumers, grpcWeb);
    return problems.list;
};

describe("plugins: KongPlugin specs", () => {
    it("none without plugins; one per enabled plugin, in a fixed order, each named after its Kong plugin", () => {
        expect(specsOf(undefined)).to.deep.equal([]);
        expect(specsOf({ prometheus: false })).to.deep.equal([]);
        const all = specsOf({ prometheus: true, cors: { origins: ["*"] }, hmacAuth: {}, jwt: {}, keyAuth: {}, rateLimiting: { hour: 1 } }, true);
        expect(all.map((s) => [s.suffix, s.plugin])).to.deep.equal(["rate-limiting", "key-auth", "jwt", "hmac-auth", "grpc-web", "cors", "prometheus"].map((n) => [n, n]));
    });

    it("rate-limiting: only the limits set, in Kong's period order, and the policy (default local)", () => {
        expect(configOf({ rateLimiting: { day: 10000, second: 50, year: 1e7 } }, "rate-limiting")).to.deep.equal({ second: 50, day: 10000, year: 1e7, policy: D.RateLimitingPlugin.policy });
        expect(Object.keys(configOf({ rateLimiting: { year: 9, month: 8, day: 7, hour: 6, minute: 5, second: 4 } }, "rate-limiting")!)).to.deep.equal(["second", "minute", "hour", "day", "month", "year", "policy"]);
    });

    it("rate-limiting redis: Kong 3.9's config.redis with the defaults written out, the password only as a Secret patch", () => {
        const [spec] = specsOf({ rateLimiting: { minute: 5, policy: "redis", redis: { host: "redis.cache", password: "SECRET" } } });
        expect(spec.config).to.deep.equal({
            minute: 5,
            policy: "redis",
            redis: { host: "redis.cache", port: D.RateLimitingRedis.port, timeout: D.RateLimitingRedis.timeoutMilliseconds, database: D.RateLimitingRedis.database, ssl: false, ssl_verify: false },
        });
        expect(spec.secretPatches).to.deep.equal([{ path: "/redis/password", key: "password" }]);
        expect(JSON.stringify(spec)).to.not.include("SECRET");
        const tls = specsOf({ rateLimiting: { minute: 5, policy: "redis", redis: { host: "10.0.0.7", port: 6380, tls: true, serverName: "redis.example.com", username: "kong", database: 2, timeoutMilliseconds: 500 } } })[0];
        expect(tls.config.redis).to.deep.equal({ host: "10.0.0.7", port: 6380, timeout: 500, database: 2, username: "kong", ssl: true, ssl_verify: D.RateLimitingRedis.tlsVerify, server_name: "redis.example.com" });
        expect(tls.secretPatches, "no password, no patch").to.equal(undefined);
    });

    it("attaches auth, rate limiting and prometheus to every request route; grpc-web and cors to the gRPC-Web routes only; no auth on preflight", () => {
        const plugins: KongPluginsArgs = { rateLimiting: { second: 1 }, keyAuth: {}, cors: { origins: ["*"] }, prometheus: true };
        const specs = specsOf(plugins, true);
        const names = (target: Parameters<typeof pluginNamesFor>[2]) => pluginNamesFor("orders", specs, target, childName);
        expect(names("grpc")).to.deep.equal(["orders-rate-limiting", "orders-key-auth", "orders-prometheus"]);
        expect(names("grpcWeb")).to.deep.equal(["orders-rate-limiting", "orders-key-auth", "orders-grpc-web", "orders-cors", "orders-prometheus"]);
        expect(names("grpcWebPreflight")).to.deep.equal(["orders-grpc-web", "orders-cors", "orders-prometheus"]);
        expect(names("anonymousConsumer")).to.deep.equal([]);
        expect(specsOf(plugins, false).map((s) => s.plugin), "cors needs grpcWeb (and validation says so)").to.deep.equal(["rate-limiting", "key-auth", "prometheus"]);
        expect(specsOf({}, true).map((s) => [s.plugin, s.config])).to.deep.equal([["grpc-web", {}]]);
    });

    it("authMode any: every auth plugin names the service's anonymous consumer, which a 401 request-termination refuses", () => {
        const specs = specsOf({ keyAuth: {}, jwt: {}, hmacAuth: {}, authMode: "any" });
        const username = anonymousConsumerUsername(SERVICE);
        expect(username).to.equal("anonymous.orders.shop");
        for (const plugin of ["key-auth", "jwt", "hmac-auth"]) expect(specs.find((s) => s.plugin === plugin)?.config.anonymous, plugin).to.equal(username);
        const termination = specs.find((s) => s.plugin === "request-termination")!;
        expect(termination.config).to.deep.equal({ status_code: 401, message: "Unauthorized" });
        expect(termination.targets).to.deep.equal(["anonymousConsumer"]);
        // all (the default): no anonymous, no termination: each plugin refuses on its own.
        for (const s of specsOf({ keyAuth: {}, jwt: {} })) expect(s.config).to.not.have.property("anonymous");
        expect(specsOf({ keyAuth: {}, jwt: {}, authMode: "all" }).map((s) => s.plugin)).to.deep.equal(["key-auth", "jwt"]);
    });

    it("key-auth, jwt and hmac-auth take their documented defaults, and the given values over them", () => {
        expect(configOf({ keyAuth: {} }, "key-auth")).to.deep.equal({ key_names: D.KeyAuthPlugin.keyNames, hide_credentials: D.KeyAuthPlugin.hideCredentials });
        expect(configOf({ keyAuth: { keyNames: ["x-api-key"], hideCredentials: false } }, "key-auth")).to.deep.equal({ key_names: ["x-api-key"], hide_credentials: false });
        expect(configOf({ jwt: {} }, "jwt")).to.deep.equal({ claims_to_verify: D.JwtPlugin.claimsToVerify });
        expect(configOf({ jwt: { claimsToVerify: ["exp", "nbf"] } }, "jwt")).to.deep.equal({ claims_to_verify: ["exp", "nbf"] });
        // The HMAC signature never needs to reach the service: hidden whatever the input.
        expect(configOf({ hmacAuth: {} }, "hmac-auth")).to.deep.equal({ enforce_headers: D.HmacAuthPlugin.enforceHeaders, hide_credentials: true });
    });

    it("cors: gRPC status headers exposed by default; headers and max_age only when given (0 included)", () => {
        expect(configOf({ cors: { origins: ["https://app.example.com"] } }, "cors", true)).to.deep.equal({
            origins: ["https://app.example.com"], exposed_headers: D.CorsPlugin.exposedHeaders, credentials: D.CorsPlugin.credentials,
        });
        expect(configOf({ cors: { origins: ["*"], headers: ["x-grpc-web"], maxAge: 0, credentials: true } }, "cors", true)).to.deep.include({ headers: ["x-grpc-web"], max_age: 0, credentials: true });
        expect(configOf({ prometheus: true }, "prometheus")).to.deep.equal({});
    });
});

describe("plugins: consumer credentials", () => {
    it("one credential type per secret given, a JWT from either half", () => {
        expect(consumerCredentialTypes({ username: "a" })).to.deep.equal([]);
        expect(consumerCredentialTypes({ username: "a", hmacSecret: "h", jwtSecret: "s", keyAuthKey: "k" })).to.deep.equal(["key-auth", "jwt", "hmac-auth"]);
        expect(consumerCredentialTypes({ username: "a", jwtKey: "iss" })).to.deep.equal(["jwt"]);
    });
});

describe("plugins: checks", () => {
    const paths = (found: readonly { field: string }[]) => found.map((p) => p.field);

    const problems = (found: readonly InputProblem[]) => found.map((p) => [p.field, p.value, p.problem, p.fix]);

    it("accepts plugins with their credentials", () => {
        expect(check({ keyAuth: {}, jwt: {}, hmacAuth: {}, authMode: "any", rateLimiting: { second: 1, year: 1 }, cors: { origins: ["*", "https://.*\\.example\\.com"] } }, [
            { username: "mobile-app", keyAuthKey: "k" }, { username: "ci", jwtKey: "iss", jwtSecret: "s", hmacSecret: "h" },
        ], true)).to.deep.equal([]);
        expect(check({ rateLimiting: { minute: 10, policy: "redis", redis: { host: "redis.cache.svc", password: "p", tls: true, tlsVerify: false, serverName: "redis.example.com" } } })).to.deep.equal([]);
    });

    it("rate limiting needs a limit, each a whole number >= 1; cors needs an origin", () => {
        expect(paths(check({ rateLimiting: {} }))).to.deep.equal(["services[1].plugins.rateLimiting"]);
        expect(paths(check({ rateLimiting: { second: 0, minute: 1.5, hour: 10 } }))).to.deep.equal(["services[1].plugins.rateLimiting.second", "services[1].plugins.rateLimiting.minute"]);
        expect(paths(check({ cors: { origins: [] } }, [], true))).to.deep.equal(["services[1].plugins.cors.origins"]);
    });

    it("rate limiting follows Kong's period order, naming the field, its value and the fix", () => {
        expect(problems(check({ rateLimiting: { second: 100, minute: 50, hour: 6000 } }))).to.deep.equal([
            ["services[1].plugins.rateLimiting.minute", 50, "is lower than second (100); Kong requires second <= minute <= hour <= day <= month <= year", "raise minute to at least 100, or lower second to at most 50"],
        ]);
        // Every pair, as Kong's validate_periods_order compares them, not only neighbours.
        expect(paths(check({ rateLimiting: { minute: 10, day: 5, year: 4 } }))).to.deep.equal([
            "services[1].plugins.rateLimiting.day", "services[1].plugins.rateLimiting.year", "services[1].plugins.rateLimiting.year",
        ]);
        expect(check({ rateLimiting: { second: 5, minute: 5, hour: 5, day: 5, month: 5, year: 5 } }), "equal limits are allowed").to.deep.equal([]);
    });

    it("rate limiting policy: local or redis only (no cluster without a database); redis needs its connection, and only redis has one", () => {
        const [cluster] = check({ rateLimiting: { minute: 1, policy: "cluster" as never } });
        expect([cluster.field, cluster.value, cluster.problem]).to.deep.equal(["services[1].plugins.rateLimiting.policy", "cluster", "unknown rate-limiting policy (Kong without a database has no `cluster` policy)"]);
        expect(cluster.fix).to.equal('use "local", "redis"');
        expect(problems(check({ rateLimiting: { minute: 1, policy: "redis" } })).map((p) => p.slice(0, 3))).to.deep.equal([["services[1].plugins.rateLimiting.redis", undefined, "is required with policy redis"]]);
        expect(problems(check({ rateLimiting: { minute: 1, redis: { host: "r", password: "SECRET" } } })).map((p) => p.slice(0, 3))).to.deep.equal([["services[1].plugins.rateLimiting.redis", { host: "r" }, "is used only by policy redis"]]);
    });

    it("redis connection fields: host without port, port, database, timeout, TLS-only fields; never the password", () => {
        const redis = { host: "redis:6379", port: 0, database: -1, timeoutMilliseconds: 0, serverName: "10.0.0.1", tlsVerify: true, password: "SECRET" };
        const found = check({ rateLimiting: { minute: 1, policy: "redis", redis } });
        expect(paths(found)).to.deep.equal([
            "services[1].plugins.rateLimiting.redis.host",
            "services[1].plugins.rateLimiting.redis.port",
            "services[1].plugins.rateLimiting.redis.database",
            "services[1].plugins.rateLimiting.redis.timeoutMilliseconds",
            "services[1].plugins.rateLimiting.redis.serverName",
            "services[1].plugins.rateLimiting.redis.serverName",
        ]);
        expect(found[5].problem).to.equal("applies only with tls");
        for (const p of found) expect(formatProblem(p)).to.not.include("SECRET");
    });

    it("cors only with grpcWeb: Kong answers a non-gRPC request on a gRPC route before any plugin runs", () => {
        const [p] = check({ cors: { origins: ["https://app.example.com"] } });
        expect([p.field, p.problem.split(":")[0]]).to.deep.equal(["services[1].plugins.cors", "needs grpcWeb"]);
        expect(p.fix).to.match(/^set grpcWeb: true/);
        expect(paths(check({ cors: { origins: ["(unclosed", "*"], maxAge: -1 } }, [], true))).to.deep.equal(["services[1].plugins.cors.origins[0]", "services[1].plugins.cors.maxAge"]);
    });

    it("key names are Kong header names; jwt verifies exp and nbf only, once each", () => {
        expect(paths(check({ keyAuth: { keyNames: [] } }))).to.deep.equal(["services[1].plugins.keyAuth.keyNames"]);
        expect(paths(check({ keyAuth: { keyNames: ["apikey", "x api key"] }, jwt: { claimsToVerify: ["exp", "iat", "exp"] } }))).to.deep.equal([
            "services[1].plugins.keyAuth.keyNames[1]", "services[1].plugins.jwt.claimsToVerify[1]", "services[1].plugins.jwt.claimsToVerify[2]",
        ]);
    });

    it("authMode any needs two or more auth plugins and reserves the anonymous username", () => {
        expect(problems(check({ keyAuth: {}, authMode: "any" }))).to.deep.equal([
            ["services[1].plugins.authMode", "any", "needs two or more authentication plugins, and only key-auth is enabled", "enable another of keyAuth, jwt, hmacAuth, or remove authMode"],
        ]);
        expect(paths(check({ keyAuth: {}, jwt: {}, authMode: "any" }, [{ username: "anonymous", keyAuthKey: "k" }]))).to.deep.equal(["services[1].consumers[0].username"]);
        expect(paths(check({ keyAuth: {}, authMode: "some" as never }))).to.deep.equal(["services[1].plugins.authMode"]);
    });

    it("consumers: a label username, listed once, with a credential whose plugin is enabled, and a JWT in full", () => {
        const found = check({ keyAuth: {} }, [
            { username: "Mobile App", keyAuthKey: "k" },
            { username: "ci" },
            { username: "ci", keyAuthKey: "k2" },
            { username: "web", hmacSecret: "h" },
            { username: "jwt-half", jwtKey: "iss" },
        ]);
        expect(found.map((p) => [p.field, p.problem.split(" ").slice(0, 3).join(" ")])).to.deep.equal([
            ["services[1].consumers[0].username", "not a DNS-1123"],
            ["services[1].consumers[1]", "has no credential"],
            ["services[1].consumers[2].username", "is listed twice"],
            ["services[1].consumers[3].hmacSecret", "is a hmac-auth"],
            ["services[1].consumers[4].jwtKey/jwtSecret", "is a jwt"],
            ["services[1].consumers[4].jwtSecret", "a JWT credential"],
        ]);
        expect(found[1].value).to.deep.equal({ username: "ci" });
    });

    it("never puts a secret in a problem", () => {
        const secrets = { keyAuthKey: "SECRET-key", jwtKey: "SECRET-iss", jwtSecret: "SECRET-jwt", hmacSecret: "SECRET-hmac" };
        const found = check(undefined, [{ username: "a", ...secrets }, { username: "b", jwtSecret: "SECRET-2" }]);
        expect(found.length).to.be.at.least(4);
        for (const p of found) expect(formatProblem(p)).to.not.include("SECRET");
    });
});

describe("plugins: cluster-wide rate limits", () => {
    it("local counts per Kong pod: limit x replicas, or x minReplicas..maxReplicas under the HPA", () => {
        expect(clusterWideRateLimits({ second: 10, hour: 1000 }, { replicas: 3 })).to.deep.equal([
            { period: "second", limit: 10, policy: "local", minimum: 30, maximum: 30 },
            { period: "hour", limit: 1000, policy: "local", minimum: 3000, maximum: 3000 },
        ]);
        expect(clusterWideRateLimits({ minute: 100, policy: "local" }, { minReplicas: 2, maxReplicas: 10 })).to.deep.equal([{ period: "minute", limit: 100, policy: "local", minimum: 200, maximum: 1000 }]);
    });

    it("redis shares one counter: the limit is the cluster-wide limit whatever the replicas", () => {
        expect(clusterWideRateLimits({ minute: 100, policy: "redis", redis: { host: "r" } }, { minReplicas: 2, maxReplicas: 10 })).to.deep.equal([{ period: "minute", limit: 100, policy: "redis", minimum: 100, maximum: 100 }]);
    });

    it("per service, for EdgeStack's rateLimits output", () => {
        expect(servicesRateLimits([{ ...SERVICE, plugins: { rateLimiting: { day: 5 } } }, { name: "free", namespace: "shop" }], { replicas: 2 })).to.deep.equal([
            { service: "shop/orders", period: "day", limit: 5, policy: "local", minimum: 10, maximum: 10 },
        ]);
    });
});

describe("plugins: the Redis password patch fits the KongPlugin CRD of the pinned ingress chart", () => {
    // data: ../shared/charts ingress-0.24.0.tgz -> charts/kong-3.2.0.tgz -> crds/custom-resource-definitions.yaml (KIC 3.5).
    const tar = (args: string[], input?: Uint8Array): Buffer => execFileSync("tar", args, { ...(input ? { input } : {}), maxBuffer: 64 * 1024 * 1024 }) as Buffer;
    const bundled = new Uint8Array(tar(["-xzf", path.join(sharedDir(), "charts", "ingress-0.24.0.tgz"), "-O", "ingress/charts/kong-3.2.0.tgz"]));
    const crds = yaml.loadAll(tar(["-xzf", "-", "-O", "kong/crds/custom-resource-definitions.yaml"], bundled).toString("utf8")) as any[];
    const kongPlugin = crds.find((d) => d?.spec?.names?.kind === "KongPlugin");
    const v1 = kongPlugin.spec.versions.find((v: any) => v.name === "v1");
    const props = v1.schema.openAPIV3Schema.properties;

    it("configPatches: path plus valueFrom.secretKeyRef {name, key}, and never together with configFrom", () => {
        const patch = props.configPatches.items;
        expect(patch.required).to.have.members(["path", "valueFrom"]);
        expect(patch.properties.valueFrom.required).to.deep.equal(["secretKeyRef"]);
        expect(patch.properties.valueFrom.properties.secretKeyRef.required).to.have.members(["key", "name"]);
        expect(v1.schema.openAPIV3Schema["x-kubernetes-validations"].map((r: any) => r.rule)).to.include("!(has(self.configFrom) && has(self.configPatches))");
        const [spec] = kongPluginSpecs({ ...SERVICE, plugins: { rateLimiting: { minute: 1, policy: "redis", redis: { host: "r", password: "p" } } } });
        for (const p of spec.secretPatches!) expect(Object.keys({ path: p.path, valueFrom: { secretKeyRef: { name: "n", key: p.key } } })).to.have.members(Object.keys(patch.properties));
        expect(spec).to.not.have.property("configFrom");
    });
});
