// Finds (building on first use) the Pulumi CLI, language hosts and kubernetes provider that
// scripts/bootstrap-toolchain.sh keeps in a cache outside the repository.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "./repo-root";

export interface Toolchain {
    /** Directory holding pulumi, the language hosts and pulumi-resource-kubernetes. */
    readonly bin: string;
    /** Directory holding etcd, kube-apiserver and kube-controller-manager (with cluster: true). */
    readonly clusterBin?: string;
    /** Directory holding aws-load-balancer-controller (with lbc: true). */
    readonly lbcBin?: string;
    /** Directory holding actionlint (with actionlint: true). */
    readonly actionlintBin?: string;
}

let cached: Toolchain | undefined;

export function ensureToolchain(options: { cluster?: boolean; lbc?: boolean; actionlint?: boolean } = {}): Toolchain {
    // Never build less than an earlier call did: the cached result must keep its bin dirs.
    const cluster = !!options.cluster || !!cached?.clusterBin;
    const lbc = !!options.lbc || !!cached?.lbcBin;
    const actionlint = !!options.actionlint || !!cached?.actionlintBin;
    if (cached && (!cluster || cached.clusterBin) && (!lbc || cached.lbcBin) && (!actionlint || cached.actionlintBin)) return cached;
    const script = path.join(repoRoot(), "scripts", "bootstrap-toolchain.sh");
    const flags = [...(cluster ? ["--with-cluster"] : []), ...(lbc ? ["--with-lbc"] : []), ...(actionlint ? ["--with-actionlint"] : [])];
    let stdout: string;
    try {
        stdout = execFileSync("bash", [script, ...flags], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    } catch (err) {
        throw new Error(`the toolchain could not be built (see the bootstrap output above); rerun: bash scripts/bootstrap-toolchain.sh ${flags.join(" ")}`.trimEnd());
    }
    const value = (key: string) => stdout.split("\n").find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1);
    const bin = value("MESHEDGE_TOOLCHAIN_BIN");
    if (!bin || !fs.existsSync(path.join(bin, "pulumi"))) throw new Error("bootstrap-toolchain.sh did not report MESHEDGE_TOOLCHAIN_BIN; rerun: bash scripts/bootstrap-toolchain.sh");
    cached = { bin, clusterBin: value("MESHEDGE_CLUSTER_BIN"), lbcBin: value("MESHEDGE_LBC_BIN"), actionlintBin: value("MESHEDGE_ACTIONLINT_BIN") };
    return cached;
}

/** Environment for running the toolchain's pulumi non-interactively, offline, with its own plugin cache. */
export function pulumiEnv(toolchain: Toolchain, pulumiHome: string): NodeJS.ProcessEnv {
    return {
        ...process.env,
        PATH: `${toolchain.bin}${path.delimiter}${process.env.PATH}`,
        PULUMI_HOME: pulumiHome,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
        // Only the plugins installed into this PULUMI_HOME, never a stray binary on PATH (the toolchain bin is on PATH).
        PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
    };
}
