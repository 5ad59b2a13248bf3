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
import { repoRoot } from "./repo-root";

const root = repoRoot();
export const pluginVersion: string = JSON.parse(fs.readFileSync(path.join(root, "provider", "schema.json"), "utf8")).version;
const buildDir = path.join(root, "dist", "plugin");
const releaseDir = path.join(root, "dist", "release");

/** Pulumi's plugin platform names (`pulumi plugin install` looks for these in the archive name). */
const OS: Partial<Record<NodeJS.Platform, string>> = { linux: "linux", darwin: "darwin", win32: "windows" };
const ARCH: Partial<Record<string, string>> = { x64: "amd64", arm64: "arm64" };
const SUPPORTED = Object.values(OS).flatMap((os) => Object.values(ARCH).map((arch) => `${os}-${arch}`));

/** The host as `<os>-<arch>` in Pulumi's names, or e.g. `freebsd-x64` when Pulumi has none for it. */
export function hostPlatform(): string {
    return `${OS[process.platform] ?? process.platform}-${ARCH[process.arch] ?? process.arch}`;
}

const executableName = (platform: string) => (platform.startsWith("windows-") ? "pulumi-resource-meshedge.exe" : "pulumi-resource-meshedge");
export const pluginArchive = (platform: string) => path.join(releaseDir, `pulumi-resource-meshedge-v${pluginVersion}-${platform}.tar.gz`);
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
 * @pulumi/pulumi loads TypeScript (~0.2 s) and npm's Arborist at start-up for closure
 * serialization, which a provider never performs; Arborist also resolves node-gyp eagerly, which
 * fails outside a node_modules tree. Each is replaced by a proxy that requires the real module (still
 * bundled) on first use. `__esModule` answers without loading, so `__importStar` keeps the proxy.
 */
function deferModules(filter: RegExp): esbuild.Plugin {
    return {
        name: "defer-modules",
        setup(build) {
            build.onResolve({ filter: /.*/, namespace: "deferred" }, (args) => ({ path: args.path }));
            build.onResolve({ filter }, async (args) => {
                if (args.pluginData === "real") return undefined;
                const real = await build.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, pluginData: "real" });
                return real.errors.length > 0 ? { errors: real.errors } : { path: real.path, namespace: "deferred" };
            });
            build.onLoad({ filter: /.*/, namespace: "deferred" }, (args) => ({
                contents: `module.exports = new Proxy({}, { get: (_, key) => key === "__esModule" ? true : require(${JSON.stringify(args.path)})[key] });`,
                resolveDir: path.dirname(args.path),
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
    await esbuild.build({
        entryPoints: [path.join(root, "provider", "src", "main.ts")],
        outfile: bundle,
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        sourcemap: false,
        legalComments: "none",
        logLevel: "warning",
        // npm's run-script (bundled with Arborist, deferred above) resolves node-gyp only when it runs a script.
        logOverride: { "require-resolve-not-external": "silent" },
        plugins: [deferModules(/(typescript-shim|^@npmcli\/arborist)$/)],
    });

    // The blob: the bundle and its V8 code cache (docs/decisions.md "Plugin and SDKs" has the measurements).
    const blob = path.join(buildDir, "sea-prep.blob");
    const seaConfig = path.join(buildDir, "sea-config.json");
    fs.writeFileSync(seaConfig, JSON.stringify({ main: bundle, output: blob, useCodeCache: true, disableExperimentalSEAWarning: true }));
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
