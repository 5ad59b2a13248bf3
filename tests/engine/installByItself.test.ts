// Tier 3: the engine installs the meshedge plugin (and the kubernetes provider it uses) by itself.
// Projects outside the repository with only an SDK (a fresh venv with the wheel; a Go module with
// the Go SDK) are previewed with an empty plugin cache; the only place plugins can come from is a
// loopback server publishing the release assets, which Pulumi's download URL override points the
// schema's pluginDownloadURL (github://api.github.com/meshedge/pulumi-meshedge) at. Nobody runs
// `pulumi plugin install`.
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EdgeStackToken, GrpcServiceToken, KongGatewayToken } from "../../provider/src/generated/schema-types";
import { buildPlugin, pluginTarball } from "../../scripts/lib/build-plugin";
import { goPlatform } from "../../scripts/lib/plugin-release";
import { buildPythonWheel } from "../../scripts/lib/pack-wheel";
import { localChartConfig } from "../../scripts/lib/prepare-examples";
import { ensureToolchain } from "../../scripts/lib/toolchain";
import { PreviewPlan, previewProject } from "../support/engine";
import {
    buildPluginAtCommit,
    installedPlugins,
    RELEASE_0_1_0,
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

    describe("bad downloads: what the engine prints", () => {
        let goProject: string;
        before(() => {
            goProject = path.join(work, "go"); // built once above; its `binary` option skips compiling
        });
        afterEach(() => rig.publishMeshedge());

        /** A preview of the Go project with an empty plugin cache, and what the server was asked. */
        async function previewFresh(name: string) {
            const engine = await rig.engine(name);
            const from = rig.server.log.length;
            const plan = await previewProject(engine, goProject, "bad", charts);
            return { engine, plan, requests: requestsSince(rig.server, from), text: [...plan.errors, ...plan.warnings].join("\n") };
        }

        it("a corrupt archive: the engine names the plugin, the version and the archive error; the next run recovers once the asset is fixed", async () => {
            const archive = fs.readFileSync(pluginTarball);
            rig.publishMeshedge(archive.subarray(0, Math.floor(archive.length / 2))); // a download cut short
            const { engine, plan, requests } = await previewFresh("corrupt");
            expect(requests.length, "the engine fetched the asset").to.be.greaterThan(0);
            const error = plan.errors.find((e) => e.includes("Could not automatically download and install resource plugin 'pulumi-resource-meshedge' at version v0.2.0"));
            expect(error, plan.output).to.be.a("string");
            expect(error).to.include("error installing provider meshedge: untarring file").and.to.include("unexpected EOF");
            expect([...plan.resources.values()].map((r) => r.type)).not.to.include(EdgeStackToken);

            rig.publishMeshedge();
            const again = await previewProject(engine, goProject, "bad", charts);
            expect(again.errors, again.output).to.deep.equal([]);
            expect([...again.resources.values()].map((r) => r.type)).to.include(EdgeStackToken);
        });

        it("an archive that is not gzip at all (an HTML error page saved as the asset): 'uncompressing: gzip: invalid header'", async () => {
            rig.publishMeshedge(Buffer.from("<!DOCTYPE html><title>Sign in</title>"));
            const { plan } = await previewFresh("not-gzip");
            const error = plan.errors.find((e) => e.includes("resource plugin 'pulumi-resource-meshedge' at version v0.2.0"));
            expect(error, plan.output).to.include("error installing provider meshedge: uncompressing: gzip: invalid header");
        });

        it("an archive holding meshedge 0.1.0 under the 0.2.0 name: only a warning, the preview runs 0.1.0; `pulumi plugin rm` and a good asset fix it", async () => {
            rig.publishMeshedge(buildPluginAtCommit(RELEASE_0_1_0, path.join(work, "release-0.1.0")));
            const { engine, plan } = await previewFresh("wrong-version");
            const warning = "resource plugin meshedge is expected to have version >=0.2.0, but has 0.1.0; the wrong version may be on your path, or this may be a bug in the plugin\n";
            expect(plan.warnings, plan.output).to.include(warning);
            // No error: the old plugin's plan is what the user is shown (the warning is the only sign).
            expect(plan.errors, plan.output).to.deep.equal([]);
            expect([...plan.resources.values()].map((r) => r.type)).to.include(EdgeStackToken);

            // The engine keeps what it unpacked under the version it asked for, so a fixed asset alone changes nothing ...
            rig.publishMeshedge();
            expect((await previewProject(engine, goProject, "bad", charts)).warnings).to.include(warning);
            // ... until the README's fix: remove the plugin, and the engine downloads it again.
            execFileSync("pulumi", ["plugin", "rm", "resource", "meshedge", meshedgeVersion, "--yes"], { env: engine.env, stdio: "ignore" });
            const fixed = await previewProject(engine, goProject, "bad", charts);
            expect(fixed.warnings.filter((w) => w.includes("expected to have version")), fixed.output).to.deep.equal([]);
            expect(fixed.errors, fixed.output).to.deep.equal([]);
        });

        it("no asset for this platform: the engine's 404 names the asset, with the OS and architecture", async () => {
            rig.server.unpublish(meshedgeRelease.owner, meshedgeRelease.repo, meshedgeVersion, rig.meshedgeAsset);
            const { plan, requests } = await previewFresh("missing");
            const url = `${rig.server.url}${releaseAssetPath(meshedgeRelease.owner, meshedgeRelease.repo, meshedgeVersion, rig.meshedgeAsset)}`;
            expect(requests.map((r) => r.status)).to.include(404);
            const error = plan.errors.find((e) => e.includes(`404 HTTP error fetching plugin from ${url}`));
            expect(error, plan.output).to.be.a("string");
            const { os, arch } = goPlatform();
            expect(rig.meshedgeAsset).to.equal(`pulumi-resource-meshedge-v${meshedgeVersion}-${os}-${arch}.tar.gz`);
        });

        it("without the override the schema's URL sends the engine to meshedge's GitHub releases (refused here by the trap proxy)", async () => {
            const engine = await rig.engine("github");
            delete engine.env.PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES;
            const before = rig.proxy.attempts.length;
            const plan = await previewProject(engine, goProject, "bad", charts);
            expect(rig.proxy.attempts.slice(before)).to.include("CONNECT api.github.com:443");
            rig.proxy.attempts.splice(before); // what this test provoked, not a leak of the others
            expect(plan.warnings.join("\n"), plan.output).to.include(`Get "https://api.github.com/repos/${meshedgeRelease.owner}/${meshedgeRelease.repo}/releases/tags/v${meshedgeVersion}"`);
        });
    });
});
