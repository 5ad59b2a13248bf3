// The main job: preview the demo stack (Pulumi.yaml at the root, program in examples/typescript)
// through the real CLI on a local file backend, with no cloud account and no cluster.
// Run: npm run demo   (first run builds the Pulumi toolchain from the Go module proxy)
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { installPlugins, localChartConfig, prepareTypeScriptExample } from "./prepare-examples";
import { repoRoot } from "./repo-root";
import { ensureToolchain, pulumiEnv } from "./toolchain";

const root = repoRoot();
const demoDir = process.env.MESHEDGE_DEMO_DIR ?? path.join(os.homedir(), ".cache", "meshedge", "demo");

function step(title: string): void {
    console.error(`\n== ${title}`);
}

async function main(): Promise<void> {
    step("toolchain (pulumi, language hosts, kubernetes provider)");
    const toolchain = ensureToolchain();
    step("meshedge plugin and Node SDK");
    await prepareTypeScriptExample();

    const env = {
        ...pulumiEnv(toolchain, path.join(demoDir, "home")),
        PULUMI_BACKEND_URL: `file://${path.join(demoDir, "state")}`,
        PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "meshedge-demo",
    };
    fs.mkdirSync(path.join(demoDir, "state"), { recursive: true });
    const pulumi = (args: string[], stdio: "inherit" | "ignore" = "ignore") => execFileSync("pulumi", args, { cwd: root, env, stdio: ["ignore", stdio, "inherit"] });
    installPlugins(toolchain, env);
    try {
        pulumi(["stack", "select", "dev"]);
    } catch {
        pulumi(["stack", "init", "dev"]);
    }
    // The chart repositories are unreachable offline: use the pinned charts of ../shared when present.
    for (const [key, { value }] of Object.entries(localChartConfig())) pulumi(["config", "set", key, value]);

    step("pulumi preview --diff (stack dev, local backend)");
    pulumi(["preview", "--diff", "--non-interactive"], "inherit");
}

main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
});
