// What GrpcService creates for its plugins: the gRPC route and the gRPC-Web routes with their plugin lists,
// the anonymous consumer of authMode "any" with its request-termination plugin, and the Redis password
// only in a Secret the KongPlugin patches from.
import { expect } from "chai";
import { GrpcService } from "../../provider/src/components/grpcService";
import type { GrpcServiceSpecArgs } from "../../provider/src/generated/schema-types";
import { one, ofType, render } from "../../scripts/lib/mock-runtime";
import { isSecretValue, revealSecrets } from "../support/secrets";

const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const PLUGIN = "kubernetes:configuration.konghq.com/v1:KongPlugin";
const CONSUMER = "kubernetes:configuration.konghq.com/v1:KongConsumer";
const SECRET = "kubernetes:core/v1:Secret";

const service: GrpcServiceSpecArgs = {
    name: "orders",
    namespace: "shop",
    paths: ["/shop.Orders/"],
    hosts: ["grpc.example.com"],
    grpcWeb: true,
    plugins: {
        rateLimiting: { minute: 600, policy: "redis", redis: { host: "redis.cache", password: "REDIS-PASSWORD" } },
        keyAuth: {},
        jwt: {},
        authMode: "any",
        cors: { origins: ["https://app.example.com"] },
    },
    consumers: [{ username: "web", keyAuthKey: "k" }],
};

describe("GrpcService plugins, gRPC-Web and anonymous consumer", () => {
    it("three routes over the same paths and backend, each with its plugins", async () => {
        const resources = await render(() => new GrpcService("orders", { service }));
        const ingresses: Record<string, any> = Object.fromEntries(ofType(resources, INGRESS).map((r) => [r.inputs.metadata.name, r.inputs]));
        expect(Object.keys(ingresses)).to.deep.equal(["orders", "orders-grpc-web", "orders-grpc-web-preflight"]);
        expect(ingresses["orders"].metadata.annotations["konghq.com/plugins"]).to.equal("orders-rate-limiting,orders-key-auth,orders-jwt");
        expect(ingresses["orders-grpc-web"].metadata.annotations["konghq.com/plugins"]).to.equal("orders-rate-limiting,orders-key-auth,orders-jwt,orders-grpc-web,orders-cors");
        expect(ingresses["orders-grpc-web-preflight"].metadata.annotations["konghq.com/plugins"]).to.equal("orders-grpc-web,orders-cors");
        for (const ingress of Object.values(ingresses)) expect(ingress.spec).to.deep.equal(ingresses["orders"].spec);
    });

    it("the anonymous consumer carries the 401 request-termination; the auth plugins name its username", async () => {
        const resources = await render(() => new GrpcService("orders", { service }));
        const anonymous = ofType(resources, CONSUMER).find((r) => r.inputs.metadata.name === "orders-anonymous")!;
        expect(anonymous.inputs.username).to.equal("anonymous.orders.shop");
        expect(anonymous.inputs.metadata.annotations).to.deep.equal({ "kubernetes.io/ingress.class": "kong", "konghq.com/plugins": "orders-anonymous-termination" });
        expect(anonymous.inputs.credentials).to.equal(undefined);
        const plugins = Object.fromEntries(ofType(resources, PLUGIN).map((r) => [r.inputs.metadata.name, r.inputs]));
        expect(plugins["orders-anonymous-termination"]).to.deep.include({ plugin: "request-termination", config: { status_code: 401, message: "Unauthorized" } });
        expect(plugins["orders-key-auth"].config.anonymous).to.equal("anonymous.orders.shop");
        expect(plugins["orders-jwt"].config.anonymous).to.equal("anonymous.orders.shop");
    });

    it("the Redis password is only in the Secret, as a Pulumi secret", async () => {
        const resources = await render(() => new GrpcService("orders", { service }));
        for (const r of ofType(resources, PLUGIN)) expect(JSON.stringify(revealSecrets(r.inputs)), r.inputs.metadata.name).to.not.include("REDIS-PASSWORD");
        const secret = ofType(resources, SECRET).find((r) => r.inputs.metadata.name === "orders-rate-limiting")!;
        expect(isSecretValue(secret.inputs.stringData.password ?? secret.inputs.stringData)).to.equal(true);
        expect(one(resources, PLUGIN, "orders-rate-limiting").inputs.configPatches).to.deep.equal([{ path: "/redis/password", valueFrom: { secretKeyRef: { name: "orders-rate-limiting", key: "password" } } }]);
    });

    it("without grpcWeb, authMode or redis: one route, no anonymous consumer, no plugin Secret", async () => {
        const plain: GrpcServiceSpecArgs = { ...service, grpcWeb: undefined, plugins: { rateLimiting: { minute: 5 }, keyAuth: {}, jwt: {} } };
        const resources = await render(() => new GrpcService("orders", { service: plain }));
        expect(ofType(resources, INGRESS).map((r) => r.inputs.metadata.name)).to.deep.equal(["orders"]);
        expect(ofType(resources, CONSUMER).map((r) => r.inputs.metadata.name)).to.deep.equal(["orders-web"]);
        expect(ofType(resources, SECRET).map((r) => r.inputs.metadata.name)).to.deep.equal(["orders-web-key-auth"]);
        expect(ofType(resources, PLUGIN).map((r) => r.inputs.metadata.name)).to.have.members(["orders-rate-limiting", "orders-key-auth", "orders-jwt"]);
    });
});
