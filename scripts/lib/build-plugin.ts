// Builds the pulumi-resource-meshedge plugin: one esbuild bundle of the provider plus a launcher,
// and a tarball for `pulumi plugin install resource meshedge <version> --file <tarball>`.
// Run: npm run build:plugin
import * as esbuild from "esbuild";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "./repo-root";

const root = repoRoot();
export const pluginVersion: string = JSON.parse(fs.readFileSync(path.join(root, "provider", "schema.json"), "utf8")).version;
export const pluginDir = path.join(root, "dist", "plugin");
export const pluginTarball = path.join(root, "dist", `pulumi-resource-meshedge-v${pluginVersion}.tar.gz`);

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

const LAUNCHER = `#!/bin/sh
# pulumi-resource-meshedge: the meshedge provider (Node.js bundle beside this script).
exec node "$(dirname "$0")/provider.js" "$@"
`;

export async function buildPlugin(): Promise<void> {
    fs.rmSync(pluginDir, { recursive: true, force: true });
    fs.mkdirSync(pluginDir, { recursive: true });
    await esbuild.build({
        entryPoints: [path.join(root, "provider", "src", "main.ts")],
        outfile: path.join(pluginDir, "provider.js"),
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
    const launcher = path.join(pluginDir, "pulumi-resource-meshedge");
    fs.writeFileSync(launcher, LAUNCHER, { mode: 0o755 });
    execFileSync("tar", ["czf", pluginTarball, "-C", pluginDir, "."]);
}

if (require.main === module) {
    buildPlugin().then(
        () => console.log(`built ${path.relative(root, pluginDir)} and ${path.relative(root, pluginTarball)} (meshedge ${pluginVersion})`),
        (err) => {
            console.error(err);
            process.exit(1);
        },
    );
}
