// A Pulumi CLI older than the one the SDKs were generated with gets one clear message from construct,
// naming both versions and the fix, instead of failing later inside a gRPC call.
//
// What the plugin can observe (Pulumi 3.192.0): the Node provider server answers Handshake with
// UNIMPLEMENTED and ignores Configure's request (@pulumi/pulumi provider/server.js), the engine puts no
// version in the plugin's environment (sdk/go/common/resource/plugin/provider_plugin.go passes only
// PULUMI_RUNTIME_*, PULUMI_PROJECT, PULUMI_CONFIG and its own environment), and Construct carries the
// resource monitor's address. The monitor answers SupportsFeature for a fixed list, all true in a
// 3.192.0 engine (pkg/resource/deploy/source_eval.go `SupportsFeature`), and an older engine answers
// false (or UNIMPLEMENTED) to the features it predates; the newest, resourceHooks, came in 3.182.0
// (pulumi/pulumi#19874). CLIs from 3.182.0 to 3.191.x answer like 3.192.0 and pass.
import * as pulumi from "@pulumi/pulumi";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import versions from "../../versions.json";

/** The Pulumi version the SDKs were generated with: the CLI construct needs at least. */
export const REQUIRED_PULUMI = versions.pulumi.version;

/**
 * The monitor features a 3.192.0 engine supports, which the plugin's @pulumi/pulumi 3.192.0 asks
 * about before every construct (runtime/settings.js `awaitFeatureSupport`), each with what meshedge
 * loses without it. Newest first, so the message names the one that dates the CLI.
 */
export const ENGINE_FEATURES: readonly { id: string; what: string; since?: string; disabledBy?: string }[] = [
    { id: "resourceHooks", what: "resource hooks", since: "3.182.0" },
    { id: "parameterization", what: "parameterized packages and package references" },
    { id: "invokeTransforms", what: "invoke transforms" },
    { id: "transforms", what: "resource transforms" },
    { id: "aliasSpecs", what: "alias specs" },
    { id: "deletedWith", what: "deletedWith" },
    { id: "outputValues", what: "output values in component inputs", disabledBy: "PULUMI_DISABLE_OUTPUT_VALUES" },
    { id: "resourceReferences", what: "resource references (the providers a component receives)", disabledBy: "PULUMI_DISABLE_RESOURCE_REFERENCES" },
    { id: "secrets", what: "secrets" },
];

/** Pulumi's env.Bool: "1" or "true" in any case. */
function isTruthy(value: string | undefined): boolean {
    return value === "1" || value?.toLowerCase() === "true";
}

/** The message for a CLI that lacks `missing` (feature ids), or undefined when nothing is missing. */
export function oldCliMessage(missing: readonly string[], cliVersion: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
    const lacking = ENGINE_FEATURES.filter((f) => missing.includes(f.id));
    if (lacking.length === 0) return undefined;
    const disabled = lacking.filter((f) => f.disabledBy !== undefined && isTruthy(env[f.disabledBy]));
    if (disabled.length === lacking.length) {
        const vars = disabled.map((f) => f.disabledBy!).join(" and ");
        return `meshedge needs ${disabled.map((f) => f.what).join(" and ")}, which ${vars} turns off in this Pulumi CLI. Fix: unset ${vars} and run the command again.`;
    }
    if (cliVersion !== undefined && !isOlder(cliVersion, REQUIRED_PULUMI)) {
        // Not dated by its version: something between the CLI and the plugin answers for the engine.
        return `meshedge needs an engine that supports ${lacking.map((f) => `${f.what} (${f.id})`).join(", ")}; this Pulumi CLI (${cliVersion}) is new enough (${REQUIRED_PULUMI} or newer), but its resource monitor answered no. Fix: run the command with the pulumi CLI directly, without PULUMI_DISABLE_* variables, and report the output of \`pulumi about\` if it persists.`;
    }
    const versionLabel = cliVersion === undefined ? "this Pulumi CLI" : `this Pulumi CLI (${cliVersion})`;
    const dated = lacking.find((f) => f.since !== undefined);
    const features = lacking.map((f) => `${f.what} (${f.id}${f.since ? `, added in ${f.since}` : ""})`).join(", ");
    return [
        `meshedge needs Pulumi CLI ${REQUIRED_PULUMI} or newer (its SDKs were generated with Pulumi ${REQUIRED_PULUMI}), but ${versionLabel} is older${dated && cliVersion === undefined ? ` than ${dated.since}` : ""}:`,
        `its engine does not support ${features}.`,
        `Fix: upgrade the Pulumi CLI to ${REQUIRED_PULUMI} or newer (https://www.pulumi.com/docs/iac/download-install/, e.g. \`curl -fsSL https://get.pulumi.com | sh -s -- --version ${REQUIRED_PULUMI}\` or \`brew upgrade pulumi\`), check \`pulumi version\`, and run the command again.`,
    ].join(" ");
}

/** a < b for `v`-prefixed or bare x.y.z versions (pre-release suffixes ignored). */
export function isOlder(a: string, b: string): boolean {
    const parts = (v: string) => v.replace(/^v/, "").split(/[-+]/)[0].split(".").map(Number);
    const [x, y] = [parts(a), parts(b)];
    for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0);
    return false;
}

/** `pulumi version` of the CLI binary at `exe` (`v3.150.0`), or undefined when it is not a Pulumi CLI or does not answer. */
export function cliVersionOf(exe: string): string | undefined {
    if (!/^pulumi(\.exe)?$/.test(path.basename(exe))) return undefined;
    try {
        const out = execFileSync(exe, ["version"], { encoding: "utf8", timeout: 10_000, stdio: ["ignore", "pipe", "ignore"] }).trim();
        return /^v?\d+\.\d+\.\d+\S*$/.test(out) ? out : undefined;
    } catch {
        return undefined;
    }
}

/** The engine starts the plugin itself, so the parent process is the CLI; its binary (Linux /proc, macOS ps), if readable. */
function parentExecutable(): string | undefined {
    try {
        if (process.platform === "linux") return fs.readlinkSync(`/proc/${process.ppid}/exe`);
        if (process.platform === "darwin") return execFileSync("ps", ["-o", "comm=", "-p", String(process.ppid)], { encoding: "utf8", timeout: 5_000 }).trim();
    } catch {
        // Not readable: the message names the required version only.
    }
    return undefined;
}

/** Asks the monitor one feature; UNIMPLEMENTED (a CLI older than SupportsFeature) means no, as in the SDK. */
function supportsFeature(monitor: NonNullable<ReturnType<typeof pulumi.runtime.getMonitor>>, id: string): Promise<boolean | undefined> {
    // Loaded with the runtime already; required here so the plugin's start does not depend on it.
    const resproto = require("@pulumi/pulumi/proto/resource_pb") as typeof import("@pulumi/pulumi/proto/resource_pb");
    const req = new resproto.SupportsFeatureRequest();
    req.setId(id);
    return new Promise((resolve) => {
        monitor.supportsFeature(req, (err, resp) => {
            if (err) resolve((err as { code?: number }).code === 12 /* UNIMPLEMENTED */ ? false : undefined);
            else resolve(resp?.getHassupport());
        });
    });
}

let checked: Promise<void> | undefined;

/**
 * Throws the old-CLI message when the engine that sent this construct lacks a feature a 3.192.0
 * engine has. One answer per plugin process (one CLI starts it). Without a monitor (a construct
 * called directly, as in tests) there is no engine to ask.
 */
export function checkCli(): Promise<void> {
    const monitor = pulumi.runtime.getMonitor();
    if (monitor === undefined) return Promise.resolve();
    checked ??= (async () => {
        const answers = await Promise.all(ENGINE_FEATURES.map(async (f) => [f.id, await supportsFeature(monitor, f.id)] as const));
        // A monitor that fails to answer is an engine problem the SDK reports itself; only a "no" dates the CLI.
        const missing = answers.filter(([, yes]) => yes === false).map(([id]) => id);
        if (missing.length === 0) return;
        const exe = parentExecutable();
        throw new Error(oldCliMessage(missing, exe === undefined ? undefined : cliVersionOf(exe)));
    })();
    return checked;
}
