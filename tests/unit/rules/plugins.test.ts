// Kong plugins and consumers: each plugin's config with the documented defaults (INPUT_DEFAULTS), the
// credentials a consumer carries, and every plugin/consumer problem at its path, never echoing a secret.
import { expect } from "chai";
import { INPUT_DEFAULTS as D } from "../../../provider/src/defaults";
import type { KongConsumerArgs, KongPluginsArgs } from "../../../provider/src/generated/schema-types";
import { formatProblem, Problems } from "../../../provider/src/rules/errors";
import { checkPluginsAndConsumers, consumerCredentialTypes, kongPluginSpecs } from "../../../provider/src/rules/plugins";

const configOf = (plugins: KongPluginsArgs, name: string) => kongPluginSpecs(plugins).find((s) => s.plugin === name)?.config;
const check = (plugins: KongPluginsArgs | undefined, consumers?: KongConsumerArgs[]) => {
    const problems = new Problems();
    checkPluginsAndConsumers(problems.at("services[1]"), "", plugins, consumers);
    return problems.list;
};

describe("plugins: KongPlugin specs", () => {
    it("none without plugins; one per enabled plugin, in a fixed order, each named after its Kong plugin", () => {
        expect(kongPluginSpecs(undefined)).to.deep.equal([]);
        expect(kongPluginSpecs({ prometheus: false })).to.deep.equal([]);
        const all = kongPluginSpecs({ prometheus: true, cors: { origins: ["*"] }, hmacAuth: {}, jwt: {}, keyAuth: {}, rateLimiting: { hour: 1 } });
        expect(all.map((s) => [s.suffix, s.plugin])).to.deep.equal(["rate-limiting", "key-auth", "jwt", "hmac-auth", "cors", "prometheus"].map((n) => [n, n]));
    });

    it("rate-limiting: only the limits set, and the policy (default local)", () => {
        expect(configOf({ rateLimiting: { second: 50, day: 10000 } }, "rate-limiting")).to.deep.equal({ second: 50, day: 10000, policy: D.RateLimitingPlugin.policy });
        expect(configOf({ rateLimiting: { minute: 5, policy: "redis" } }, "rate-limiting")).to.deep.equal({ minute: 5, policy: "redis" });
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
        expect(configOf({ cors: { origins: ["https://app.example.com"] } }, "cors")).to.deep.equal({
            origins: ["https://app.example.com"], exposed_headers: D.CorsPlugin.exposedHeaders, credentials: D.CorsPlugin.credentials,
        });
        expect(configOf({ cors: { origins: ["*"], headers: ["x-grpc-web"], maxAge: 0, credentials: true } }, "cors")).to.deep.include({ headers: ["x-grpc-web"], max_age: 0, credentials: true });
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

    it("accepts plugins with their credentials", () => {
        expect(check({ keyAuth: {}, jwt: {}, hmacAuth: {}, rateLimiting: { second: 1 }, cors: { origins: ["*"] } }, [
            { username: "mobile-app", keyAuthKey: "k" }, { username: "ci", jwtKey: "iss", jwtSecret: "s", hmacSecret: "h" },
        ])).to.deep.equal([]);
    });

    it("rate limiting needs a limit, each a whole number >= 1; cors needs an origin", () => {
        expect(paths(check({ rateLimiting: {} }))).to.deep.equal(["services[1].plugins.rateLimiting"]);
        expect(paths(check({ rateLimiting: { second: 0, minute: 1.5, hour: 10 } }))).to.deep.equal(["services[1].plugins.rateLimiting.second", "services[1].plugins.rateLimiting.minute"]);
        expect(paths(check({ cors: { origins: [] } }))).to.deep.equal(["services[1].plugins.cors.origins"]);
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
