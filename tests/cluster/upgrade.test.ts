// Upgrading a stack made by meshedge 0.1.0 (commit 296f963) to this checkout: no replacement, no delete.
//
// Importing the recorded state alone cannot reproduce the cluster: the Helm releases' rendered objects
// and Helm's own release records are not in Pulumi's state, and the kubernetes provider previews
// updates with a server-side dry run against the live objects. So the test builds 0.1.0 from this
// clone's history (scripts/lib/release-0.1.0.ts), runs `up` of its TypeScript example on a fresh local
// API server, checks that the state it makes is the recorded fixture
// (tests/fixtures/upgrade/meshedge-0.1.0-typescript-example.json, re-recorded by
// scripts/record-upgrade-fixture.ts), forgets that stack, and imports the fixture (this machine's chart
// paths and kubeconfig put back, scripts/lib/upgrade-fixture.ts) into the stack this checkout's
// example previews. The fixture's secrets are encrypted under the passphrase "meshedge-engine-tests".
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { LocalCluster, startLocalCluster } from "../../scripts/lib/local-cluster";
import { deriveTypeScriptExample, linkExampleModules, localChartConfig } from "../../scripts/lib/prepare-examples";
import { buildRelease010, PreviousRelease } from "../../scripts/lib/release-0.1.0";
import { repoRoot } from "../../scripts/lib/repo-root";
import { readUpgradeFixture, restoreExport, scrubExport, UPGRADE_FIXTURE_PASSPHRASE } from "../../scripts/lib/upgrade-fixture";
import { Engine, prepareEngine, projectIndependentUrn, selectStack } from "../support/engine";
import { EdgeStackToken } from "../../provider/src/generated/schema-types";

/** The fixture was recorded as stack "upgrade" of project meshedge-example-typescript; URNs name both. */
const STACK = "upgrade";
const RELEASE_STACK = "upgrade-v010";
const KONG_RELEASE_URN_SUFFIX = "kubernetes:helm.sh/v3:Release::edge-kong";
const REPLACING = new Set(["replace", "create-replacement", "delete-replaced", "delete", "discard", "discard-replaced", "import-replacement"]);

interface Step {
    readonly op: string;
    readonly urn: string;
    readonly type: string;
    readonly diffReasons?: string[];
    readonly detailedDiff?: Record<string, { kind: string }>;
    readonly oldState?: { inputs?: Record<string, unknown> };
    readonly newState?: { inputs?: Record<string, unknown> };
}

/** Leaf paths (dot-joined keys; arrays are leaves) whose value differs between two input bags. */
function changedLeaves(before: unknown, after: unknown): string[] {
    const flat = (v: unknown, prefix: string, out: Record<string, string>): Record<string, string> => {
        if (v !== null && typeof v === "object" && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) flat(x, prefix ? `${prefix}.${k}` : k, out);
        else out[prefix] = JSON.stringify(v);
        return out;
    };
    const [a, b] = [flat(before ?? {}, "", {}), flat(after ?? {}, "", {})];
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k] && !k.startsWith("__"));
}

const short = projectIndependentUrn;

/** Resources without the parts that differ between two `up`s of the same program (ids, timestamps, secrets, cluster-assigned fields). */
function comparable(exported: any): Record<string, { type: string; inputs: unknown }> {
    const out: Record<string, { type: string; inputs: unknown }> = {};
    const dropSecrets = (v: any): any =>
        Array.isArray(v) ? v.map(dropSecrets) : v !== null && typeof v === "object" ? ("4dabf18193072939515e22adb298388d" in v ? "<secret>" : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, dropSecrets(x)]))) : v;
    // The stack resource is named after the stack, and the 0.1.0 stack here has its own name.
    for (const r of exported.deployment.resources ?? []) out[r.type === "pulumi:pulumi:Stack" ? r.type : short(r.urn)] = { type: r.type, inputs: dropSecrets(r.inputs ?? {}) };
    return out;
}

describe("cluster: upgrading meshedge 0.1.0's example stack to this checkout", function () {
    this.timeout(40 * 60 * 1000);
    const exampleDir = path.join(repoRoot(), "examples", "typescript");
    /** The example with the EdgeStack renamed "edge" -> "edge-eu" (renamedFrom) and protectLoadBalancer read from config, so a test can lift it. */
    const renamedDir = path.join(repoRoot(), "tests", ".work", "upgrade-renamed");
    let cluster: LocalCluster;
    let release: PreviousRelease | undefined;
    let engine: Engine;
    let kubeconfig: string;
    let config: Record<string, { value: string; secret?: boolean }>;

    const previewSteps = (workDir: string): Step[] => {
        const out = execFileSync("pulumi", ["preview", "--json", "--stack", STACK, "--non-interactive"], { cwd: workDir, env: engine.env, encoding: "utf8", maxBuffer: 64 << 20 });
        return JSON.parse(out).steps as Step[];
    };
    const stackIn = (workDir: string): Promise<Stack> => selectStack(engine, workDir, STACK, config);

    /** Both programs share stack STACK; its settings file in each directory, which an earlier run may have left. */
    const removeSettings = () => {
        for (const dir of [exampleDir, renamedDir]) fs.rmSync(path.join(dir, `Pulumi.${STACK}.yaml`), { force: true });
    };

    before(async function () {
        removeSettings();
        cluster = await startLocalCluster();
        kubeconfig = fs.readFileSync(cluster.kubeconfigPath, "utf8");
        config = { ...localChartConfig(), kubeconfig: { value: kubeconfig, secret: true }, waitForReady: { value: "false" } };
        engine = await prepareEngine();
        expect(engine.env.PULUMI_CONFIG_PASSPHRASE).to.equal(UPGRADE_FIXTURE_PASSPHRASE);
        release = buildRelease010();
        execFileSync("pulumi", ["plugin", "install", "resource", "meshedge", release.version, "--file", release.pluginTarball, "--reinstall"], { env: engine.env, stdio: ["ignore", "ignore", "inherit"] });
        deriveTypeScriptExample(renamedDir, [
            [`new meshedge.EdgeStack(\n    "edge",\n    {\n`, `new meshedge.EdgeStack(\n    "edge-eu",\n    {\n        renamedFrom: "edge",\n        protectLoadBalancer: config.getBoolean("protectLoadBalancer"),\n`],
        ]);
        // The example's project name, so the renamed program takes over the example's stack.
        for (const file of ["Pulumi.yaml", "tsconfig.json"]) fs.copyFileSync(path.join(exampleDir, file), path.join(renamedDir, file));
        linkExampleModules(renamedDir);
    });

    after(async function () {
        release?.remove();
        for (const dir of [exampleDir, renamedDir]) {
            await LocalWorkspace.create({ workDir: dir, pulumiCommand: engine?.command, pulumiHome: engine?.pulumiHome, envVars: engine?.env })
                .then((ws) => ws.removeStack(STACK, { force: true }))
                .catch(() => undefined);
        }
        removeSettings();
        await cluster?.stop();
    });

    it("0.1.0's example, up on a fresh API server, makes the recorded state", async () => {
        const old = await LocalWorkspace.createOrSelectStack({ stackName: RELEASE_STACK, workDir: release!.programDir }, { pulumiCommand: engine.command, pulumiHome: engine.pulumiHome, envVars: engine.env });
        await old.setAllConfig(config);
        const up = await old.up();
        const exported = scrubExport(await old.exportStack(), [release!.dir, engine.backendDir]);
        // Forget the 0.1.0 stack without destroying: the objects it made now belong to the imported one.
        await old.workspace.removeStack(RELEASE_STACK, { force: true });
        const fixture = readUpgradeFixture();
        const [now, recorded] = [comparable(exported), comparable(fixture)];
        const differing = [...new Set([...Object.keys(now), ...Object.keys(recorded)])].filter((k) => JSON.stringify(now[k]) !== JSON.stringify(recorded[k]));
        expect(differing, "resources whose type or inputs differ from the fixture").to.deep.equal([]);
        // Every resource but the meshedge default provider, which the engine registers without a create step.
        expect(up.summary.resourceChanges?.create).to.equal(fixture.deployment.resources.filter((r: any) => !/::default_[0-9_]+$/.test(r.urn)).length);
    });

    it("the fixture imported and previewed with this checkout's plugin: no replacement, no delete, and only the updates explained here", async () => {
        const stack = await stackIn(exampleDir);
        await stack.importStack(restoreExport(readUpgradeFixture(), kubeconfig));
        const steps = previewSteps(exampleDir);
        const replacing = steps.filter((s) => REPLACING.has(s.op)).map((s) => `${s.op} ${short(s.urn)}`);
        console.log(`      steps: ${steps.map((s) => `${s.op} ${short(s.urn)}${s.diffReasons?.length ? ` [${s.diffReasons.join(", ")}]` : ""}`).join("\n        ")}`);
        expect(replacing, "replacements and deletes").to.deep.equal([]);
        const changed = steps.filter((s) => s.op !== "same");
        expect(changed.map((s) => `${s.op} ${short(s.urn)}`)).to.have.members([
            ...Object.keys(EXPECTED_UPDATES).map((u) => `update ${u}`),
            ...Object.keys(EXPECTED_CREATES).map((u) => `create ${u}`),
        ]);
        for (const step of changed.filter((s) => s.op === "update")) {
            const expected = EXPECTED_UPDATES[short(step.urn)];
            expect(changedLeaves(step.oldState?.inputs, step.newState?.inputs), short(step.urn)).to.have.members(Object.keys(expected));
        }
    });

    it("up applies the upgrade; the Kong release that owns the NLB is now protected", async () => {
        const stack = await stackIn(exampleDir);
        const result = await stack.up();
        expect(Object.keys(result.summary.resourceChanges ?? {}).filter((op) => REPLACING.has(op))).to.deep.equal([]);
        const kong = (await stack.exportStack()).deployment.resources.find((r: any) => r.urn.endsWith(KONG_RELEASE_URN_SUFFIX));
        expect(kong.protect).to.equal(true);
    });

    it("renaming the EdgeStack with renamedFrom previews no create, replace or delete", async () => {
        const stack = await stackIn(renamedDir);
        const steps = previewSteps(renamedDir);
        const changed = steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${short(s.urn)}`);
        console.log(`      rename steps: ${changed.join("\n        ") || "(none but same)"}`);
        expect(changed.filter((c) => !c.startsWith("update ")), "anything but an update").to.deep.equal([]);
        await stack.up();
        const resources = (await stack.exportStack()).deployment.resources;
        const urns = resources.map((r: any) => short(r.urn));
        expect(urns).to.include(`${EdgeStackToken}::edge-eu`).and.not.include(`${EdgeStackToken}::edge`);
        const kong = resources.filter((r: any) => r.urn.endsWith(KONG_RELEASE_URN_SUFFIX));
        expect(kong.map((r: any) => r.protect)).to.deep.equal([true]);
    });

    it("destroy fails on the protected Kong release until protectLoadBalancer is false", async () => {
        const stack = await stackIn(renamedDir);
        let message = "";
        await stack.destroy().catch((err: Error) => (message = err.message));
        // Pulumi's own refusal (pkg/resource/deploy: "... is protected").
        expect(message).to.match(/edge-kong.*protected|protected.*edge-kong/s);
        await stack.setConfig("protectLoadBalancer", { value: "false" });
        await stack.up();
        const destroyed = await stack.destroy();
        expect(destroyed.summary.resourceChanges?.delete).to.be.greaterThan(10);
    });
});

const ISTIO_SIDECAR = "the gateway's Istio sidecar sized by mesh.istio.gatewaySidecar (default 1 CPU / 512Mi, requests = limits)";
const CLIENT_ADDRESS = "the client address through the NLB: proxy protocol on the proxy listens, real_ip from it, trusted VPC ranges";
const NLB_HEALTH = "the NLB probes the TLS status listener that parses proxy protocol (8543), not the kubelet's plain one";
const DRAIN = "draining: Kong quits with --wait before the pod goes, deregistration delay 120 s, grace period 135 s";
const STREAMS = "long gRPC streams: NLB listener idle timeout 3600 s and Kong's upstream timeouts on the Service";
const RECYCLING = "connection recycling behind the NLB (vertical: 10000 requests / 3600 s)";

const SECURE = "issue 12's secure defaults for the gRPC Deployments meshedge creates";
/** Pod Security labels on the namespaces meshedge creates (issue 12): enforce, audit and warn, each with its version. */
const POD_SECURITY_LABELS: Record<string, string> = Object.fromEntries(
    ["enforce", "audit", "warn"].flatMap((mode) => [
        [`metadata.labels.pod-security.kubernetes.io/${mode}`, "issue 12's Pod Security labels"],
        [`metadata.labels.pod-security.kubernetes.io/${mode}-version`, "issue 12's Pod Security labels, pinned to the cluster's minor version"],
    ]),
);

/** What the upgrade creates: the greeter runs 2 replicas, so it now gets a PodDisruptionBudget (issue 12). */
const EXPECTED_CREATES: Record<string, string> = {
    "meshedge:index:EdgeStack$meshedge:index:GrpcService$kubernetes:policy/v1:PodDisruptionBudget::edge-apps-greeter-pdb": `${SECURE}: maxUnavailable 1 above one replica`,
};

/**
 * Every update the upgrade from 0.1.0 previews, by resource, with each changed input and why: the
 * 0.1.0 -> 0.2.0 rules (issue 10's sizing, client address, drain and stream work; issue 12's secure defaults). Nothing else changes.
 */
const EXPECTED_UPDATES: Record<string, Record<string, string>> = {
    "meshedge:index:EdgeStack$meshedge:index:MeshNamespace$kubernetes:core/v1:Namespace::edge-ns-kong": {
        "metadata.labels.elbv2.k8s.aws/pod-readiness-gate-inject": "the AWS Load Balancer Controller's readiness gate holds a rollout until new Kong pods are healthy in the target group",
        ...POD_SECURITY_LABELS,
    },
    "meshedge:index:EdgeStack$meshedge:index:MeshNamespace$kubernetes:core/v1:Namespace::edge-ns-apps": POD_SECURITY_LABELS,
    "meshedge:index:EdgeStack$kubernetes:core/v1:Namespace::edge-istio-system": POD_SECURITY_LABELS,
    "meshedge:index:EdgeStack$meshedge:index:GrpcService$kubernetes:apps/v1:Deployment::edge-apps-greeter": {
        "spec.template.spec.containers": `${SECURE}: the container's securityContext (non-root 65532, no escalation, ALL dropped, RuntimeDefault, read-only root) and its default requests`,
        "spec.template.spec.securityContext.fsGroup": `${SECURE}: the pod's fsGroup`,
        "spec.template.spec.topologySpreadConstraints": `${SECURE}: spread across zones`,
    },
    "meshedge:index:EdgeStack$meshedge:index:KongGateway$kubernetes:helm.sh/v3:Release::edge-kong": {
        "values.gateway.resources.limits.memory": "issue 10's memory formula: 4 workers x 512 + 2 x 128 (mem_cache_size) + 256 = 2560Mi (0.1.0: 2048Mi)",
        "values.gateway.resources.requests.memory": "the same formula; requests = limits",
        "values.gateway.env.mem_cache_size": "Kong's cache is set explicitly, as the formula counts it (128m)",
        "values.gateway.env.nginx_http_keepalive_requests": RECYCLING,
        "values.gateway.env.nginx_http_keepalive_time": RECYCLING,
        "values.gateway.env.real_ip_header": CLIENT_ADDRESS,
        "values.gateway.env.real_ip_recursive": CLIENT_ADDRESS,
        "values.gateway.env.trusted_ips": CLIENT_ADDRESS,
        "values.gateway.proxy.http.parameters": CLIENT_ADDRESS,
        "values.gateway.proxy.tls.parameters": CLIENT_ADDRESS,
        "values.gateway.proxy.annotations.service.beta.kubernetes.io/aws-load-balancer-proxy-protocol": CLIENT_ADDRESS,
        "values.gateway.proxy.annotations.service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": `${DRAIN}; preserve_client_ip off with proxy protocol`,
        "values.gateway.proxy.annotations.service.beta.kubernetes.io/aws-load-balancer-healthcheck-port": NLB_HEALTH,
        "values.gateway.proxy.annotations.service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol": NLB_HEALTH,
        "values.gateway.status.tls.enabled": NLB_HEALTH,
        "values.gateway.status.tls.containerPort": NLB_HEALTH,
        "values.gateway.status.tls.parameters": NLB_HEALTH,
        "values.gateway.proxy.annotations.service.beta.kubernetes.io/aws-load-balancer-listener-attributes.TCP-80": STREAMS,
        "values.gateway.proxy.annotations.service.beta.kubernetes.io/aws-load-balancer-listener-attributes.TCP-443": STREAMS,
        "values.gateway.lifecycle.preStop.exec.command": DRAIN,
        "values.gateway.terminationGracePeriodSeconds": DRAIN,
        "values.gateway.podAnnotations.sidecar.istio.io/proxyCPU": ISTIO_SIDECAR,
        "values.gateway.podAnnotations.sidecar.istio.io/proxyCPULimit": ISTIO_SIDECAR,
        "values.gateway.podAnnotations.sidecar.istio.io/proxyMemory": ISTIO_SIDECAR,
        "values.gateway.podAnnotations.sidecar.istio.io/proxyMemoryLimit": ISTIO_SIDECAR,
        "values.gateway.manager.enabled": "Kong Manager's NodePort Service off (issue 12's scanners; docs/security.md)",
    },
    ...Object.fromEntries(
        ["greeter", "orders"].map((name) => [
            `meshedge:index:EdgeStack$meshedge:index:GrpcService$kubernetes:core/v1:Service::edge-apps-${name}-service`,
            {
                "metadata.annotations.konghq.com/connect-timeout": STREAMS,
                "metadata.annotations.konghq.com/read-timeout": STREAMS,
                "metadata.annotations.konghq.com/write-timeout": STREAMS,
            },
        ]),
    ),
};
