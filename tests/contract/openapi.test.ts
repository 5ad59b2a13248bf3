// Every kubernetes object the components create directly validates against its OpenAPI schema.
import { expect } from "chai";
import { EdgeStack } from "../../provider/src/components/edgeStack";
import type { EdgeStackArgs } from "../../provider/src/generated/schema-types";
import { albHorizontalKuma, CERT, greeter, nlbVerticalIstio, OIDC, orders } from "../../scripts/lib/scenarios";
import { kubernetesObject, render } from "../../scripts/lib/mock-runtime";
import { schemaProblems } from "../support/openapi";
import { isSecretValue, revealSecrets } from "../support/secrets";

const scenarios: Record<string, EdgeStackArgs> = {
    "NLB + vertical + Istio (strict mTLS, install)": { ...nlbVerticalIstio, mesh: { istio: { strictMtls: true, install: true } } },
    "ALB + horizontal + Kuma (install)": { ...albHorizontalKuma, mesh: { kuma: { install: true } } },
    "GRPCRoutes, all plugins (gRPC-Web, any-of auth, Redis rate limiting), Kuma multi-zone": {
        loadBalancer: { type: "nlb", certificateArn: CERT },
        mesh: { kuma: { multiZone: true, meshName: "edge" } },
        services: [
            { ...greeter, routeKind: "grpcRoute", hosts: ["grpc.example.com"] },
            {
                ...orders,
                routeKind: "grpcRoute",
                grpcWeb: true,
                plugins: {
                    rateLimiting: { minute: 60, hour: 1000, policy: "redis", redis: { host: "redis.cache.svc", password: "REDIS-PASSWORD", tls: true, serverName: "redis.example.com" } },
                    authMode: "any",
                    keyAuth: { keyNames: ["x-api-key"] },
                    jwt: {},
                    hmacAuth: {},
                    cors: { origins: ["https://app.example.com"], maxAge: 600 },
                    prometheus: true,
                },
                consumers: [{ username: "partner", keyAuthKey: "k", jwtKey: "partner-iss", jwtSecret: "s", hmacSecret: "h" }],
            },
        ],
    },
    "gRPC Deployment with every secure default overridden, Pod Security baseline": {
        loadBalancer: { type: "nlb" },
        podSecurity: { enforce: "baseline", warn: "baseline", version: "latest" },
        services: [
            {
                ...greeter,
                image: `ghcr.io/example/greeter@sha256:${"ab".repeat(32)}`,
                replicas: 3,
                securityContext: { runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, allowPrivilegeEscalation: true, readOnlyRootFilesystem: false, addCapabilities: ["CHOWN"], seccompProfile: "Localhost", seccompLocalhostProfile: "profiles/grpc.json" },
                tmpVolume: { sizeLimit: "1Gi", inMemory: true },
                resources: { requests: { cpu: "250m" }, limits: { cpu: "1", memory: "512Mi" } },
                topologySpread: { topologyKey: "kubernetes.io/hostname", maxSkew: 2, whenUnsatisfiable: "DoNotSchedule" },
                podDisruptionBudget: { minAvailable: 2 },
            },
        ],
    },
    "EKS Auto Mode ALB": { eksAutoMode: true, loadBalancer: { type: "alb", certificateArn: CERT }, services: [greeter] },
    "controller install (IRSA), kong/kong chart": {
        clusterName: "prod",
        loadBalancer: { type: "nlb" },
        kong: { chart: "kong" },
        loadBalancerController: { install: true, oidcProviderArn: OIDC },
        services: [{ name: "bare", namespace: "legacy", paths: ["/legacy.Api/"] }],
    },
};

describe("kubernetes objects validate against their OpenAPI schemas", () => {
    for (const [title, args] of Object.entries(scenarios)) {
        it(title, async () => {
            const resources = await render(() => new EdgeStack("edge", args));
            const objects = resources.map(kubernetesObject).filter((o): o is Record<string, any> => o !== undefined);
            expect(objects.length).to.be.greaterThan(3);
            const problems = objects.flatMap((o) => schemaProblems(revealSecrets(o)).map((p) => `${o.kind} ${o.metadata?.name}: ${p}`));
            expect(problems).to.deep.equal([]);
        });
    }

    it("the validator catches an invalid object (it can fail)", () => {
        expect(schemaProblems({ apiVersion: "v1", kind: "Service", metadata: { name: "x" }, spec: { ports: [{ port: "grpc" }] } })).not.to.be.empty;
        expect(schemaProblems({ apiVersion: "configuration.konghq.com/v1", kind: "KongPlugin", metadata: { name: "x" }, config: {} })).not.to.be.empty;
    });

    it("the Redis password stays a Pulumi secret in a Secret the KongPlugin patches from, never in the KongPlugin", async () => {
        const args = scenarios["GRPCRoutes, all plugins (gRPC-Web, any-of auth, Redis rate limiting), Kuma multi-zone"];
        const resources = await render(() => new EdgeStack("edge", args));
        const plugin = resources.find((r) => r.type === "kubernetes:configuration.konghq.com/v1:KongPlugin" && r.inputs.metadata.name === "orders-rate-limiting")!;
        expect(JSON.stringify(revealSecrets(plugin.inputs))).to.not.include("REDIS-PASSWORD");
        expect(plugin.inputs.configPatches).to.deep.equal([{ path: "/redis/password", valueFrom: { secretKeyRef: { name: "orders-rate-limiting", key: "password" } } }]);
        const secret = resources.find((r) => r.type === "kubernetes:core/v1:Secret" && r.inputs.metadata.name === "orders-rate-limiting")!;
        expect(isSecretValue(secret.inputs.stringData.password ?? secret.inputs.stringData)).to.equal(true);
        // KIC decodes a configPatches value as JSON: the string is stored quoted.
        expect(revealSecrets(secret.inputs.stringData)).to.deep.equal({ password: '"REDIS-PASSWORD"' });
    });

    it("consumer credentials stay Pulumi secrets", async () => {
        const resources = await render(() => new EdgeStack("edge", { ...nlbVerticalIstio }));
        const secret = resources.find((r) => r.type === "kubernetes:core/v1:Secret")!;
        expect(isSecretValue(secret.inputs.stringData)).to.equal(true);
        expect(revealSecrets(secret.inputs.stringData)).to.deep.equal({ key: "k3y-mobile" });
        expect(secret.inputs.metadata.labels).to.deep.equal({ "konghq.com/credential": "key-auth" });
    });
});
