// What running an example through the engine needs, shared by the demo and the engine tests: the
// plugin and Node SDK built from this checkout, installed where the CLI and the program find them.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { buildPlugin, pluginTarball, pluginVersion } from "./build-plugin";
import { packNodeSdk } from "./pack-sdk";
import { readVersions, repoRoot, sharedDir } from "./repo-root";
import { ensureVenv, PYTHON3, PYTHON3_VENV, requirePrerequisites } from "./system-prerequisites";
import { Toolchain } from "./toolchain";

const NPM_QUIET = ["--no-audit", "--no-fund", "--loglevel=error"];

/**
 * Builds the plugin and SDK, installs the TypeScript example's locked packages, then this checkout's
 * SDK tarball without recording it: the tarball's bytes change with every SDK change, so a lockfile
 * entry for it would hold a hash only the machine that wrote it can satisfy (npm EINTEGRITY elsewhere).
 */
export async function prepareTypeScriptExample(): Promise<string> {
    await buildPlugin();
    const sdkTarball = packNodeSdk();
    const program = path.join(repoRoot(), "examples", "typescript");
    execFileSync("npm", ["ci", ...NPM_QUIET], { cwd: program, stdio: "inherit" });
    execFileSync("npm", ["install", ...NPM_QUIET, "--no-save", sdkTarball], { cwd: program, stdio: "inherit" });
    return program;
}

/** Links programDir/node_modules to the TypeScript example's packages (SDK included), replacing whatever an earlier run left. */
export function linkExampleModules(programDir: string): void {
    const link = path.join(programDir, "node_modules");
    fs.rmSync(link, { recursive: true, force: true }); // a leftover link (possibly dangling) or directory; a link's target is kept
    fs.symlinkSync(path.relative(programDir, path.join(repoRoot(), "examples", "typescript", "node_modules")), link, "dir");
}

/**
 * Writes dir/index.ts: examples/typescript/index.ts with each [from, to] replaced. Each `from` must occur
 * exactly once, so an edit of the example that a derived program no longer fits fails here, naming it.
 */
export function deriveTypeScriptExample(dir: string, replacements: readonly (readonly [string, string])[]): void {
    const example = path.join(repoRoot(), "examples", "typescript", "index.ts");
    let text = fs.readFileSync(example, "utf8");
    for (const [from, to] of replacements) {
        const count = text.split(from).length - 1;
        if (count !== 1) throw new Error(`${example}: expected ${JSON.stringify(from)} once, found it ${count} times; update the program derived from it in ${dir}`);
        text = text.replace(from, () => to);
    }
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "index.ts"), text);
}

/** The Python example's virtualenv with the pinned packages and this checkout's SDK; returns its python. */
export function preparePythonExample(): string {
    requirePrerequisites(PYTHON3, PYTHON3_VENV);
    const program = path.join(repoRoot(), "examples", "python");
    const venv = path.join(program, "venv");
    const python = ensureVenv(venv);
    const pip = (args: string[]) => execFileSync(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", ...args], { cwd: program, stdio: ["ignore", "ignore", "inherit"] });
    pip(["-r", "requirements.txt"]);
    pip(["--force-reinstall", "--no-deps", path.join(repoRoot(), "sdk", "python")]);
    return python;
}

/** Installs the kubernetes provider of the toolchain and the freshly built meshedge plugin into env's PULUMI_HOME. */
export function installPlugins(toolchain: Toolchain, env: NodeJS.ProcessEnv): void {
    // --reinstall: a plugin left half-installed or stale in a reused PULUMI_HOME is replaced, never trusted.
    const install = (args: string[]) => execFileSync("pulumi", ["plugin", "install", "resource", ...args, "--reinstall"], { env, stdio: ["ignore", "ignore", "inherit"] });
    install(["kubernetes", readVersions().pulumiKubernetes.version, "--file", path.join(toolchain.bin, "pulumi-resource-kubernetes")]);
    install(["meshedge", pluginVersion, "--file", pluginTarball]);
}

/** The pinned chart's file in ../shared/charts (chart repositories are unreachable offline). */
export function sharedChartPath(chart: { chart: string; version: string }): string {
    return path.join(sharedDir(), "charts", `${chart.chart}-${chart.version}.tgz`);
}

/** The examples' chart-source config pointing at the pinned charts of ../shared; only files that exist. */
export function localChartConfig(): Record<string, { value: string }> {
    const charts = readVersions().charts;
    const byKey: [string, { chart: string; version: string }][] = [
        ["kongChart", charts.kongIngress],
        ["istioBaseChart", charts.istioBase],
        ["istiodChart", charts.istiod],
    ];
    const config: Record<string, { value: string }> = {};
    for (const [key, chart] of byKey) {
        const file = sharedChartPath(chart);
        if (fs.existsSync(file)) config[key] = { value: file };
    }
    return config;
}
