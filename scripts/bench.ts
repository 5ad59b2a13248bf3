// Speed and memory figures: plugin start-up beside the node floor, `pulumi preview` of the demo
// through the plugin beside the same components constructed in process, constructing the README
// scenarios in process and the sizing rules, each printed beside the baseline in
// scripts/bench-baseline.json (the figures the README quotes).
// Run: npm run bench; accept the new figures as the baseline: npm run bench -- --update
import { spawn, execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pluginExecutable } from "./lib/build-plugin";
import { deriveTypeScriptExample, installPlugins, localChartConfig, prepareTypeScriptExample } from "./lib/prepare-examples";
import { repoRoot } from "./lib/repo-root";
import { ensureToolchain, pulumiEnv } from "./lib/toolchain";
import { EdgeStack } from "../provider/src/components/edgeStack";
import { computeKongSizing } from "../provider/src/rules/sizing";
import { albHorizontalKuma, nlbVerticalIstio } from "./lib/scenarios";
import { render } from "./lib/mock-runtime";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Started {
    readonly ms: number;
    /** On-CPU time of all the process's threads until then (steadier than ms on a busy machine). */
    readonly cpuMs: number;
    readonly rssMiB: number;
}

/** Time from spawn until the command's first output (for the plugin: its gRPC port, what the engine waits for). */
function firstOutput(command: string, args: string[]): Promise<Started> {
    return new Promise((resolve, reject) => {
        const started = process.hrtime.bigint();
        const child = spawn(command, args, { stdio: ["ignore", "pipe", "ignore"] });
        child.stdout.once("data", () => {
            const ms = Number(process.hrtime.bigint() - started) / 1e6;
            const proc = `/proc/${child.pid}`;
            const cpuNs = fs.readdirSync(`${proc}/task`).reduce((sum, task) => sum + Number(fs.readFileSync(`${proc}/task/${task}/schedstat`, "utf8").split(" ")[0]), 0);
            const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`${proc}/status`, "utf8"))?.[1] ?? 0);
            child.kill();
            child.once("exit", () => resolve({ ms, cpuMs: cpuNs / 1e6, rssMiB: rssKiB / 1024 }));
        });
        child.on("error", reject);
    });
}

/**
 * `pulumi preview` of the demo through the plugin and of the same program with its components
 * constructed in process (scripts/bench/in-process: the demo's text importing ./meshedge), alternately,
 * on a local file backend; seconds per run. Both transpile without type-checking, so the difference
 * is the plugin's, not the two programs' type checks.
 */
async function previewSeconds(runs: number): Promise<{ plugin: number[]; inProcess: number[] }> {
    const toolchain = ensureToolchain();
    const demo = await prepareTypeScriptExample();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "meshedge-bench-"));
    const env = {
        ...pulumiEnv(toolchain, path.join(work, "home")),
        PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`,
        PULUMI_CONFIG_PASSPHRASE: "meshedge-bench",
        PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    };
    fs.mkdirSync(path.join(work, "state"));
    installPlugins(toolchain, env);
    const inProcess = path.join(repoRoot(), "scripts", "bench", "in-process");
    deriveTypeScriptExample(inProcess, [['import * as meshedge from "@meshedge/pulumi";', 'import * as meshedge from "./meshedge";']]);
    const programs = { plugin: demo, inProcess };
    const pulumi = (cwd: string, args: string[]) => execFileSync("pulumi", args, { cwd, env, stdio: ["ignore", "ignore", "inherit"] });
    for (const cwd of Object.values(programs)) {
        pulumi(cwd, ["stack", "select", "--create", "bench"]);
        for (const [key, { value }] of Object.entries(localChartConfig())) pulumi(cwd, ["config", "set", key, value]);
        pulumi(cwd, ["preview", "--non-interactive"]); // warm-up: file caches, the language host's first compile
    }
    const seconds = { plugin: [] as number[], inProcess: [] as number[] };
    for (let i = 0; i < runs; i++) {
        for (const [key, cwd] of Object.entries(programs) as [keyof typeof programs, string][]) {
            const t0 = process.hrtime.bigint();
            pulumi(cwd, ["preview", "--non-interactive"]);
            seconds[key].push(Number(process.hrtime.bigint() - t0) / 1e9);
        }
    }
    fs.rmSync(work, { recursive: true, force: true });
    return seconds;
}

interface Figure {
    readonly what: string;
    readonly value: number;
    readonly unit: string;
}

const baselineFile = path.join(repoRoot(), "scripts", "bench-baseline.json");

/** `| what | now | baseline | change |`, the change in percent of the baseline. */
function table(figures: Figure[], baseline: Record<string, number>): string {
    const lines = [`| what (${new Date().toISOString().slice(0, 10)}, Node ${process.version}) | now | baseline | change |`, "|---|---|---|---|"];
    for (const f of figures) {
        const base = baseline[f.what];
        const change = base === undefined ? "new" : `${f.value >= base ? "+" : ""}${(((f.value - base) / base) * 100).toFixed(0)}%`;
        lines.push(`| ${f.what} | ${f.value} ${f.unit} | ${base === undefined ? "-" : `${base} ${f.unit}`} | ${change} |`);
    }
    return lines.join("\n");
}

async function main(): Promise<void> {
    const figures: Figure[] = [];
    const add = (what: string, value: number, digits: number, unit: string) => figures.push({ what, value: Number(value.toFixed(digits)), unit });
    for (const [name, args] of [["NLB + vertical + Istio", nlbVerticalIstio], ["ALB + horizontal + Kuma", albHorizontalKuma]] as const) {
        const times: number[] = [];
        let count = 0;
        for (let i = 0; i < 20; i++) {
            const t0 = process.hrtime.bigint();
            count = (await render(() => new EdgeStack("edge", args))).length;
            times.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
        add(`EdgeStack ${name}: ${count} resources registered in process (median of 20)`, median(times), 1, "ms");
    }

    const n = 100_000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) computeKongSizing({ loadBalancerType: i % 2 ? "nlb" : "alb", vertical: i % 2 ? { cpu: 1 + (i % 16) } : undefined });
    add("computeKongSizing", Number(process.hrtime.bigint() - t0) / 1e3 / n, 2, "µs/call");
    // Before the plugin build below, which reads the node binary into memory.
    add("benchmark process peak RSS", process.resourceUsage().maxRSS / 1024, 0, "MiB");


    // Builds the plugin (and the SDK the demo program uses), installs both, then times the previews.
    const previews = await previewSeconds(5);
    const starts: Started[] = [];
    const floor: Started[] = [];
    for (let i = 0; i < 11; i++) {
        floor.push(await firstOutput(process.execPath, ["-e", "console.log(1)"]));
        starts.push(await firstOutput(pluginExecutable, []));
    }
    add("node floor: `node -e \"console.log(1)\"` spawn to output (median of 11)", median(floor.map((s) => s.ms)), 0, "ms");
    add("plugin binary: spawn to serving (median of 11)", median(starts.map((s) => s.ms)), 0, "ms");
    add("node floor: on-CPU time to output (median of 11)", median(floor.map((s) => s.cpuMs)), 0, "ms");
    add("plugin binary: on-CPU time to serving (median of 11)", median(starts.map((s) => s.cpuMs)), 0, "ms");
    add("node floor: RSS at output (median of 11)", median(floor.map((s) => s.rssMiB)), 0, "MiB");
    add("plugin binary: RSS when serving (median of 11)", median(starts.map((s) => s.rssMiB)), 0, "MiB");
    const plugin = median(previews.plugin);
    const inProcess = median(previews.inProcess);
    add("pulumi preview of the demo through the plugin (median of 5)", plugin, 2, "s");
    add("pulumi preview of the same stack constructed in process (median of 5)", inProcess, 2, "s");
    add("preview through the plugin / in process", plugin / inProcess, 2, "x");

    const baseline: Record<string, number> = fs.existsSync(baselineFile) ? JSON.parse(fs.readFileSync(baselineFile, "utf8")) : {};
    console.log(table(figures, baseline));
    if (process.argv.includes("--update")) {
        fs.writeFileSync(baselineFile, JSON.stringify(Object.fromEntries(figures.map((f) => [f.what, f.value])), null, 2) + "\n");
        console.log(`\nwrote ${path.relative(repoRoot(), baselineFile)}`);
    }
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
