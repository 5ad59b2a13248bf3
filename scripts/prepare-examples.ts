// What running an example through the engine needs, shared by the demo and the engine tests: the
// plugin and Node SDK built from this checkout, installed where the CLI and the program find them.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { buildPlugin, pluginTarball, pluginVersion } from "./build-plugin";
import { packNodeSdk } from "./pack-sdk";
import { readVersions, repoRoot, sharedDir } from "./repo-root";
import { Toolchain } from "./toolchain";

const NPM_QUIET = ["--no-audit", "--no-fund", "--loglevel=error"];

/** Builds the plugin and SDK, and installs the TypeScript example's packages with that SDK (reinstalled, so a regenerated SDK is what runs). */
export async function prepareTypeScriptExample(): Promise<string> {
    await buildPlugin();
    const sdkTarball = packNodeSdk();
    const program = path.join(repoRoot(), "examples", "typescript");
    execFileSync("npm", ["install", ...NPM_QUIET], { cwd: program, stdio: "inherit" });
    execFileSync("npm", ["install", ...NPM_QUIET, "--no-save", sdkTarball], { cwd: program, stdio: "inherit" });
    return program;
}

/** Installs the kubernetes provider of the toolchain and the freshly built meshedge plugin into env's PULUMI_HOME. */
export function installPlugins(toolchain: Toolchain, env: NodeJS.ProcessEnv): void {
    const install = (args: string[]) => execFileSync("pulumi", ["plugin", "install", "resource", ...args], { env, stdio: ["ignore", "ignore", "inherit"] });
    install(["kubernetes", readVersions().pulumiKubernetes.version, "--file", path.join(toolchain.bin, "pulumi-resource-kubernetes")]);
    install(["meshedge", pluginVersion, "--file", pluginTarball, "--reinstall"]);
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
