// Re-records tests/fixtures/upgrade/meshedge-0.1.0-typescript-example.json, the state the upgrade test
// (tests/cluster/upgrade.test.ts) imports. Run: npm run build && node dist/scripts/record-upgrade-fixture.js
//
// 1. Checks out 296f963 (meshedge 0.1.0) in a temporary git worktree, runs its `npm ci`, builds its
//    plugin (npm run build:plugin) and Node SDK (npm run pack:sdk), and installs that SDK into its
//    examples/typescript (scripts/lib/release-0.1.0.ts).
// 2. Starts a local API server (etcd + kube-apiserver + kube-controller-manager on loopback, from the
//    prebuilt toolchain: scripts/lib/local-cluster.ts).
// 3. With a fresh PULUMI_HOME (the toolchain's kubernetes provider and the 0.1.0 plugin installed), a
//    file backend in a temp dir and the passphrase UPGRADE_FIXTURE_PASSPHRASE, runs `pulumi up` of
//    0.1.0's TypeScript example (vertical scaling, the pinned charts of ../shared/charts, the cluster's
//    kubeconfig as a secret, waitForReady false: no pods run there).
// 4. `pulumi stack export`, scrubbed (scripts/lib/upgrade-fixture.ts): chart paths become
//    $MESHEDGE_SHARED_CHARTS and the provider's kubeconfig $MESHEDGE_KUBECONFIG; the test puts this
//    machine's back. Other secrets stay encrypted under the passphrase (the salt is in the export).
// 5. Destroys the stack, stops the cluster, removes the worktree and the temp dirs.
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startLocalCluster } from "./lib/local-cluster";
import { localChartConfig } from "./lib/prepare-examples";
import { buildRelease010 } from "./lib/release-0.1.0";
import { readVersions, repoRoot } from "./lib/repo-root";
import { ensureToolchain, pulumiEnv } from "./lib/toolchain";
import { scrubExport, UPGRADE_FIXTURE, UPGRADE_FIXTURE_PASSPHRASE } from "./lib/upgrade-fixture";

async function main(): Promise<void> {
    const toolchain = ensureToolchain({ cluster: true });
    const release = buildRelease010();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "meshedge-record-"));
    const cluster = await startLocalCluster();
    try {
        const env: Record<string, string> = {};
        for (const [k, v] of Object.entries(pulumiEnv(toolchain, path.join(work, "home")))) if (v !== undefined) env[k] = v;
        fs.mkdirSync(path.join(work, "state"));
        env.PULUMI_BACKEND_URL = `file://${path.join(work, "state")}`;
        env.PULUMI_CONFIG_PASSPHRASE = UPGRADE_FIXTURE_PASSPHRASE;
        const install = (args: string[]) => execFileSync("pulumi", ["plugin", "install", "resource", ...args, "--reinstall"], { env, stdio: ["ignore", "ignore", "inherit"] });
        install(["kubernetes", readVersions().pulumiKubernetes.version, "--file", path.join(toolchain.bin, "pulumi-resource-kubernetes")]);
        install(["meshedge", release.version, "--file", release.pluginTarball]);
        const command = await PulumiCommand.get({ root: path.dirname(toolchain.bin) });
        const stack = await LocalWorkspace.createOrSelectStack({ stackName: "upgrade", workDir: release.programDir }, { pulumiCommand: command, pulumiHome: env.PULUMI_HOME, envVars: env });
        await stack.setAllConfig({
            ...localChartConfig(),
            kubeconfig: { value: fs.readFileSync(cluster.kubeconfigPath, "utf8"), secret: true },
            waitForReady: { value: "false" },
        });
        const up = await stack.up();
        console.log(`0.1.0 up: ${JSON.stringify(up.summary.resourceChanges)}`);
        const exported = await stack.exportStack();
        const scrubbed = scrubExport(exported, [work, release.dir, os.tmpdir() + path.sep, os.homedir(), repoRoot(), path.dirname(cluster.kubeconfigPath)]);
        fs.writeFileSync(UPGRADE_FIXTURE, JSON.stringify(scrubbed, null, 2) + "\n");
        console.log(`wrote ${path.relative(repoRoot(), UPGRADE_FIXTURE)} (${scrubbed.deployment.resources.length} resources)`);
        await stack.destroy();
        await stack.workspace.removeStack("upgrade", { force: true });
    } finally {
        await cluster.stop();
        release.remove();
        fs.rmSync(work, { recursive: true, force: true });
    }
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
