// The main job: preview the demo stack (Pulumi.yaml at the root, program in examples/typescript)
// through the real CLI on a local file backend, with no cloud account and no cluster.
// Run: npm run demo   (first run builds the Pulumi toolchain from the Go module proxy)
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildPlugin, pluginTarball, pluginVersion } from "./build-plugin";
import { packNodeSdk } from "./pack-sdk";
import { repoRoot } from "./repo-root";
import { ensureToolchain, pulumiEnv } from "./toolchain";

const root = repoRoot();
const versions = JSON.parse(fs.readFileSync(path.join(root, "versions.json"), "utf8"));
const demoDir = process.env.MESHEDGE_DEMO_DIR ?? path.join(os.homedir(), ".cache", "meshedge", "demo");
const sharedCharts = path.join(process.env.MESHEDGE_SHARED_DIR ?? path.join(root, "..", "shared"), "charts");

function step(title: string): void {
    console.error(`\n== ${title}`);
}

async function main(): Promise<void> {
    step("toolchain (pulumi, language hosts, kubernetes provider)");
    const toolchain = ensureToolchain();
    step("meshedge plugin and Node SDK");
    await buildPlugin();
    const sdkTarball = packNodeSdk();
    const program = path.join(root, "examples", "typescript");
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: program, stdio: "inherit" });
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "--no-save", sdkTarball], { cwd: program, stdio: "inherit" });

    const env = {
        ...pulumiEnv(toolchain, path.join(demoDir, "home")),
        PULUMI_BACKEND_URL: `file://${path.join(demoDir, "state")}`,
        PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "meshedge-demo",
    };
    fs.mkdirSync(path.join(demoDir, "state"), { recursive: true });
    const pulumi = (args: string[], stdio: "inherit" | "ignore" = "ignore") => execFileSync("pulumi", args, { cwd: root, env, stdio: ["ignore", stdio, "inherit"] });
    pulumi(["plugin", "install", "resource", "kubernetes", versions.pulumiKubernetes.version, "--file", path.join(toolchain.bin, "pulumi-resource-kubernetes")]);
    pulumi(["plugin", "install", "resource", "meshedge", pluginVersion, "--file", pluginTarball, "--reinstall"]);
    try {
        pulumi(["stack", "select", "dev"]);
    } catch {
        pulumi(["stack", "init", "dev"]);
    }
    // The chart repositories are unreachable offline: use the pinned charts of ../shared when present.
    const c = versions.charts;
    const charts: [string, { chart: string; version: string }][] = [["kongChart", c.kongIngress], ["istioBaseChart", c.istioBase], ["istiodChart", c.istiod]];
    for (const [key, chart] of charts) {
        const file = path.join(sharedCharts, `${chart.chart}-${chart.version}.tgz`);
        if (fs.existsSync(file)) pulumi(["config", "set", key, file]);
    }

    step("pulumi preview --diff (stack dev, local backend)");
    pulumi(["preview", "--diff", "--non-interactive"], "inherit");
}

main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
});
