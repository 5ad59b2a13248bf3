// A real Kubernetes control plane on loopback for tests: etcd, kube-apiserver and
// kube-controller-manager from the toolchain cache, no kubelet, no nodes, no containers.
// Everything lives in a fresh temp dir that stop() removes.
//
// Loopback only (docs/cluster.md): the machine may send packets only to 127.0.0.0/8. kube-apiserver
// dials out for admission webhooks and aggregated APIs given as a Service; by default it dials the
// Service's ClusterIP. Here it resolves them to the Service's endpoints instead
// (--enable-aggregator-routing: kube-apiserver's server.go builds one service resolver, the endpoint
// resolver, for both the aggregator and the admission webhooks), and with no pods a Service has no
// endpoints, so the call fails before any dial. The Service range is itself carved out of 127.0.0.0/8,
// so even a ClusterIP dial could only reach loopback.
import { ChildProcess, spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { KubeClient } from "./kube-client";
import { ensureToolchain } from "./toolchain";

export interface LocalCluster {
    /** kubeconfig (token auth, insecure-skip-tls-verify) for the cluster. */
    readonly kubeconfigPath: string;
    /** https://127.0.0.1:<port> */
    readonly server: string;
    /** Bearer token of a user in group system:masters. */
    readonly token: string;
    /** Pids of etcd, kube-apiserver and kube-controller-manager, by name. */
    readonly pids: Readonly<Record<string, number>>;
    /** What each process has logged so far, by name. */
    logs(): Record<string, string>;
    /** Stops all processes (SIGTERM, SIGKILL after 5 s), waits for them, removes the temp dir. */
    stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
/** ClusterIPs come from loopback (see the header); 127.0.0.0/8 minus the apiserver's own 127.0.0.1. */
export const SERVICE_CLUSTER_IP_RANGE = "127.64.0.0/24";
const KILL_GRACE_MS = 5_000;

export interface Proc {
    readonly name: string;
    readonly child: ChildProcess;
    readonly logPath: string;
    exited: boolean;
    exitInfo?: string;
    readonly exitPromise: Promise<void>;
}

/** All processes started by any cluster of this Node process, for the process-exit safety kill. */
const live = new Set<Proc>();
/** Temp dirs of clusters not yet stopped, removed by the same hook. */
const liveDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
    if (exitHookInstalled) return;
    exitHookInstalled = true;
    process.on("exit", () => {
        for (const p of live) {
            if (!p.exited && p.child.pid !== undefined) {
                try {
                    process.kill(p.child.pid, "SIGKILL");
                } catch {
                    // already gone
                }
            }
        }
        for (const dir of liveDirs) fs.rmSync(dir, { recursive: true, force: true });
    });
    // Interrupted runs (Ctrl-C, CI cancellation) go through the exit hook too instead of orphaning the processes.
    for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
        process.once(signal, () => process.exit(code));
    }
}

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.unref();
        server.on("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const address = server.address();
            if (address === null || typeof address === "string") {
                server.close();
                reject(new Error("could not allocate a loopback port"));
                return;
            }
            const port = address.port;
            server.close(() => resolve(port));
        });
    });
}

/** Distinct free loopback ports (the OS may hand the same one out twice once it is closed). */
export async function freePorts(n: number): Promise<number[]> {
    const ports: number[] = [];
    while (ports.length < n) {
        const p = await freePort();
        if (!ports.includes(p)) ports.push(p);
    }
    return ports;
}

export function tail(file: string, lines = 25): string {
    try {
        return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
        return "(no log)";
    }
}

/** Starts a process logging to logDir/<name>.log; it is killed on exit like the cluster's own. */
export function startProcess(name: string, bin: string, args: string[], logDir: string, env?: NodeJS.ProcessEnv): Proc {
    installExitHook();
    const logPath = path.join(logDir, `${name}.log`);
    const fd = fs.openSync(logPath, "a");
    const child = spawn(bin, args, { stdio: ["ignore", fd, fd], ...(env ? { env } : {}) });
    fs.closeSync(fd);
    let resolveExit!: () => void;
    const exitPromise = new Promise<void>((resolve) => (resolveExit = resolve));
    const proc: Proc = { name, child, logPath, exited: false, exitPromise };
    const onGone = (info: string) => {
        if (proc.exited) return;
        proc.exited = true;
        proc.exitInfo = info;
        live.delete(proc);
        resolveExit();
    };
    child.on("exit", (code, signal) => onGone(signal ? `signal ${signal}` : `code ${code}`));
    child.on("error", (err) => onGone(`spawn error: ${err.message}`));
    live.add(proc);
    return proc;
}

export async function stopProcess(p: Proc): Promise<void> {
    if (p.exited) return;
    try {
        p.child.kill("SIGTERM");
    } catch {
        // already gone
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), KILL_GRACE_MS)));
    const outcome = await Promise.race([p.exitPromise.then(() => "exited" as const), timeout]);
    if (timer) clearTimeout(timer);
    if (outcome === "timeout" && !p.exited) {
        try {
            p.child.kill("SIGKILL");
        } catch {
            // already gone
        }
        await p.exitPromise;
    }
}

export function httpGet(url: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
        const req = http.get(url, { timeout: 5_000 }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => (body += chunk));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.on("error", reject);
    });
}

/** Polls `check` (undefined = ready, else why not) until ready, a process dies, or the timeout passes. */
export async function waitFor(what: string, procs: Proc[], check: () => Promise<string | undefined>, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = "no answer yet";
    for (;;) {
        const dead = procs.find((p) => p.exited);
        if (dead) throw new Error(`${dead.name} exited (${dead.exitInfo}) while waiting for ${what}`);
        try {
            const why = await check();
            if (why === undefined) return;
            last = why;
        } catch (err) {
            last = (err as Error).message;
        }
        if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs / 1000} s (last: ${last})`);
        await sleep(200);
    }
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

function kubeconfigYaml(server: string, token: string): string {
    return [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: local",
        "  cluster:",
        `    server: ${server}`,
        "    insecure-skip-tls-verify: true",
        "users:",
        "- name: admin",
        "  user:",
        `    token: ${token}`,
        "contexts:",
        "- name: local",
        "  context:",
        "    cluster: local",
        "    user: admin",
        "current-context: local",
        "",
    ].join("\n");
}

export async function startLocalCluster(): Promise<LocalCluster> {
    const toolchain = ensureToolchain({ cluster: true });
    const bin = toolchain.clusterBin;
    if (!bin) throw new Error("the toolchain reported no cluster binaries; rerun: bash scripts/bootstrap-toolchain.sh --with-cluster");
    installExitHook();

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshedge-cluster-"));
    const logDir = path.join(dir, "logs");
    const certDir = path.join(dir, "certs");
    fs.mkdirSync(logDir);
    fs.mkdirSync(certDir);
    liveDirs.add(dir);
    const procs: Proc[] = [];

    const stop = async (): Promise<void> => {
        // Reverse start order: controller-manager, apiserver, etcd.
        for (const p of [...procs].reverse()) await stopProcess(p);
        fs.rmSync(dir, { recursive: true, force: true });
        liveDirs.delete(dir);
    };

    try {
        // Service-account signing key (kube-apiserver self-signs its serving cert into --cert-dir).
        const saKey = path.join(dir, "sa.key");
        const { privateKey } = crypto.generateKeyPairSync("rsa", {
            modulusLength: 2048,
            publicKeyEncoding: { type: "spki", format: "pem" },
            privateKeyEncoding: { type: "pkcs1", format: "pem" },
        });
        fs.writeFileSync(saKey, privateKey, { mode: 0o600 });

        const token = crypto.randomBytes(24).toString("hex");
        const tokenFile = path.join(dir, "tokens.csv");
        fs.writeFileSync(tokenFile, `${token},meshedge-admin,meshedge-admin,"system:masters"\n`, { mode: 0o600 });

        const [etcdClient, etcdPeer, apiPort] = await freePorts(3);
        const etcdUrl = `http://127.0.0.1:${etcdClient}`;
        const peerUrl = `http://127.0.0.1:${etcdPeer}`;
        const server = `https://127.0.0.1:${apiPort}`;

        procs.push(startProcess("etcd", path.join(bin, "etcd"), [
            "--name=meshedge",
            `--data-dir=${path.join(dir, "etcd")}`,
            `--listen-client-urls=${etcdUrl}`,
            `--advertise-client-urls=${etcdUrl}`,
            `--listen-peer-urls=${peerUrl}`,
            `--initial-advertise-peer-urls=${peerUrl}`,
            `--initial-cluster=meshedge=${peerUrl}`,
            "--initial-cluster-state=new",
            "--log-level=warn",
            "--unsafe-no-fsync",
        ], logDir));
        await waitFor("etcd /health", procs, async () => {
            const res = await httpGet(`${etcdUrl}/health`);
            return res.status === 200 ? undefined : `HTTP ${res.status}: ${res.body.slice(0, 200)}`;
        });

        procs.push(startProcess("kube-apiserver", path.join(bin, "kube-apiserver"), [
            `--etcd-servers=${etcdUrl}`,
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            `--secure-port=${apiPort}`,
            `--cert-dir=${certDir}`,
            `--token-auth-file=${tokenFile}`,
            "--authorization-mode=RBAC",
            "--service-account-issuer=https://kubernetes.default.svc",
            `--service-account-key-file=${saKey}`,
            `--service-account-signing-key-file=${saKey}`,
            `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
            "--enable-aggregator-routing=true",
            "--disable-admission-plugins=ServiceAccount",
            "--enable-priority-and-fairness=false",
        ], logDir));

        const kubeconfigPath = path.join(dir, "kubeconfig");
        fs.writeFileSync(kubeconfigPath, kubeconfigYaml(server, token), { mode: 0o600 });

        procs.push(startProcess("kube-controller-manager", path.join(bin, "kube-controller-manager"), [
            `--kubeconfig=${kubeconfigPath}`,
            "--controllers=*",
            "--use-service-account-credentials=false",
            "--leader-elect=false",
            "--bind-address=127.0.0.1",
            "--secure-port=0",
            `--service-account-private-key-file=${saKey}`,
        ], logDir));

        // Ready: the apiserver answers /readyz (which checks etcd) and no process has died.
        await waitFor("kube-apiserver /readyz", procs, async () => {
            const res = await new KubeClient({ server, token }).request("GET", "/readyz");
            if (res.status === 200) return undefined;
            const failed = res.body.trim().split("\n").filter((l) => l.includes("failed")).join("; ");
            return `HTTP ${res.status}: ${failed || res.body.slice(0, 200)}`;
        });

        const pids: Record<string, number> = {};
        for (const p of procs) if (p.child.pid !== undefined) pids[p.name] = p.child.pid;
        const logs = () => Object.fromEntries(procs.map((p) => [p.name, fs.existsSync(p.logPath) ? fs.readFileSync(p.logPath, "utf8") : ""]));
        return { kubeconfigPath, server, token, pids, logs, stop };
    } catch (err) {
        const logs = procs.map((p) => `--- ${p.name} (${p.exited ? `exited, ${p.exitInfo}` : "running"}), last lines of ${p.logPath}:\n${tail(p.logPath)}`).join("\n");
        const message = `local cluster failed to start: ${(err as Error).message}\n${logs}`;
        await stop();
        throw new Error(message);
    }
}
