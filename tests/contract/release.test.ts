// The release workflow (.github/workflows/release.yml) cannot run here, so this checks everything
// short of publishing: actionlint finds nothing in it (nor in the workflow shipped for users), every
// build step it calls is a package.json script this test runs for real (npm pack of the Node SDK, the
// wheel, this machine's plugin archive) and whose output is exactly the file the workflow uploads, the
// Go tag it pushes is the one Go resolves for sdk/go.mod, and the registry files it relies on are there.
import { expect } from "chai";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { buildPlugin, hostPlatform, pluginTarball } from "../../scripts/lib/build-plugin";
import { packNodeSdk } from "../../scripts/lib/pack-sdk";
import { buildPythonWheel } from "../../scripts/lib/pack-wheel";
import { readVersions, repoRoot } from "../../scripts/lib/repo-root";
import { ensureToolchain } from "../../scripts/lib/toolchain";

const root = repoRoot();
const workflowPath = path.join(root, ".github", "workflows", "release.yml");
const schema = JSON.parse(fs.readFileSync(path.join(root, "provider", "schema.json"), "utf8"));
const packageJson = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const version: string = schema.version;

interface Step {
    readonly uses?: string;
    readonly run?: string;
    readonly env?: Record<string, string>;
    readonly with?: Record<string, unknown>;
}
interface Job {
    readonly needs?: string | string[];
    readonly "runs-on": string;
    readonly env?: Record<string, string>;
    readonly strategy?: { matrix: { include: Record<string, string>[] } };
    readonly steps: Step[];
}
const workflow = yaml.load(fs.readFileSync(workflowPath, "utf8")) as { on: any; env: Record<string, string>; jobs: Record<string, Job> };
const job = (name: string): Job => {
    const found = workflow.jobs[name];
    if (!found) throw new Error(`release.yml has no job ${name}`);
    return found;
};
const runs = (j: Job): string[] => j.steps.flatMap((s) => (s.run ? [s.run] : []));
const needs = (j: Job): string[] => (j.needs === undefined ? [] : ([] as string[]).concat(j.needs));

/** The build scripts the workflow may call, and the module each runs: the one this test imports and runs. */
const BUILD_SCRIPTS: Record<string, string> = {
    "build:plugin": "node dist/scripts/lib/build-plugin.js",
    "pack:sdk": "node dist/scripts/lib/pack-sdk.js",
    "pack:python": "node dist/scripts/lib/pack-wheel.js",
};

/**
 * The platforms the engine downloads a plugin for (Pulumi 3.192.0 sdk/go/common/workspace/plugins.go,
 * PluginSpec.Download: GOOS linux/darwin/windows, GOARCH amd64/arm64), and the GitHub-hosted runner
 * labels that are natively each (GitHub docs, "GitHub-hosted runners": ubuntu-24.04-arm and
 * windows-11-arm are arm64, macos-15 is Apple silicon, macos-15-intel is x64).
 */
const PLATFORMS = ["linux", "darwin", "windows"].flatMap((os) => ["amd64", "arm64"].map((arch) => `${os}-${arch}`));
const RUNNER_PLATFORM: Record<string, string> = {
    "ubuntu-24.04": "linux-amd64",
    "ubuntu-24.04-arm": "linux-arm64",
    "macos-15-intel": "darwin-amd64",
    "macos-15": "darwin-arm64",
    "windows-2022": "windows-amd64",
    "windows-11-arm": "windows-arm64",
};

/** A workflow path with its ${{ ... }} expressions replaced by the given values (each must be known). */
function expand(text: string, values: Record<string, string>): string {
    return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
        if (!(expr in values)) throw new Error(`release.yml: unexpected expression \${{ ${expr} }} in ${text}`);
        return values[expr];
    });
}

/** A path glob of upload-artifact with only `*` in the file name, as a RegExp on a repository-relative path. */
function globToRegExp(glob: string): RegExp {
    return new RegExp(`^${glob.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*")}$`);
}

function uploadedPaths(j: Job): string[] {
    return j.steps.filter((s) => s.uses?.startsWith("actions/upload-artifact@")).map((s) => String(s.with?.path));
}

function listTar(archive: string): string[] {
    return execFileSync("tar", ["tzvf", archive], { encoding: "utf8" }).trim().split("\n");
}

describe("release workflow (.github/workflows/release.yml)", function () {
    this.timeout(15 * 60 * 1000);

    it("actionlint (versions.json pin) finds nothing in .github/workflows and examples/github-actions", () => {
        // ensureToolchain builds it on first use; a failed build throws with the command to rerun
        // (bash scripts/bootstrap-toolchain.sh --with-actionlint). Never skipped.
        const bin = ensureToolchain({ actionlint: true }).actionlintBin;
        if (!bin) throw new Error("bootstrap-toolchain.sh did not report MESHEDGE_ACTIONLINT_BIN; run: bash scripts/bootstrap-toolchain.sh --with-actionlint");
        const actionlint = path.join(bin, "actionlint");
        const reported = execFileSync(actionlint, ["-version"], { encoding: "utf8" }).split("\n")[0].trim();
        expect(reported, "actionlint in the toolchain cache is not the versions.json pin").to.equal(`v${readVersions().actionlint.version}`);
        const files = [path.join(".github", "workflows"), path.join("examples", "github-actions")].flatMap((dir) =>
            fs.readdirSync(path.join(root, dir)).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(dir, f)),
        );
        expect(files).to.include(path.join(".github", "workflows", "release.yml"));
        expect(files).to.include(path.join("examples", "github-actions", "pulumi-preview.yml"));
        // shellcheck and pyflakes are not pinned anywhere; actionlint would use whatever is on PATH, so
        // the result would depend on the machine. Off, explicitly.
        const result = spawnSync(actionlint, ["-no-color", "-shellcheck=", "-pyflakes=", ...files], { cwd: root, encoding: "utf8" });
        expect(result.status, `actionlint findings:\n${result.stdout}${result.stderr}`).to.equal(0);
    });

    it("runs on a v* tag, checks the tag against the schema's version, and pins every action by commit", () => {
        expect(workflow.on.push.tags).to.deep.equal(["v*"]);
        const check = runs(job("version")).join("\n");
        expect(check).to.contain("provider/schema.json").and.to.contain('"v$version"');
        for (const [name, j] of Object.entries(workflow.jobs)) {
            for (const step of j.steps.filter((s) => s.uses)) {
                expect(step.uses, `job ${name}: actions are pinned by a full commit SHA`).to.match(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
            }
        }
        const raw = fs.readFileSync(workflowPath, "utf8");
        for (const line of raw.split("\n").filter((l) => /uses: /.test(l))) expect(line, "each pin names its version").to.match(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    });

    it("calls only the repository's build scripts, and package.json runs the modules this test dry-runs", () => {
        const called = new Set(Object.values(workflow.jobs).flatMap((j) => runs(j).flatMap((r) => [...r.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]))));
        expect([...called].sort()).to.deep.equal(Object.keys(BUILD_SCRIPTS).sort());
        for (const [script, command] of Object.entries(BUILD_SCRIPTS)) {
            expect(packageJson.scripts[script], `package.json scripts.${script}`).to.be.a("string").and.to.contain(command);
        }
        expect(runs(job("plugin")).join("\n")).to.contain("npm run build:plugin");
        expect(runs(job("sdks")).join("\n")).to.contain("npm run pack:sdk").and.to.contain("npm run pack:python");
        // The Node the single executable is built from satisfies package.json engines.
        const min = Number(/^>=(\d+)/.exec(packageJson.engines.node)?.[1]);
        expect(Number(workflow.env.NODE_VERSION)).to.be.at.least(min);
    });

    it("builds the plugin natively for every platform the engine downloads", () => {
        const include = job("plugin").strategy!.matrix.include;
        expect(include.map((e) => `${e.os}-${e.arch}`).sort()).to.deep.equal([...PLATFORMS].sort());
        for (const e of include) expect(RUNNER_PLATFORM[e.runner], `runner ${e.runner} for ${e.os}-${e.arch}`).to.equal(`${e.os}-${e.arch}`);
        expect(job("plugin")["runs-on"]).to.equal("${{ matrix.runner }}");
        expect(runs(job("github-release")).join("\n")).to.contain(`-eq ${PLATFORMS.length}`);
    });

    it("npm run build:plugin (dry run): this machine's archive is the file the workflow uploads, executable at its root", async () => {
        await buildPlugin();
        const [os, arch] = hostPlatform().split("-");
        const expected = expand(job("plugin").env!.ARCHIVE, { "needs.version.outputs.version": version, "matrix.os": os, "matrix.arch": arch });
        expect(uploadedPaths(job("plugin"))).to.deep.equal(["${{ env.ARCHIVE }}"]);
        // The engine's asset name (standardAssetName in Pulumi 3.192.0 workspace/plugins.go).
        expect(path.basename(expected)).to.equal(`pulumi-resource-meshedge-v${version}-${os}-${arch}.tar.gz`);
        expect(path.relative(root, pluginTarball).split(path.sep).join("/")).to.equal(expected);
        const entries = listTar(pluginTarball);
        const executable = os === "windows" ? "pulumi-resource-meshedge.exe" : "pulumi-resource-meshedge";
        expect(entries.map((l) => l.split(/\s+/).pop()), "the archive holds the executable alone, at its root").to.deep.equal([executable]);
        expect(entries[0], "executable").to.match(/^-rwx/);
    });

    it("npm run pack:sdk (dry run): the tarball npm publish takes", () => {
        const tarball = packNodeSdk();
        const rel = path.relative(root, tarball).split(path.sep).join("/");
        expect(uploadedPaths(job("sdks")).some((g) => globToRegExp(g).test(rel)), `${rel} is not uploaded`).to.equal(true);
        const manifest = JSON.parse(execFileSync("tar", ["xzOf", tarball, "package/package.json"], { encoding: "utf8" }));
        expect(manifest.name).to.equal(schema.language.nodejs.packageName);
        expect(manifest.version).to.equal(version);
        const files = execFileSync("tar", ["tzf", tarball], { encoding: "utf8" }).trim().split("\n");
        expect(files).to.include.members(["package/index.js", "package/index.d.ts", "package/README.md"]);
        expect(execFileSync("tar", ["xzOf", tarball, "package/README.md"], { encoding: "utf8" })).to.equal(schema.language.nodejs.readme);
        expect(runs(job("npm")).join("\n")).to.contain("npm publish dist/sdk/*.tgz");
    });

    it("npm run pack:python (dry run): the wheel PyPI gets, with the package README as its long description", () => {
        const wheel = buildPythonWheel();
        const rel = path.relative(root, wheel).split(path.sep).join("/");
        expect(path.basename(wheel)).to.equal(`pulumi_meshedge-${version}-py3-none-any.whl`);
        expect(uploadedPaths(job("sdks")).some((g) => globToRegExp(g).test(rel)), `${rel} is not uploaded`).to.equal(true);
        const read = (member: string) =>
            execFileSync("python3", ["-c", "import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())", wheel, member], { encoding: "utf8" });
        const metadata = read(`pulumi_meshedge-${version}.dist-info/METADATA`);
        const [headers, body] = [metadata.slice(0, metadata.indexOf("\n\n")), metadata.slice(metadata.indexOf("\n\n") + 2)];
        expect(headers).to.contain(`Name: ${schema.language.python.packageName}`).and.to.contain(`Version: ${version}`);
        expect(headers).to.contain("Description-Content-Type: text/markdown");
        expect(body.trim(), "long description").to.equal(schema.language.python.readme.trim());
        expect(JSON.parse(read("pulumi_meshedge/pulumi-plugin.json"))).to.include({ name: "meshedge", version });
        const publish = job("pypi").steps.find((s) => s.uses?.startsWith("pypa/gh-action-pypi-publish@"));
        expect(publish?.with?.["packages-dir"]).to.equal("dist/python/");
    });

    it("pushes the Go tag sdk/v<version>, the tag Go resolves for the module in sdk/", () => {
        const goMod = fs.readFileSync(path.join(root, "sdk", "go.mod"), "utf8");
        const modulePath = /^module (\S+)$/m.exec(goMod)?.[1];
        const repo = new URL(schema.repository);
        expect(repo.hostname).to.equal("github.com");
        // A module in a subdirectory is versioned by tags prefixed with that directory (Go modules reference, "Mapping versions to commits").
        expect(modulePath).to.equal(`github.com${repo.pathname}/sdk`);
        expect(schema.language.go.importBasePath.startsWith(`${modulePath}/`)).to.equal(true);
        const tagStep = job("go-tag").steps.find((s) => s.env?.GO_TAG);
        expect(tagStep?.env?.GO_TAG).to.equal("sdk/v${{ needs.version.outputs.version }}");
        expect(tagStep?.run).to.contain('git push origin "refs/tags/$GO_TAG"');
    });

    it("publishes the SDKs only after the release holds the plugins their pluginDownloadURL points at", () => {
        expect(needs(job("github-release"))).to.include.members(["plugin", "sdks"]);
        for (const name of ["npm", "pypi", "go-tag"]) expect(needs(job(name)), name).to.include("github-release");
    });
});

describe("registry readiness", () => {
    const root = repoRoot();
    const frontMatter = (file: string): Record<string, string> => {
        const text = fs.readFileSync(path.join(root, "docs", file), "utf8");
        const match = /^---\n([\s\S]*?)\n---\n/.exec(text);
        if (!match) throw new Error(`docs/${file} has no front matter`);
        return yaml.load(match[1]) as Record<string, string>;
    };
    const programs = (text: string) => [...text.matchAll(/```(ts|typescript|python|go)\n([\s\S]*?)```/g)].map((m) => ({ language: m[1] === "typescript" ? "ts" : m[1], code: m[2] }));

    it("docs/_index.md: the overview page, with the README's minimal program in each language", () => {
        expect(frontMatter("_index.md")).to.include({ layout: "overview" }).and.to.have.keys("title", "meta_desc", "layout");
        const text = fs.readFileSync(path.join(root, "docs", "_index.md"), "utf8");
        expect(text).to.contain('{{< chooser language "typescript,python,go" >}}');
        const readme = programs(fs.readFileSync(path.join(root, "README.md"), "utf8"));
        const docs = programs(text);
        expect(docs.map((p) => p.language)).to.deep.equal(["ts", "python", "go"]);
        // The README's programs are the ones followed outside the repository; the registry shows the same.
        for (const p of docs) expect(readme.some((r) => r.language === p.language && r.code === p.code), `${p.language} program differs from README`).to.equal(true);
    });

    it("docs/installation-configuration.md: the installation page names every package as the schema does", () => {
        expect(frontMatter("installation-configuration.md")).to.include({ layout: "installation" }).and.to.have.keys("title", "meta_desc", "layout");
        const text = fs.readFileSync(path.join(root, "docs", "installation-configuration.md"), "utf8");
        expect(text).to.contain(`npm install ${schema.language.nodejs.packageName}`);
        expect(text).to.contain(`pip install ${schema.language.python.packageName}`);
        expect(text).to.contain(`go get ${/^module (\S+)$/m.exec(fs.readFileSync(path.join(root, "sdk", "go.mod"), "utf8"))![1]}@v${schema.version}`);
        expect(text).to.contain(schema.language.go.importBasePath);
        expect(text).to.contain(`kubernetes ${readVersions().pulumiKubernetes.version}`);
    });

    it("the schema's logoUrl is docs/logo.svg on main, an SVG", () => {
        const repo = new URL(schema.repository);
        expect(schema.logoUrl).to.equal(`https://raw.githubusercontent.com${repo.pathname}/main/docs/logo.svg`);
        const svg = fs.readFileSync(path.join(root, "docs", "logo.svg"), "utf8");
        expect(svg).to.match(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* viewBox="0 0 \d+ \d+"/);
        expect(svg.trim().endsWith("</svg>")).to.equal(true);
    });
});
