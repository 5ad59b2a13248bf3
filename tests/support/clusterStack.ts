// Reading a stack applied to the local cluster: its state, the objects it created, and polling helpers.
import { ConfigMap, Stack } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import * as fs from "fs";
import { KubeClient, KubeObject } from "../../scripts/lib/kube-client";
import { LocalCluster, startLocalCluster } from "../../scripts/lib/local-cluster";
import { offLoopbackDials } from "../../scripts/lib/loopback-dials";
import { prepareEngine, selectStack } from "./engine";
import { missingFrom } from "./kube";

export interface AppliedStack {
    readonly cluster: LocalCluster;
    readonly kube: KubeClient;
    readonly stack: Stack;
    /** Resources `pulumi up` reported as created. */
    readonly created: number;
    /** Removes the stack (state and settings file) and, for upOnFreshCluster, stops the cluster. */
    dispose(): Promise<void>;
}

/**
 * Starts a fresh local cluster and runs `pulumi up` of the project in workDir on it, with `kubeconfig`
 * (a secret) and `waitForReady: false` (no pods can run) added to config.
 */
export async function upOnFreshCluster(label: string, workDir: string, stackName: string, config: ConfigMap): Promise<AppliedStack> {
    const cluster = await startLocalCluster();
    try {
        const applied = await upOnCluster(cluster, label, workDir, stackName, config);
        return {
            ...applied,
            dispose: async () => {
                await applied.dispose();
                await cluster.stop();
            },
        };
    } catch (err) {
        await cluster.stop();
        throw err;
    }
}

/**
 * `pulumi up` of the project in workDir on a running local cluster, with `kubeconfig` (a secret) and
 * `waitForReady: false` added to config. Its dispose removes the stack only; the cluster stays up.
 */
export async function upOnCluster(cluster: LocalCluster, label: string, workDir: string, stackName: string, config: ConfigMap): Promise<AppliedStack> {
    const engine = await prepareEngine();
    let stack: Stack | undefined;
    const dispose = async () => {
        await stack?.workspace.removeStack(stackName, { force: true }).catch(() => undefined);
    };
    try {
        stack = await selectStack(engine, workDir, stackName, {
            ...config,
            kubeconfig: { value: fs.readFileSync(cluster.kubeconfigPath, "utf8"), secret: true },
            waitForReady: { value: "false" },
        });
        const started = Date.now();
        const created = (await stack.up()).summary.resourceChanges?.create ?? 0;
        console.log(`      ${label}: up created ${created} resources in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return { cluster, kube: new KubeClient(cluster), stack, created, dispose };
    } catch (err) {
        await dispose();
        throw err;
    }
}

/** No process of the cluster has logged a dial to an address outside 127.0.0.0/8 (docs/cluster.md). */
export function expectLoopbackOnly(cluster: LocalCluster): void {
    for (const [name, log] of Object.entries(cluster.logs())) expect(offLoopbackDials(log), `${name} dialled`).to.deep.equal([]);
}

/** Waits for the namespace controller to finish deleting the given namespaces. */
export async function namespacesGone(kube: KubeClient, namespaces: readonly string[]): Promise<void> {
    await eventually(`namespaces ${namespaces.join(", ")} gone`, 120, async () => {
        const names = (await kube.list("/api/v1/namespaces")).map((n) => n.metadata.name);
        return namespaces.some((ns) => names.includes(ns)) ? undefined : true;
    });
}

export interface StateResource {
    readonly urn: string;
    readonly type: string;
    readonly inputs: Record<string, any>;
    readonly outputs: Record<string, any>;
    /** URNs the engine created before this resource (its recorded dependencies). */
    readonly dependencies?: readonly string[];
}

/** Pulumi's marker of a secret value in exported state (sdk/go/common/resource/sig). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(what: string, seconds: number, check: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
        const value = await check();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`${what}: not within ${seconds} s`);
        await sleep(500);
    }
}

export async function stateResources(stack: Stack): Promise<StateResource[]> {
    return ((await stack.exportStack()).deployment.resources ?? []) as StateResource[];
}

/** What the program declared: the state without default providers (the explicit `cluster` provider counts). */
export function programResources(resources: readonly StateResource[]): StateResource[] {
    // Default providers are named default[_<version>][_<download URL>], e.g.
    // default_0_2_0_github_/api.github.com/meshedge/pulumi-meshedge since the schema has a pluginDownloadURL.
    return resources.filter((r) => !(r.type.startsWith("pulumi:providers:") && /::default(_[^:]*)?$/.test(r.urn)));
}

export function helmRelease(resources: readonly StateResource[], releaseName: string): StateResource {
    const found = resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.name === releaseName);
    if (!found) throw new Error(`no Helm release ${releaseName} in the stack state`);
    return found;
}

export function container(deployment: KubeObject, name: string): KubeObject {
    const found = deployment.spec.template.spec.containers.find((c: KubeObject) => c.name === name);
    if (!found) throw new Error(`${deployment.metadata.name} has no container ${name}`);
    return found;
}

export function envValue(c: KubeObject, name: string): string | undefined {
    return c.env?.find((e: KubeObject) => e.name === name)?.value;
}

/** Operations other than "same" in a preview's changeSummary or an update's resourceChanges. */
export function onlyChanges(summary: Record<string, number> | undefined): string[] {
    return Object.keys(summary ?? {}).filter((op) => op !== "same");
}

/** Inputs without secret values: state holds them encrypted, so they cannot be compared with the cluster. */
function withoutSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withoutSecrets);
    if (value === null || typeof value !== "object") return value;
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => !(v !== null && typeof v === "object" && SECRET_SIG in v));
    return Object.fromEntries(entries.map(([k, v]) => [k, withoutSecrets(v)]));
}

/**
 * Every kubernetes object the stack created directly (not through Helm) is in the API server with every
 * field it was sent; returns how many were checked.
 */
export async function expectObjectsAsSent(kube: KubeClient, resources: readonly StateResource[]): Promise<number> {
    const direct = resources.filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh") && r.outputs?.kind !== undefined);
    for (const r of direct) {
        const live = await kube.must(await kube.objectPath(r.outputs.apiVersion, r.outputs.kind, r.outputs.metadata.name, r.outputs.metadata.namespace));
        const expected = withoutSecrets(r.inputs) as Record<string, unknown>;
        // stringData is write-only: the API server folds it into data.
        const { stringData: _written, ...comparable } = expected;
        expect(missingFrom(comparable, live), r.urn).to.deep.equal([]);
    }
    return direct.length;
}

/** Keys the chart adds on top of what the component asked for (reported, not failed: chart defaults). */
export function chartAdditions(computed: Record<string, string> | undefined, rendered: Record<string, string> | undefined): string[] {
    return Object.keys(rendered ?? {}).filter((k) => !(k in (computed ?? {})));
}

/**
 * Lifts Pulumi's protect from every resource, as `pulumi state unprotect --all` does: meshedge protects
 * what owns a load balancer (protectLoadBalancer, default true), so an operator unprotects before a
 * destroy. The upgrade test checks the protection itself.
 */
export async function unprotectAll(stack: Stack): Promise<void> {
    const state = await stack.exportStack();
    for (const r of state.deployment.resources ?? []) delete r.protect;
    await stack.importStack(state);
}
