// A plain input that arrives as one secret (an SDK that sends a whole object secret, or the SDK's deserializer
// hoisting a nested secret to the top-level property) keeps each non-plain field secret when construct unwraps it
// (provider.ts secretNonPlainFields), so a user's Helm values secret or credential never reaches state in plaintext.
// The cluster tier (tests/cluster/secrets.test.ts) checks the same through the engine, on state files and previews.
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { secretNonPlainFields } from "../../provider/src/provider";
import { EdgeStackToken } from "../../provider/src/generated/schema-types";
import schemaJson from "../../provider/schema.json";

const SECRET_VALUE = "unit-secret-3f9c2a7d41e8";

describe("secrets in passthrough values", () => {
    describe("secretNonPlainFields: a plain input that arrived as one secret", () => {
        const edgeInputs = (schemaJson.resources as any)[EdgeStackToken].inputProperties;

        it("kong: values become a secret, the structural fields stay plain", async () => {
            const kong = secretNonPlainFields({ namespace: "kong", chart: "ingress", values: { gateway: { env: { pg_password: SECRET_VALUE } } } }, edgeInputs.kong) as any;
            expect(kong.namespace).to.equal("kong");
            expect(kong.chart).to.equal("ingress");
            expect(await pulumi.isSecret(kong.values)).to.equal(true);
        });

        it("services: consumer credentials and the Redis password become secrets inside the array, names stay plain", async () => {
            const services = secretNonPlainFields(
                [{ name: "greeter", namespace: "apps", plugins: { rateLimiting: { minute: 5, policy: "redis", redis: { host: "redis", password: SECRET_VALUE } } }, consumers: [{ username: "key-client", keyAuthKey: SECRET_VALUE }] }],
                edgeInputs.services,
            ) as any[];
            expect(services[0].name).to.equal("greeter");
            expect(services[0].plugins.rateLimiting.redis.host).to.equal("redis");
            expect(await pulumi.isSecret(services[0].plugins.rateLimiting.redis.password)).to.equal(true);
            expect(services[0].consumers[0].username).to.equal("key-client");
            expect(await pulumi.isSecret(services[0].consumers[0].keyAuthKey)).to.equal(true);
        });
    });
});
