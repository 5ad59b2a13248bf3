// The main job: the demo stack (Pulumi.yaml at the root, program in examples/typescript) through the
// real CLI on a local file backend, with no cloud account.
//   npm run demo            pulumi preview --diff (no cluster needed)
//   npm run demo -- --up    pulumi up against a local API server (scripts/lib/local-cluster.ts), prints what
//                           was created, then destroys it and stops the server
// The first run builds the Pulumi toolchain (and, with --up, the cluster binaries) from the Go module proxy.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KubeClient } from "./lib/kube-client";
import { LocalCluster, startLocalCluster } from "./lib/local-cluster";
import { installPlugins, localChartConfig, prepareTypeScriptExample } from "./lib/prepare-examples";
import { repoRoot } from "./lib/repo-root";
import { ensureToolchain, pulumiEnv } from "./lib/toolchain";

const root = repoRoot();
const demoDir = process.env.MESHEDGE_DEMO_DIR ?? path.join(os.homedir(), ".cache", "meshedge", "demo");

function step(title: string): void {
    console.error(`\n== ${title}`);
}

type Pulumi = (args: string[], options?: { show?: boolean; input?: string }) => void;

/** One line per object the stack owns on the cluster, with what the rules set on it. */
async function printCreated(cluster: LocalCluster): Promise<void> {
    const kube = new KubeClient(cluster);
    const clusterOwned = new Set(["default", "kube-system", "kube-public", "kube-node-lease"]);
    const where = (o: any) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);
    const kinds: [string, string, (o: any) => string][] = [
        ["Namespace", "/api/v1/namespaces", (o) => Object.entries(o.metadata.labels ?? {}).filter(([k]) => !k.startsWith("kubernetes.io/")).map(([k, v]) => `${k}=${v}`).join(" ")],
        ["Deployment", "/apis/apps/v1/deployments", (o) => {
            const proxy = o.spec.template.spec.containers.find((c: any) => c.name === "proxy");
            const workers = proxy?.env?.find((e: any) => e.name === "KONG_NGINX_WORKER_PROCESSES")?.value;
            const limits = proxy?.resources?.limits;
            return `replicas ${o.spec.replicas}` + (workers ? `, ${workers} nginx workers, ${limits.cpu} CPU, ${limits.memory} per pod` : "");
        }],
        ["HorizontalPodAutoscaler", "/apis/autoscaling/v2/horizontalpodautoscalers", (o) => `${o.spec.minReplicas}-${o.spec.maxReplicas} replicas`],
        ["Service", "/api/v1/services", (o) => `${o.spec.type}${o.metadata.annotations?.["service.beta.kubernetes.io/aws-load-balancer-type"] ? " (NLB annotations)" : ""}`],
        ["Ingress", "/apis/networking.k8s.io/v1/ingresses", (o) => `class ${o.spec.ingressClassName} ${o.metadata.annotations?.["konghq.com/plugins"] ?? ""}`],
        ["KongPlugin", "/apis/configuration.konghq.com/v1/kongplugins", (o) => `${o.plugin} ${JSON.stringify(o.config)}`],
        ["PeerAuthentication", "/apis/security.istio.io/v1/peerauthentications", (o) => o.spec.mtls?.mode ?? ""],
    ];
    for (const [kind, url, detail] of kinds) {
        for (const o of await kube.list(url)) {
            if (clusterOwned.has(o.metadata.namespace ?? o.metadata.name)) continue;
            console.log(`${kind.padEnd(24)} ${where(o).padEnd(52)} ${detail(o)}`);
        }
    }
}

async function upListAndDestroy(pulumi: Pulumi): Promise<void> {
    step("local API server (etcd + kube-apiserver + kube-controller-manager; no nodes, so pods never start)");
    const cluster = await startLocalCluster();
    try {
        pulumi(["config", "set", "--secret", "kubeconfig"], { input: fs.readFileSync(cluster.kubeconfigPath, "utf8") });
        pulumi(["config", "set", "waitForReady", "false"]);
        step(`pulumi up (stack local, API server ${cluster.server})`);
        pulumi(["up", "--yes", "--non-interactive", "--skip-preview"], { show: true });
        step("created on the API server");
        await printCreated(cluster);
        // protectLoadBalancer (default true) protects the Kong release; an operator lifts it before a destroy.
        pulumi(["state", "unprotect", "--all", "--yes", "--non-interactive"]);
        step("pulumi destroy (the API server is stopped next)");
        pulumi(["destroy", "--yes", "--non-interactive", "--skip-preview"]);
    } finally {
        await cluster.stop();
    }
}

async function main(): Promise<void> {
    const up = process.argv.includes("--up");
    step("toolchain (pulumi, language hosts, kubernetes provider)");
    const toolchain = ensureToolchain({ cluster: up });
    step("meshedge plugin and Node SDK");
    await prepareTypeScriptExample();

    const env = {
        ...pulumiEnv(toolchain, path.join(demoDir, "home")),
        PULUMI_BACKEND_URL: `file://${path.join(demoDir, "state")}`,
        PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "meshedge-demo",
    };
    fs.mkdirSync(path.join(demoDir, "state"), { recursive: true });
    const pulumi: Pulumi = (args, options = {}) =>
        execFileSync("pulumi", args, { cwd: root, env, input: options.input, stdio: [options.input === undefined ? "ignore" : "pipe", options.show ? "inherit" : "ignore", "inherit"] });
    installPlugins(toolchain, env);
    const stackName = up ? "local" : "dev";
    pulumi(["stack", "select", "--create", stackName]);
    // The chart repositories are unreachable offline: use the pinned charts of ../shared when present.
    for (const [key, { value }] of Object.entries(localChartConfig())) pulumi(["config", "set", key, value]);

    if (up) {
        await upListAndDestroy(pulumi);
        return;
    }
    step(`pulumi preview --diff (stack ${stackName}, local backend)`);
    pulumi(["preview", "--diff", "--non-interactive"], { show: true });
}

main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
});
