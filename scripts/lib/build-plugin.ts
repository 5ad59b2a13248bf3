// Builds the pulumi-resource-meshedge plugin for the host platform: one esbuild bundle of the
// provider, made into a Node single executable application (the running node binary with the
// bundle and its V8 code cache injected; no Node needed where it runs), packed as Pulumi names a
// plugin archive: dist/release/pulumi-resource-meshedge-v<version>-<os>-<arch>.tar.gz with the
// executable at its root.
// Run: npm run build:plugin [-- --platform <os>-<arch>]   (the host's own platform only)
//
// Each release runner builds its own platform natively (a single executable is the node binary that
// builds it). What differs per platform:
// - linux: nothing; the blob goes into an ELF note section.
// - darwin: the copied node is signed; its signature is removed before injecting (the blob goes into
//   a NODE_SEA Mach-O segment) and the result is signed again ad hoc (`codesign --sign -`), without
//   which arm64 macOS kills the process on start.
// - windows: the executable is `pulumi-resource-meshedge.exe` (the blob goes into a PE resource);
//   the copied node.exe's Authenticode signature no longer matches and is left for a release signer.
import * as esbuild from "esbuild";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ENGINE_ARCHES, ENGINE_OSES, goPlatform, pluginAssetName, pluginVersion } from "./plugin-release";
import { repoRoot } from "./repo-root";

export { pluginVersion };
const root = repoRoot();
const buildDir = path.join(root, "dist", "plugin");
const releaseDir = path.join(root, "dist", "release");

/** The platforms the engine downloads for, each built natively on its own release runner. */
const SUPPORTED = ENGINE_OSES.flatMap((os) => ENGINE_ARCHES.map((arch) => `${os}-${arch}`));

/** The host as `<os>-<arch>` in Pulumi's names (Go's GOOS-GOARCH), e.g. `freebsd-amd64` where Pulumi publishes none. */
export function hostPlatform(): string {
    const { os, arch } = goPlatform();
    return `${os}-${arch}`;
}

const executableName = (platform: string) => (platform.startsWith("windows-") ? "pulumi-resource-meshedge.exe" : "pulumi-resource-meshedge");
const pluginArchive = (platform: string) => {
    const [os, arch] = platform.split("-");
    return path.join(releaseDir, pluginAssetName("meshedge", pluginVersion, os, arch));
};
/** The host platform's archive (what `pulumi plugin install resource meshedge <version> --file` takes). */
export const pluginTarball = pluginArchive(hostPlatform());
/** The host platform's executable, as packed into pluginTarball. */
export const pluginExecutable = path.join(buildDir, hostPlatform(), executableName(hostPlatform()));

/** Refuses, with one message, a platform this machine cannot build: unknown, or not the host's own. */
function checkPlatform(platform: string): void {
    const fromSource = "git clone, npm ci, npm run build:plugin";
    if (!SUPPORTED.includes(platform)) {
        throw new Error(`meshedge has no plugin for platform ${platform}: Node single executable applications are built only for ${SUPPORTED.join(", ")}; build from source on one of those: ${fromSource}`);
    }
    if (platform !== hostPlatform()) {
        throw new Error(`cannot build the meshedge plugin for ${platform} on ${hostPlatform()}: a single executable is the node binary of the machine that builds it; build from source on a ${platform} machine: ${fromSource}`);
    }
}

/**
 * @pulumi/pulumi requires TypeScript and npm's Arborist for closure serialization (turning a
 * JavaScript function into a Lambda's code), which a provider never performs: together 12 of the
 * bundle's 16 MB, and what start-up spent most of its time reading. Each is replaced by a module
 * that fails on first use, naming itself. `__esModule` answers without failing, so `__importStar`
 * at load time keeps the stub.
 */
function omitModules(filter: RegExp): esbuild.Plugin {
    return {
        name: "omit-modules",
        setup(build) {
            build.onResolve({ filter }, (args) => ({ path: args.path, namespace: "omitted" }));
            build.onLoad({ filter: /.*/, namespace: "omitted" }, (args) => ({
                contents: `module.exports = new Proxy({}, { get: (_, key) => { if (key === "__esModule") return true; throw new Error(${JSON.stringify(`the meshedge plugin does not include ${args.path} (closure serialization)`)}); } });`,
                loader: "js",
            }));
        },
    };
}

/** Builds the host platform's plugin archive (`platform`, when given, must name the host). */
export async function buildPlugin(platform: string = hostPlatform()): Promise<string> {
    checkPlatform(platform);
    fs.rmSync(buildDir, { recursive: true, force: true });
    fs.mkdirSync(path.join(buildDir, platform), { recursive: true });
    const bundle = path.join(buildDir, "provider.js");
    const common: esbuild.BuildOptions = { bundle: true, platform: "node", target: "node20", format: "cjs", sourcemap: false, legalComments: "none", logLevel: "warning" };
    await esbuild.build({
        ...common,
        entryPoints: [path.join(root, "provider", "src", "main.ts")],
        outfile: bundle,
        plugins: [omitModules(/(typescript-shim|^@npmcli\/arborist)$/)],
    });
    // The bundle as a function of a CommonJS module's scope (seaMain.ts calls it).
    const wrapped = path.join(buildDir, "provider.wrapped.js");
    fs.writeFileSync(wrapped, `(function (exports, require, module, __filename, __dirname) {${fs.readFileSync(bundle, "utf8")}\n})`);

    // A V8 code cache of the bundle made after loading every module, by this node binary (the one
    // the executable is made of, so V8 accepts it): start-up and the first construct compile nothing.
    const cache = path.join(buildDir, "provider.cache");
    const cachePass = `const vm = require("vm"), fs = require("fs");
        const script = new vm.Script(fs.readFileSync(${JSON.stringify(wrapped)}, "utf8"), { filename: "provider.js" });
        script.runInThisContext()(exports, require, module, __filename, __dirname);
        fs.writeFileSync(${JSON.stringify(cache)}, script.createCachedData());`;
    execFileSync(process.execPath, ["-e", cachePass], { env: { ...process.env, MESHEDGE_PLUGIN_CODE_CACHE_PASS: "1" }, stdio: "inherit" });

    const seaMain = path.join(buildDir, "sea-main.js");
    await esbuild.build({ ...common, entryPoints: [path.join(root, "provider", "src", "seaMain.ts")], outfile: seaMain });
    const blob = path.join(buildDir, "sea-prep.blob");
    const seaConfig = path.join(buildDir, "sea-config.json");
    const config = { main: seaMain, output: blob, disableExperimentalSEAWarning: true, assets: { "provider.js": wrapped, "provider.cache": cache } };
    fs.writeFileSync(seaConfig, JSON.stringify(config));
    execFileSync(process.execPath, ["--experimental-sea-config", seaConfig], { stdio: ["ignore", "ignore", "inherit"] });

    const executable = path.join(buildDir, platform, executableName(platform));
    fs.copyFileSync(process.execPath, executable);
    fs.chmodSync(executable, 0o755);
    const darwin = platform.startsWith("darwin-");
    if (darwin) execFileSync("codesign", ["--remove-signature", executable]);
    const { inject } = require("postject") as { inject(file: string, resource: string, data: Buffer, options: object): Promise<void> };
    // The fuse is the sentinel string Node's SEA support looks for (Node's docs, "Single executable applications").
    await inject(executable, "NODE_SEA_BLOB", fs.readFileSync(blob), {
        sentinelFuse: "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2",
        machoSegmentName: darwin ? "NODE_SEA" : undefined,
    });
    if (darwin) execFileSync("codesign", ["--sign", "-", executable]);

    const archive = pluginArchive(platform);
    fs.mkdirSync(releaseDir, { recursive: true });
    fs.rmSync(archive, { force: true });
    execFileSync("tar", ["czf", archive, "-C", path.dirname(executable), path.basename(executable)]);
    return archive;
}

if (require.main === module) {
    const i = process.argv.indexOf("--platform");
    buildPlugin(i >= 0 ? (process.argv[i + 1] ?? "(missing after --platform)") : undefined).then(
        (archive) => console.log(`built ${path.relative(root, archive)} (meshedge ${pluginVersion})`),
        (err) => {
            console.error(err instanceof Error ? err.message : err);
            process.exit(1);
        },
    );
}
