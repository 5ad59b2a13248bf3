// moto (PyPI, pinned in versions.json) as a local AWS API on loopback, for the AWS Load Balancer
// Controller test: installed into a venv in the toolchain cache (outside the repository), started
// as `moto_server` on a free 127.0.0.1 port, and driven through scripts/lib/moto_aws.py (boto3 from
// the same venv) to create the VPC and certificate and to read back what the controller made.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { freePorts, httpGet, Proc, startProcess, stopProcess, tail, waitFor } from "./local-cluster";
import { readVersions, repoRoot } from "./repo-root";
import { ensurePythonTool } from "./pinned-tools";

/** Dummy credentials and no instance metadata: nothing may look for real AWS access. */
export const DUMMY_AWS_ENV = {
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_SESSION_TOKEN: "testing",
    AWS_EC2_METADATA_DISABLED: "true",
} as const;

/** The environment for moto, its helper and the controller: no proxy, no shared AWS config, dummy credentials. */
let emptyHome: string | undefined;

export function loopbackAwsEnv(region: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    if (!emptyHome) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshedge-aws-home-"));
        process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
        emptyHome = dir;
    }
    const empty = emptyHome;
    return {
        PATH: process.env.PATH,
        HOME: empty,
        ...DUMMY_AWS_ENV,
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        // No ~/.aws of the user's: an empty config and credentials file.
        AWS_CONFIG_FILE: path.join(empty, "config"),
        AWS_SHARED_CREDENTIALS_FILE: path.join(empty, "credentials"),
        NO_PROXY: "127.0.0.1,localhost",
        no_proxy: "127.0.0.1,localhost",
        ...extra,
    };
}

export interface MotoInstall {
    readonly version: string;
    /** The venv's python (boto3 and cryptography come with moto). */
    readonly python: string;
    readonly server: string;
}

/** The pinned moto in <toolchain cache>/moto-<version>/venv, installed (with its server extra) on first use. */
export function ensureMoto(): MotoInstall {
    const version: string = readVersions().moto.version;
    const probe = "import moto, boto3, cryptography, flask; print(moto.__version__)";
    const { venv, python } = ensurePythonTool("moto", version, `moto[server]==${version}`, probe);
    return { version, python, server: path.join(venv, "bin", "moto_server") };
}

export interface Moto {
    /** http://127.0.0.1:<port>: every AWS service of the test, one endpoint (moto routes by signature). */
    readonly endpoint: string;
    readonly region: string;
    readonly install: MotoInstall;
    readonly proc: Proc;
    /** Runs scripts/lib/moto_aws.py against this server and parses its JSON answer. */
    aws<T = any>(command: "setup" | "describe", args?: string[]): T;
    /** What moto accepted or refused of the calls AWS refuses (moto_aws.py probe, in-process: this server's state is untouched). */
    probe(): Record<string, string>;
    log(): string;
    stop(): Promise<void>;
}

const helper = () => path.join(repoRoot(), "scripts", "lib", "moto_aws.py");

function runHelper<T>(install: MotoInstall, env: NodeJS.ProcessEnv, args: string[]): T {
    return JSON.parse(execFileSync(install.python, [helper(), ...args], { encoding: "utf8", env, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 }));
}

/** A self-signed certificate and key (PEM) for the given names in dir/tls.crt and dir/tls.key, made by Python's cryptography. */
export function selfSignedCertificate(install: MotoInstall, dir: string, names: string[]): { cert: string; key: string } {
    return runHelper(install, loopbackAwsEnv("us-east-1"), ["cert", "--out-dir", dir, ...names.flatMap((n) => ["--name", n])]);
}

export async function startMoto(region: string): Promise<Moto> {
    const install = ensureMoto();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshedge-moto-"));
    const [port] = await freePorts(1);
    const endpoint = `http://127.0.0.1:${port}`;
    const env = loopbackAwsEnv(region);
    const proc = startProcess("moto", install.server, ["-H", "127.0.0.1", "-p", String(port)], dir, env);
    const stop = async () => {
        await stopProcess(proc);
        fs.rmSync(dir, { recursive: true, force: true });
    };
    try {
        await waitFor("moto_server", [proc], async () => {
            const res = await httpGet(`${endpoint}/moto-api/`);
            return res.status === 200 ? undefined : `HTTP ${res.status}`;
        });
    } catch (err) {
        const message = `${(err as Error).message}\n--- moto log:\n${tail(proc.logPath)}`;
        await stop();
        throw new Error(message);
    }
    return {
        endpoint,
        region,
        install,
        proc,
        aws: <T>(command: string, args: string[] = []) => runHelper<T>(install, env, [command, "--endpoint", endpoint, "--region", region, ...args]),
        probe: () => runHelper(install, env, ["probe", "--region", region]),
        log: () => (fs.existsSync(proc.logPath) ? fs.readFileSync(proc.logPath, "utf8") : ""),
        stop,
    };
}
