// Tier 4, second scenario: ALB + auto scaling + Kuma + a GRPCRoute with key-auth or jwt (authMode any),
// Redis rate limiting and gRPC-Web with CORS on the kong/kong chart (tests/cluster/fixtures/alb-kuma-grpcroute),
// applied to the local API server with the Gateway API CRDs of ../shared/crds and Kuma's CRDs from its
// pinned chart, then read back and destroyed.
import { Stack } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { albIngressAnnotations } from "../../provider/src/rules/loadBalancer";
import { ingressPath } from "../../provider/src/rules/grpc";
import { KubeClient } from "../../scripts/lib/kube-client";
import { linkExampleModules, sharedChartPath } from "../../scripts/lib/prepare-examples";
import { readVersions, repoRoot, sharedDir } from "../../scripts/lib/repo-root";
import { prepareEngine } from "../support/engine";
import {
    AppliedStack,
    chartAdditions,
    container,
    envValue,
    expectLoopbackOnly,
    expectObjectsAsSent,
    helmRelease,
    namespacesGone,
    onlyChanges,
    programResources,
    stateResources,
    upOnFreshCluster,
    unprotectAll,
} from "../support/clusterStack";
import { judgeObjects, readBackObjects } from "../support/securityScan";
import { missingFrom, quantity } from "../support/kube";

const STACK = "cluster";
const CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
const MOBILE_APP_KEY = "k3y-for-the-mobile-app";
const REDIS_PASSWORD = "redis-pa55word";
const KONG = "edge-kong";
/** kong/kong names its objects `<release>-kong`. */
const KONG_DEPLOYMENT = `${KONG}-kong`;
const KONG_PROXY = `${KONG}-kong-proxy`;

describe("cluster: ALB + auto scaling + Kuma + GRPCRoute on the kong/kong chart", function () {
    this.timeout(20 * 60 * 1000);
    const workDir = path.join(repoRoot(), "tests", "cluster", "fixtures", "alb-kuma-grpcroute");
    let applied: AppliedStack;
    let kube: KubeClient;
    let stack: Stack;
    let crdDir: string;
    let created: number;

    before(async function () {
        await prepareEngine();
        linkExampleModules(workDir);
        const charts = readVersions().charts;
        crdDir = fs.mkdtempSync(path.join(os.tmpdir(), "meshedge-kuma-crds-"));
        execFileSync("tar", ["-xzf", sharedChartPath(charts.kuma), "-C", crdDir, "kuma/crds"]);
        applied = await upOnFreshCluster("ALB + Kuma + GRPCRoute", workDir, STACK, {
            kongChart: { value: sharedChartPath(charts.kong) },
            crdFiles: { value: JSON.stringify([path.join(sharedDir(), "crds", "gateway-api-standard-v1.6.1.yaml"), path.join(crdDir, "kuma", "crds", "*.yaml")]) },
            mobileAppKey: { value: MOBILE_APP_KEY, secret: true },
            redisPassword: { value: REDIS_PASSWORD, secret: true },
        });
        ({ kube, stack, created } = applied);
    });

    after(async function () {
        await applied?.dispose();
        if (crdDir) fs.rmSync(crdDir, { recursive: true, force: true });
    });

    it("creates every resource, and every object it created directly is in the API server as sent", async () => {
        const resources = await stateResources(stack);
        expect(created).to.equal(programResources(resources).length);
        // The Gateway API (10) and Kuma (51) CRDs come through the ConfigGroup.
        expect(await expectObjectsAsSent(kube, resources)).to.be.greaterThan(70);
    });

    it("checkov and kube-score find nothing in the stack's objects that docs/security.md does not list (ALB + Kuma)", async function () {
        this.timeout(10 * 60 * 1000);
        const judged = judgeObjects(await readBackObjects(kube, ["apps", "kong", "kuma-system"]), "alb-kuma");
        expect(judged.objects).to.be.greaterThan(10);
        expect(judged.unlisted, "fix these, or list them with a reason in docs/security.md").to.deep.equal([]);
        expect(judged.stale, "no longer found: remove from docs/security.md").to.deep.equal([]);
    });

    it("one kong/kong Deployment runs the proxy at one worker and one CPU per pod, scaled by an HPA of 2-10", async () => {
        const values = helmRelease(await stateResources(stack), KONG).inputs.values;
        const deployment = await kube.must(`/apis/apps/v1/namespaces/kong/deployments/${KONG_DEPLOYMENT}`);
        const proxy = container(deployment, "proxy");
        expect(envValue(proxy, "KONG_NGINX_WORKER_PROCESSES")).to.equal("1").and.to.equal(values.env.nginx_worker_processes);
        expect(quantity(proxy.resources.requests.cpu)).to.equal(1);
        expect(quantity(proxy.resources.limits.memory)).to.equal((512 + 2 * 128 + 256) * 2 ** 20);
        expect(envValue(proxy, "KONG_MEM_CACHE_SIZE")).to.equal("128m").and.to.equal(values.env.mem_cache_size);
        container(deployment, "ingress-controller");
        const hpa = await kube.must(`/apis/autoscaling/v2/namespaces/kong/horizontalpodautoscalers/${KONG_DEPLOYMENT}`);
        expect(hpa.spec).to.deep.include({ minReplicas: 2, maxReplicas: 10 });
        // The proxy container's CPU alone: the API server accepts the chart's ContainerResource metric as sent.
        expect(hpa.spec.metrics).to.deep.equal([{ type: "ContainerResource", containerResource: { name: "cpu", container: "proxy", target: { type: "Utilization", averageUtilization: 70 } } }]);
        const annotations = deployment.spec.template.metadata.annotations;
        expect(annotations).to.include({ "kuma.io/gateway": "enabled" });
        expect(missingFrom(values.podAnnotations, annotations)).to.deep.equal([]);
        console.log(`      chart-added pod annotations: ${chartAdditions(values.podAnnotations, annotations).join(", ")}`);
    });

    it("the ALB Ingress fronts the ClusterIP proxy with the gRPC target-group annotations", async () => {
        const service = await kube.must(`/api/v1/namespaces/kong/services/${KONG_PROXY}`);
        expect(service.spec.type).to.equal("ClusterIP");
        const alb = await kube.must(`/apis/networking.k8s.io/v1/namespaces/kong/ingresses/${KONG}-alb`);
        expect(alb.spec.ingressClassName).to.equal("alb");
        expect(alb.spec.defaultBackend).to.deep.equal({ service: { name: KONG_PROXY, port: { number: 443 } } });
        expect(alb.metadata.annotations).to.include(albIngressAnnotations({ type: "alb", certificateArn: CERT }));
        expect(alb.metadata.annotations).to.include({ "alb.ingress.kubernetes.io/backend-protocol-version": "GRPC", "alb.ingress.kubernetes.io/success-codes": "0,5,12" });
    });

    it("Kuma: injection labels on the namespaces, the mTLS Mesh and its allow-all permission", async () => {
        for (const ns of ["apps", "kong"]) {
            expect((await kube.must(`/api/v1/namespaces/${ns}`)).metadata.labels, ns).to.include({ "kuma.io/sidecar-injection": "enabled", "kuma.io/mesh": "default" });
        }
        const mesh = await kube.must("/apis/kuma.io/v1alpha1/meshes/default");
        expect(mesh.spec.mtls).to.deep.equal({ enabledBackend: "ca-1", backends: [{ name: "ca-1", type: "builtin", mode: "STRICT" }] });
        const permission = await kube.must("/apis/kuma.io/v1alpha1/namespaces/kuma-system/meshtrafficpermissions/default-allow-all");
        expect(permission.spec.from[0].default.action).to.equal("Allow");
        // The ContainerPatch that sizes Kong's sidecar (requests = limits), named by the gateway pods.
        const patch = await kube.must(`/apis/kuma.io/v1alpha1/namespaces/kuma-system/containerpatches/${KONG}-sidecar`);
        const deployment = await kube.must(`/apis/apps/v1/namespaces/kong/deployments/${KONG_DEPLOYMENT}`);
        expect(deployment.spec.template.metadata.annotations["kuma.io/container-patches"]).to.equal(patch.metadata.name);
        const sidecar = JSON.parse(patch.spec.sidecarPatch[0].value);
        expect(sidecar.requests).to.deep.equal(sidecar.limits);
    });

    it("the engine's order (stack state dependencies): Mesh, then the permission, both before the ContainerPatch, Kong's release and the services", async () => {
        const resources = await stateResources(stack);
        const byKind = (kind: string) => resources.filter((r) => r.type === `kubernetes:kuma.io/v1alpha1:${kind}`);
        const [mesh] = byKind("Mesh");
        const [permission] = byKind("MeshTrafficPermission");
        const [patch] = byKind("ContainerPatch");
        const release = helmRelease(resources, KONG);
        expect(permission.dependencies).to.include(mesh.urn);
        expect(patch.dependencies).to.include.members([mesh.urn, permission.urn]);
        expect(release.dependencies).to.include.members([mesh.urn, permission.urn, patch.urn]);
        const serviceObjects = resources.filter((r) => /GrpcService\$kubernetes:(apps\/v1:Deployment|core\/v1:Service)::/.test(r.urn));
        expect(serviceObjects).to.have.length(2);
        for (const r of serviceObjects) expect(r.dependencies, r.urn).to.include.members([mesh.urn, permission.urn]);
    });

    it("the GRPCRoute attaches to Kong's Gateway and matches the gRPC method, with its plugins", async () => {
        const gatewayClass = await kube.must(`/apis/gateway.networking.k8s.io/v1/gatewayclasses/${KONG}`);
        expect(gatewayClass.spec.controllerName).to.equal("konghq.com/kic-gateway-controller");
        const route = await kube.must("/apis/gateway.networking.k8s.io/v1/namespaces/apps/grpcroutes/greeter");
        const [parent] = route.spec.parentRefs;
        const gateway = await kube.must(`/apis/gateway.networking.k8s.io/v1/namespaces/${parent.namespace}/gateways/${parent.name}`);
        expect(gateway.spec.gatewayClassName).to.equal(KONG);
        expect(route.spec.hostnames).to.deep.equal(["grpc.example.com"]);
        // A full method: KIC's Exact would be a prefix (`~/helloworld.Greeter/SayHello`), so an anchored regex (rules/grpc.ts).
        expect(route.spec.rules[0].matches).to.deep.equal([{ method: { type: "RegularExpression", service: "helloworld\\.Greeter", method: "SayHello$" } }]);
        expect(route.metadata.annotations["konghq.com/plugins"].split(",")).to.have.members(["greeter-rate-limiting", "greeter-key-auth", "greeter-jwt"]);
    });

    it("gRPC-Web: two http,https Ingresses for the same method with grpc-web and cors; auth falls back to a refused anonymous consumer", async () => {
        const web = await kube.must("/apis/networking.k8s.io/v1/namespaces/apps/ingresses/greeter-grpc-web");
        expect(web.metadata.annotations).to.include({ "konghq.com/protocols": "http,https", "konghq.com/headers.content-type": "~*^application/grpc-web" });
        expect(web.metadata.annotations["konghq.com/plugins"].split(",")).to.have.members(["greeter-rate-limiting", "greeter-key-auth", "greeter-jwt", "greeter-grpc-web", "greeter-cors"]);
        // The same exact-method path as a gRPC Ingress route (rules/grpc.ts ingressPath).
        expect(web.spec.rules[0].http.paths[0]).to.deep.include(ingressPath("/helloworld.Greeter/SayHello"));
        const preflight = await kube.must("/apis/networking.k8s.io/v1/namespaces/apps/ingresses/greeter-grpc-web-preflight");
        expect(preflight.metadata.annotations).to.include({ "konghq.com/methods": "OPTIONS", "konghq.com/plugins": "greeter-grpc-web,greeter-cors" });
        const anonymous = await kube.must("/apis/configuration.konghq.com/v1/namespaces/apps/kongconsumers/greeter-anonymous");
        expect(anonymous.username).to.equal("anonymous.greeter.apps");
        expect(anonymous.metadata.annotations).to.include({ "konghq.com/plugins": "greeter-anonymous-termination" });
        const keyAuth = await kube.must("/apis/configuration.konghq.com/v1/namespaces/apps/kongplugins/greeter-key-auth");
        expect(keyAuth.config.anonymous).to.equal("anonymous.greeter.apps");
    });

    it("Redis rate limiting: the password only in the Secret the KongPlugin patches from; the cluster-wide limit is the limit", async () => {
        const plugin = await kube.must("/apis/configuration.konghq.com/v1/namespaces/apps/kongplugins/greeter-rate-limiting");
        expect(plugin.config).to.deep.include({ second: 50, policy: "redis" });
        expect(plugin.configPatches).to.deep.equal([{ path: "/redis/password", valueFrom: { secretKeyRef: { name: "greeter-rate-limiting", key: "password" } } }]);
        expect(JSON.stringify(plugin)).to.not.include(REDIS_PASSWORD);
        const secret = await kube.must("/api/v1/namespaces/apps/secrets/greeter-rate-limiting");
        expect(JSON.parse(Buffer.from(secret.data.password, "base64").toString())).to.equal(REDIS_PASSWORD);
        const outputs = await stack.outputs();
        expect(outputs.rateLimits.value).to.deep.equal([{ service: "apps/greeter", period: "second", limit: 50, policy: "redis", minimum: 50, maximum: 50 }]);
    });

    it("the consumer's key-auth credential is a Secret holding the key", async () => {
        const consumer = await kube.must("/apis/configuration.konghq.com/v1/namespaces/apps/kongconsumers/greeter-mobile-app");
        expect(consumer.username).to.equal("mobile-app");
        const [secretName] = consumer.credentials;
        const secret = await kube.must(`/api/v1/namespaces/apps/secrets/${secretName}`);
        expect(secret.metadata.labels).to.include({ "konghq.com/credential": "key-auth" });
        expect(Buffer.from(secret.data.key, "base64").toString()).to.equal(MOBILE_APP_KEY);
    });

    it("a second preview and a refresh report no changes, and the admission-webhook certificate stays the same", async () => {
        const webhookSecrets = async () =>
            (await kube.list("/api/v1/namespaces/kong/secrets")).filter((s) => s.type === "kubernetes.io/tls").map((s) => `${s.metadata.name}:${s.data["tls.crt"]}`);
        const before = await webhookSecrets();
        expect(before.length).to.be.greaterThan(0);
        expect(onlyChanges((await stack.preview()).changeSummary), "preview").to.deep.equal([]);
        expect(onlyChanges((await stack.refresh()).summary.resourceChanges), "refresh").to.deep.equal([]);
        expect(onlyChanges((await stack.preview()).changeSummary), "preview after refresh").to.deep.equal([]);
        expect(await webhookSecrets()).to.deep.equal(before);
    });

    it("the control plane dialled no address outside loopback (webhooks resolve to endpoints, and there are none)", () => {
        expectLoopbackOnly(applied.cluster);
    });

    it("destroy removes everything but the Kong CRDs Helm keeps by design", async () => {
        await unprotectAll(stack);
        expect((await stack.destroy()).summary.resourceChanges).to.deep.equal({ delete: created });
        await namespacesGone(kube, ["apps", "kong", "kuma-system"]);
        expect(await kube.list("/apis/apps/v1/deployments")).to.deep.equal([]);
        expect(await kube.list("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations")).to.deep.equal([]);
        const crdGroups = new Set((await kube.list("/apis/apiextensions.k8s.io/v1/customresourcedefinitions")).map((c) => c.spec.group as string));
        expect([...crdGroups].sort()).to.deep.equal(["configuration.konghq.com"]);
    });
});
