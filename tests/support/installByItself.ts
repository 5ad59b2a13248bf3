// What the install-by-itself test needs: the release assets (this checkout's meshedge plugin and
// the toolchain's kubernetes provider, named as the engine asks for them) on a loopback server, an
// engine whose empty plugin cache is filled only from there, and two projects outside the
// repository that have nothing but an SDK: a fresh venv with the wheel, a Go module with the SDK.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { pluginTarball } from "../../scripts/lib/build-plugin";
import { goPlatform, githubMirrorOverride, parseGithubDownloadURL, pluginAssetName, pluginDownloadURL } from "../../scripts/lib/plugin-release";
import { readVersions, repoRoot } from "../../scripts/lib/repo-root";
import { PYTHON3, PYTHON3_VENV, requirePrerequisites } from "../../scripts/lib/system-prerequisites";
import { Toolchain } from "../../scripts/lib/toolchain";
import { Engine, newEngine } from "./engine";
import { LoggedRequest, ReleaseServer, startReleaseServer, startTrapProxy, TrapProxy } from "./releaseServer";

const root = repoRoot();
const fixtures = path.join(root, "tests", "engine", "fixtures");
const schema = JSON.parse(fs.readFileSync(path.join(root, "provider", "schema.json"), "utf8"));
export const meshedgeVersion: string = schema.version;
export const kubernetesVersion: string = readVersions().pulumiKubernetes.version;
/** Where meshedge's releases are (the schema's pluginDownloadURL) and where the engine's fallback looks for kubernetes. */
export const meshedgeRelease = parseGithubDownloadURL(pluginDownloadURL, schema.name);
export const kubernetesRelease = { host: "api.github.com", owner: "pulumi", repo: "pulumi-kubernetes" };

/**
 * Loopback goes direct: the engine and its plugins talk gRPC over 127.0.0.1, and grpc-js (the
 * meshedge plugin's) would otherwise send even those connections through HTTPS_PROXY.
 */
const LOOPBACK_HOSTS = "127.0.0.1,localhost,::1";

export interface InstallRig {
    readonly server: ReleaseServer;
    readonly proxy: TrapProxy;
    readonly work: string;
    /** The value given to PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES. */
    readonly overrides: string;
    /** The asset names the engine asks for on this machine. */
    readonly meshedgeAsset: string;
    readonly kubernetesAsset: string;
    /** A new engine with an empty plugin cache under work/<name>, fetching plugins only through the server. */
    engine(name: string): Promise<Engine>;
    /** Serve `content` as meshedge's release asset for this machine (the built archive by default). */
    publishMeshedge(content?: string | Buffer): void;
    close(): Promise<void>;
}

/** Starts the release server and the trap proxy, and publishes meshedge's and kubernetes' archives for this machine. */
export async function startInstallRig(toolchain: Toolchain, work: string): Promise<InstallRig> {
    const server = await startReleaseServer();
    const proxy = await startTrapProxy();
    const { os, arch } = goPlatform();
    const meshedgeAsset = pluginAssetName(schema.name, meshedgeVersion, os, arch);
    const kubernetesAsset = pluginAssetName("kubernetes", kubernetesVersion, os, arch);
    server.publish(kubernetesRelease.owner, kubernetesRelease.repo, kubernetesVersion, kubernetesAsset, kubernetesArchive(toolchain, work, kubernetesAsset));
    const publishMeshedge = (content: string | Buffer = pluginTarball) => server.publish(meshedgeRelease.owner, meshedgeRelease.repo, meshedgeVersion, meshedgeAsset, content);
    publishMeshedge();
    const overrides = githubMirrorOverride(server.url);
    const proxyVars = { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, http_proxy: proxy.url, https_proxy: proxy.url, NO_PROXY: LOOPBACK_HOSTS, no_proxy: LOOPBACK_HOSTS };
    return {
        server,
        proxy,
        work,
        overrides,
        meshedgeAsset,
        kubernetesAsset,
        engine: (name) =>
            newEngine(toolchain, path.join(work, name), {
                // The engine may fetch plugins: that is what is under test (pulumiEnv turns it off for the other tiers).
                PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: undefined,
                PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES: overrides,
                ...proxyVars,
            }),
        publishMeshedge,
        close: async () => {
            await server.close();
            await proxy.close();
        },
    };
}

/**
 * The toolchain's pulumi-resource-kubernetes packed as Pulumi's release archives are: the
 * executable at the archive root. gzip -1: the 160 MB binary packs in a few seconds.
 */
function kubernetesArchive(toolchain: Toolchain, work: string, asset: string): string {
    const file = path.join(work, asset);
    execFileSync("tar", ["-I", "gzip -1", "-cf", file, "-C", toolchain.bin, "pulumi-resource-kubernetes"]);
    return file;
}

/** The requests the server got since `from` (an index into its log). */
export function requestsSince(server: ReleaseServer, from: number): LoggedRequest[] {
    return server.log.slice(from);
}

/** The install-python fixture in work/python with a fresh venv holding only the wheel (and what pip pulls in for it). */
export function preparePythonProject(work: string, wheel: string): string {
    requirePrerequisites(PYTHON3, PYTHON3_VENV);
    const dir = path.join(work, "python");
    fs.cpSync(path.join(fixtures, "install-python"), dir, { recursive: true });
    const run = (command: string, args: string[]) => execFileSync(command, args, { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
    run("python3", ["-m", "venv", "venv"]);
    run(path.join(dir, "venv", "bin", "python"), ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel]);
    return dir;
}

/**
 * The install-go fixture in work/go as a module of its own that requires only the meshedge Go SDK,
 * `replace`d by this checkout's sdk/ (the stand-in for `go get github.com/meshedge/pulumi-meshedge/sdk`),
 * built once to ./program (the project's `binary` option), so previews do not compile it again.
 */
export function prepareGoProject(work: string): string {
    const dir = path.join(work, "go");
    fs.cpSync(path.join(fixtures, "install-go"), dir, { recursive: true });
    const sdkModule = "github.com/meshedge/pulumi-meshedge/sdk";
    fs.writeFileSync(
        path.join(dir, "go.mod"),
        `module example.com/meshedge-install-go\n\ngo 1.24\n\nrequire ${sdkModule} v0.0.0\n\nreplace ${sdkModule} => ${path.join(root, "sdk")}\n`,
    );
    const env = { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" };
    const go = (args: string[]) => execFileSync("go", args, { cwd: dir, env, stdio: ["ignore", "ignore", "inherit"] });
    go(["mod", "tidy"]);
    go(["build", "-o", "program", "."]);
    return dir;
}

/** The commit of meshedge 0.1.0 (docs/decisions.md: 0.1.0 stays at 296f963). */
export const RELEASE_0_1_0 = "296f963";

/**
 * The plugin archive of an earlier release, built from its own sources by its own build script
 * (git archive of the commit; the packages come from this checkout's node_modules, linked at run
 * time: the lockfile is unchanged since 0.1.0). Returns the archive's path.
 */
export function buildPluginAtCommit(commit: string, dir: string): string {
    fs.mkdirSync(dir, { recursive: true });
    const git = (args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
    const paths = ["package.json", "versions.json", "provider", "scripts"];
    let full: string;
    try {
        full = git(["rev-parse", "--verify", "--quiet", `${commit}^{commit}`]);
    } catch {
        throw new Error(`commit ${commit} is not in this clone (a shallow clone lacks it); fetch the history: git fetch --unshallow`);
    }
    execFileSync("sh", ["-c", `git archive --format=tar "$1" ${paths.join(" ")} | tar -x -C "$2"`, "sh", full, dir], { cwd: root });
    fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
    const script = fs.existsSync(path.join(dir, "scripts", "lib", "build-plugin.ts")) ? "scripts/lib/build-plugin.ts" : "scripts/build-plugin.ts";
    const bundle = path.join(dir, "dist", "build-plugin.js");
    execFileSync(path.join(root, "node_modules", ".bin", "esbuild"), [script, "--bundle", "--platform=node", "--external:esbuild", `--outfile=${bundle}`, "--log-level=warning"], { cwd: dir });
    const built = execFileSync("node", ["-e", `const b = require(${JSON.stringify(bundle)}); b.buildPlugin().then(() => console.log(b.pluginTarball))`], { cwd: dir, encoding: "utf8" });
    return built.trim().split("\n").pop()!;
}

/** Plugins in an engine's cache: `resource-meshedge-v0.2.0`, ... (not the lock files beside them). */
export function installedPlugins(engine: Engine): string[] {
    const dir = path.join(engine.pulumiHome, "plugins");
    if (!fs.existsSync(dir)) return [];
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
}
