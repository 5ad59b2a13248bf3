// Tier 4: each example (TypeScript, Python, Go) goes through `pulumi up` against a real API server
// (scripts/lib/local-cluster.ts) with the real charts of ../shared, then is read back, previewed and
// refreshed for spurious diffs, switched from vertical to horizontal, and destroyed.
// There is no kubelet: pods never run, so the examples get `waitForReady: false`.
import { Stack } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as path from "path";
import { KubeClient } from "../../scripts/lib/kube-client";
import { localChartConfig } from "../../scripts/lib/prepare-examples";
import { kongReleaseChanges, NO_CHANGES, summarizePreview } from "../../tools/preview-summary";
import { repoRoot } from "../../scripts/lib/repo-root";
import { prepareEngine } from "../support/engine";
import {
    AppliedStack,
    chartAdditions,
    container,
    envValue,
    eventually,
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
import { missingFrom, quantity } from "../support/kube";
import { judgeObjects, readBackObjects } from "../support/securityScan";
import { EdgeStackToken } from "../../provider/src/generated/schema-types";

const languages = ["typescript", "python", "go"] as const;
const STACK = "cluster";
const KONG_RELEASE = "edge-kong";
const GATEWAY = "/apis/apps/v1/namespaces/kong/deployments/edge-kong-gateway";
const GATEWAY_HPA = "/apis/autoscaling/v2/namespaces/kong/horizontalpodautoscalers/edge-kong-gateway";
/** Our namespaces; kube-system, default, kube-public and kube-node-lease belong to the cluster. */
const STACK_NAMESPACES = ["apps", "kong", "istio-system"];

for (const language of languages) {
    describe(`cluster: the ${language} example through up, preview, refresh, change and destroy`, function () {
        this.timeout(20 * 60 * 1000);
        const workDir = path.join(repoRoot(), "examples", language);
        let applied: AppliedStack;
        let kube: KubeClient;
        let stack: Stack;
        let created: number;

        /** `pulumi preview --json` through the CLI: the document the PR summary reads. */
        const previewJson = async (): Promise<any> => {
            const env = (await prepareEngine()).env;
            return JSON.parse(execFileSync("pulumi", ["preview", "--json", "--stack", STACK, "--non-interactive"], { cwd: workDir, env, encoding: "utf8", maxBuffer: 64 << 20 }));
        };

        before(async function () {
            applied = await upOnFreshCluster(language, workDir, STACK, { ...localChartConfig(), scaling: { value: "vertical" } });
            ({ kube, stack, created } = applied);
        });

        after(async function () {
            await applied?.dispose();
        });

        it("creates every resource of the stack", async () => {
            const declared = programResources(await stateResources(stack));
            expect(created).to.equal(declared.length);
            expect(declared.map((r) => r.type)).to.include.members(["pulumi:pulumi:Stack", "pulumi:providers:kubernetes", EdgeStackToken]);
        });

        it("every object the component created directly is in the API server as it was sent", async () => {
            expect(await expectObjectsAsSent(kube, await stateResources(stack))).to.be.greaterThan(10);
        });

        if (language === "typescript") {
            it("checkov and kube-score find nothing in the stack's objects that docs/security.md does not list (NLB + Istio)", async function () {
                this.timeout(10 * 60 * 1000);
                const judged = judgeObjects(await readBackObjects(kube, STACK_NAMESPACES), "nlb-istio");
                expect(judged.objects).to.be.greaterThan(10);
                expect(judged.unlisted, "fix these, or list them with a reason in docs/security.md").to.deep.equal([]);
                expect(judged.stale, "no longer found: remove from docs/security.md").to.deep.equal([]);
            });
        }

        it("labels the service and Kong namespaces for Istio injection, and not istio-system", async () => {
            for (const ns of ["apps", "kong"]) {
                expect((await kube.must(`/api/v1/namespaces/${ns}`)).metadata.labels, ns).to.include({ "istio-injection": "enabled" });
            }
            expect((await kube.must("/api/v1/namespaces/istio-system")).metadata.labels).not.to.have.property("istio-injection");
        });

        it("the chart renders the Kong gateway exactly as sized: 2 replicas x 4 workers, 4 CPU and 2560 MiB per pod, Kong's cache and recycling", async () => {
            const values = helmRelease(await stateResources(stack), KONG_RELEASE).inputs.values;
            expect(values.gateway.env.nginx_worker_processes).to.equal("4");
            const gateway = await kube.must(GATEWAY);
            const proxy = container(gateway, "proxy");
            expect(envValue(proxy, "KONG_NGINX_WORKER_PROCESSES")).to.equal(values.gateway.env.nginx_worker_processes);
            expect(gateway.spec.replicas).to.equal(values.gateway.replicaCount).and.to.equal(2);
            expect(missingFrom(values.gateway.resources, proxy.resources)).to.deep.equal([]);
            expect(quantity(proxy.resources.limits.cpu)).to.equal(4);
            expect(quantity(proxy.resources.limits.memory)).to.equal((4 * 512 + 2 * 128 + 256) * 2 ** 20);
            expect(envValue(proxy, "KONG_MEM_CACHE_SIZE")).to.equal("128m");
            expect(envValue(proxy, "KONG_NGINX_HTTP_KEEPALIVE_REQUESTS")).to.equal("10000");
            expect(envValue(proxy, "KONG_NGINX_HTTP_KEEPALIVE_TIME")).to.equal("3600s");
            expect(await kube.get(GATEWAY_HPA)).to.equal(undefined);
            const pdb = await kube.must("/apis/policy/v1/namespaces/kong/poddisruptionbudgets/edge-kong-gateway");
            expect(pdb.spec.maxUnavailable).to.equal(values.gateway.podDisruptionBudget.maxUnavailable);
        });

        it("the gateway and controller pods carry the mesh annotations the rules set", async () => {
            const values = helmRelease(await stateResources(stack), KONG_RELEASE).inputs.values;
            const gateway = await kube.must(GATEWAY);
            const controller = await kube.must("/apis/apps/v1/namespaces/kong/deployments/edge-kong-controller");
            const gatewayAnnotations = gateway.spec.template.metadata.annotations;
            const controllerAnnotations = controller.spec.template.metadata.annotations;
            expect(gatewayAnnotations).to.include({ "traffic.sidecar.istio.io/includeInboundPorts": "" });
            expect(controllerAnnotations).to.include({ "traffic.sidecar.istio.io/excludeOutboundPorts": "8444" });
            expect(missingFrom(values.gateway.podAnnotations, gatewayAnnotations)).to.deep.equal([]);
            expect(missingFrom(values.controller.podAnnotations, controllerAnnotations)).to.deep.equal([]);
            console.log(`      chart-added gateway pod annotations: ${chartAdditions(values.gateway.podAnnotations, gatewayAnnotations).join(", ")}`);
            console.log(`      chart-added controller pod annotations: ${chartAdditions(values.controller.podAnnotations, controllerAnnotations).join(", ")}`);
        });

        it("the proxy Service is an NLB-annotated LoadBalancer", async () => {
            const values = helmRelease(await stateResources(stack), KONG_RELEASE).inputs.values;
            const service = await kube.must("/api/v1/namespaces/kong/services/edge-kong-gateway-proxy");
            expect(service.spec.type).to.equal("LoadBalancer");
            expect(service.metadata.annotations).to.include({
                "service.beta.kubernetes.io/aws-load-balancer-type": "external",
                "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
                "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
            });
            expect(missingFrom(values.gateway.proxy.annotations, service.metadata.annotations)).to.deep.equal([]);
        });

        it("the chart turns the traffic rules into Kong's settings: proxy protocol on every proxy listen and on the status port the NLB probes, the drain", async () => {
            const values = helmRelease(await stateResources(stack), KONG_RELEASE).inputs.values;
            const gateway = await kube.must(GATEWAY);
            const proxy = container(gateway, "proxy");
            const listens = (name: string) => (envValue(proxy, name) ?? "").split(",").map((l) => l.trim());
            expect(listens("KONG_PROXY_LISTEN").length).to.be.greaterThan(0);
            for (const listen of listens("KONG_PROXY_LISTEN")) expect(listen).to.include("proxy_protocol").and.include("http2");
            expect(envValue(proxy, "KONG_REAL_IP_HEADER")).to.equal("proxy_protocol");
            expect(envValue(proxy, "KONG_TRUSTED_IPS")).to.equal(values.gateway.env.trusted_ips);
            // The NLB probes the port whose listener parses the header; the kubelet probes the plain one.
            const service = await kube.must("/api/v1/namespaces/kong/services/edge-kong-gateway-proxy");
            const probed = service.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-healthcheck-port"];
            const status = listens("KONG_STATUS_LISTEN");
            expect(status.filter((l) => l.includes(`:${probed} `)).every((l) => l.includes("proxy_protocol") && l.includes("ssl"))).to.equal(true);
            expect(status.filter((l) => l.includes(`:${probed} `))).to.not.deep.equal([]);
            const kubeletPort = proxy.ports.find((p: { name: string }) => p.name === proxy.readinessProbe.httpGet.port).containerPort;
            expect(String(kubeletPort)).to.not.equal(probed);
            expect(status.filter((l) => l.includes(`:${kubeletPort} `)).some((l) => l.includes("proxy_protocol"))).to.equal(false);
            expect(gateway.spec.template.spec.terminationGracePeriodSeconds).to.equal(values.gateway.terminationGracePeriodSeconds);
            expect(proxy.lifecycle.preStop.exec.command).to.deep.equal(values.gateway.lifecycle.preStop.exec.command);
            expect((await kube.must("/api/v1/namespaces/kong")).metadata.labels).to.include({ "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" });
        });

        it("the gRPC Services, routes, rate-limit plugins and STRICT mTLS are in place", async () => {
            for (const name of ["greeter", "orders"]) {
                const service = await kube.must(`/api/v1/namespaces/apps/services/${name}`);
                expect(service.metadata.annotations, name).to.include({ "konghq.com/protocol": "grpc", "ingress.kubernetes.io/service-upstream": "true" });
                expect(service.spec.ports[0].appProtocol).to.equal("grpc");
                const route = await kube.must(`/apis/networking.k8s.io/v1/namespaces/apps/ingresses/${name}`);
                expect(route.spec.ingressClassName).to.equal("kong");
                expect(route.metadata.annotations, name).to.include({ "konghq.com/protocols": "grpc,grpcs", "konghq.com/plugins": `${name}-rate-limiting` });
            }
            const greeterPlugin = await kube.must("/apis/configuration.konghq.com/v1/namespaces/apps/kongplugins/greeter-rate-limiting");
            expect(greeterPlugin.plugin).to.equal("rate-limiting");
            expect(greeterPlugin.config).to.include({ second: 50, minute: 1000 });
            const peer = await kube.must("/apis/security.istio.io/v1/namespaces/apps/peerauthentications/default");
            expect(peer.spec).to.deep.equal({ mtls: { mode: "STRICT" } });
            expect(await kube.list("/apis/security.istio.io/v1/namespaces/kong/peerauthentications")).to.deep.equal([]);
            const greeter = await kube.must("/apis/apps/v1/namespaces/apps/deployments/greeter");
            expect(container(greeter, "greeter").readinessProbe.grpc.port).to.equal(50051);
        });

        it("Helm recorded the Kong, istio-base and istiod releases as deployed", async () => {
            for (const [ns, release] of [["kong", KONG_RELEASE], ["istio-system", "istio-base"], ["istio-system", "istiod"]]) {
                const secrets = await kube.list(`/api/v1/namespaces/${ns}/secrets?labelSelector=owner%3Dhelm,name%3D${release}`);
                expect(secrets.map((s) => s.metadata.labels.status), release).to.deep.equal(["deployed"]);
            }
        });

        it("a second preview and a refresh report no changes", async () => {
            expect(onlyChanges((await stack.preview()).changeSummary), "preview").to.deep.equal([]);
            expect(onlyChanges((await stack.refresh()).summary.resourceChanges), "refresh").to.deep.equal([]);
            const recorded = await previewJson();
            expect(summarizePreview(recorded)).to.equal(NO_CHANGES + "\n");
        });

        it("switching to horizontal previews one update, of the Kong release, and the PR summary shows the sizing change", async () => {
            await stack.setConfig("scaling", { value: "horizontal" });
            const recorded = await previewJson();
            const changed = (recorded.steps as any[]).filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn.split("::").pop()}`);
            expect(changed).to.deep.equal([`update ${KONG_RELEASE}`]);
            const [kong] = kongReleaseChanges(recorded);
            expect(kong.before).to.deep.equal({ replicas: "2", workers: "4", cpu: "4", memory: "2560Mi", memCacheSize: "128m", recycling: "10000 requests / 3600s" });
            // Horizontal behind the NLB (acceptL4Imbalance): connections are recycled sooner so they reach new pods.
            expect(kong.after).to.deep.equal({ replicas: "HPA 3-12", workers: "1", cpu: "1", memory: "1024Mi", memCacheSize: "128m", recycling: "1000 requests / 300s" });
            const markdown = summarizePreview(recorded);
            expect(markdown).to.contain("| update | 1 |").and.to.contain("### Kong sizing");
        });

        it("up applies it: an HPA of 3-12 one-worker pods, which raises the gateway to its minimum", async () => {
            const result = await stack.up();
            expect(result.summary.resourceChanges).to.deep.equal({ update: 1, same: created - 1 });
            const hpa = await kube.must(GATEWAY_HPA);
            expect(hpa.spec).to.deep.include({ minReplicas: 3, maxReplicas: 12 });
            expect(hpa.spec.metrics).to.deep.equal([{ type: "ContainerResource", containerResource: { name: "cpu", container: "proxy", target: { type: "Utilization", averageUtilization: 70 } } }]);
            const proxy = container(await kube.must(GATEWAY), "proxy");
            expect(envValue(proxy, "KONG_NGINX_WORKER_PROCESSES")).to.equal("1");
            expect(quantity(proxy.resources.requests.cpu)).to.equal(1);
            expect(quantity(proxy.resources.requests.memory)).to.equal((512 + 2 * 128 + 256) * 2 ** 20);
            expect(envValue(proxy, "KONG_NGINX_HTTP_KEEPALIVE_REQUESTS")).to.equal("1000");
            expect(envValue(proxy, "KONG_NGINX_HTTP_KEEPALIVE_TIME")).to.equal("300s");
            // Helm drops `replicas` once the chart hands it to the HPA, so Kubernetes resets it to 1 until
            // the HPA controller (kube-controller-manager) raises it to minReplicas.
            const replicas = await eventually("gateway replicas raised to the HPA minimum", 90, async () => {
                const r = (await kube.must(GATEWAY)).spec.replicas;
                return r === 3 ? r : undefined;
            });
            expect(replicas).to.equal(3);
            expect(onlyChanges((await stack.preview()).changeSummary), "preview after the change").to.deep.equal([]);
        });

        it("the control plane dialled no address outside loopback (webhooks resolve to endpoints, and there are none)", () => {
            expectLoopbackOnly(applied.cluster);
        });

        it("destroy removes everything but the CRDs Helm keeps by design", async () => {
            await unprotectAll(stack);
            const result = await stack.destroy();
            expect(result.summary.resourceChanges).to.deep.equal({ delete: created });
            await namespacesGone(kube, STACK_NAMESPACES);
            for (const kind of ["/apis/apps/v1/deployments", "/apis/autoscaling/v2/horizontalpodautoscalers", "/apis/policy/v1/poddisruptionbudgets", "/apis/networking.k8s.io/v1/ingresses"]) {
                expect(await kube.list(kind), kind).to.deep.equal([]);
            }
            expect((await kube.list("/api/v1/services")).map((s) => `${s.metadata.namespace}/${s.metadata.name}`)).to.deep.equal(["default/kubernetes"]);
            expect(await kube.list("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations")).to.deep.equal([]);
            expect(await kube.list("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations")).to.deep.equal([]);
            const clusterRoles = (await kube.list("/apis/rbac.authorization.k8s.io/v1/clusterroles")).map((r) => r.metadata.name);
            expect(clusterRoles.filter((n) => !n.startsWith("system:"))).to.have.members(["admin", "cluster-admin", "edit", "view"]);
            const crdGroups = new Set((await kube.list("/apis/apiextensions.k8s.io/v1/customresourcedefinitions")).map((c) => c.spec.group as string));
            for (const group of crdGroups) expect(group).to.match(/(^|\.)(konghq\.com|istio\.io)$/);
        });
    });
}
