// Tier 3: the engine installs the meshedge plugin (and the kubernetes provider it uses) by itself.
// Projects outside the repository with only an SDK (a fresh venv with the wheel; a Go module with
// the Go SDK) are previewed with an empty plugin cache; the only place plugins can come from is a
// loopback server publishing the release assets, which Pulumi's download URL override points the
// schema's pluginDownloadURL (github://api.github.com/meshedge/pulumi-meshedge) at. Nobody runs
// `pulumi plugin install`.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EdgeStackToken, GrpcServiceToken, KongGatewayToken } from "../../provider/src/generated/schema-types";
import { buildPlugin } from "../../scripts/lib/build-plugin";
import { buildPythonWheel } from "../../scripts/lib/pack-sdk";
import { localChartConfig } from "../../scripts/lib/prepare-examples";
import { ensureToolchain } from "../../scripts/lib/toolchain";
import { PreviewPlan, previewProject } from "../support/engine";
import {
    installedPlugins,
    InstallRig,
    kubernetesRelease,
    kubernetesVersion,
    meshedgeRelease,
    meshedgeVersion,
    prepareGoProject,
    preparePythonProject,
    requestsSince,
    startInstallRig,
} from "../support/installByItself";
import { LoggedRequest, releaseAssetPath } from "../support/releaseServer";

interface Run {
    readonly plan: PreviewPlan;
    readonly requests: LoggedRequest[];
    readonly plugins: string[];
}

describe("engine: installs the plugin by itself from the release assets", function () {
    this.timeout(30 * 60 * 1000);
    let rig: InstallRig;
    let work: string;
    const runs: Record<string, Run> = {};
    const charts = { kongChart: localChartConfig().kongChart };

    before(async () => {
        const toolchain = ensureToolchain();
        await buildPlugin();
        const wheel = buildPythonWheel();
        work = fs.mkdtempSync(path.join(os.tmpdir(), "meshedge-install-"));
        rig = await startInstallRig(toolchain, work);
        const projects = { python: preparePythonProject(work, wheel), go: prepareGoProject(work) };
        for (const [language, dir] of Object.entries(projects)) {
            const engine = await rig.engine(`engine-${language}`);
            expect(installedPlugins(engine), "the plugin cache starts empty").to.deep.equal([]);
            const from = rig.server.log.length;
            const plan = await previewProject(engine, dir, "install", charts);
            runs[language] = { plan, requests: requestsSince(rig.server, from), plugins: installedPlugins(engine) };
        }
    });

    after(async () => {
        await rig?.close();
        if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    for (const language of ["python", "go"]) {
        it(`a ${language} program with only the SDK previews its meshedge resources`, () => {
            const { plan } = runs[language];
            expect(plan.errors, plan.output).to.deep.equal([]);
            const types = [...plan.resources.values()].map((r) => r.type);
            expect(types, plan.output).to.include.members([EdgeStackToken, KongGatewayToken, GrpcServiceToken, "kubernetes:helm.sh/v3:Release"]);
            expect(plan.outputs.sizing, plan.output).to.include({ workersPerPod: 2, cpuPerPod: 2 });
        });

        it(`the engine downloaded meshedge ${meshedgeVersion} and kubernetes ${kubernetesVersion} from the release server for the ${language} program`, () => {
            const { requests, plugins } = runs[language];
            expect(requests).to.deep.include({ method: "GET", path: releaseAssetPath(meshedgeRelease.owner, meshedgeRelease.repo, meshedgeVersion, rig.meshedgeAsset), status: 200 });
            expect(requests).to.deep.include({ method: "GET", path: releaseAssetPath(kubernetesRelease.owner, kubernetesRelease.repo, kubernetesVersion, rig.kubernetesAsset), status: 200 });
            expect(requests.filter((r) => r.status !== 200), "requests the server could not answer").to.deep.equal([]);
            expect(plugins).to.deep.equal([`resource-kubernetes-v${kubernetesVersion}`, `resource-meshedge-v${meshedgeVersion}`]);
        });
    }

    it("nothing tried to leave loopback (no GitHub, no get.pulumi.com)", () => {
        expect(rig.proxy.attempts).to.deep.equal([]);
    });
});
