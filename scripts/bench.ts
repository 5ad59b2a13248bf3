// Speed and memory figures: plugin start-up, constructing the README scenarios in process and the
// sizing rules, each printed beside the baseline in scripts/bench-baseline.json (the figures the
// README quotes). Run: npm run bench; accept the new figures as the baseline: npm run bench -- --update
import { spawn, execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { buildPlugin, pluginDir } from "./lib/build-plugin";
import { repoRoot } from "./lib/repo-root";
import { EdgeStack } from "../provider/src/components/edgeStack";
import { computeKongSizing } from "../provider/src/rules/sizing";
import { albHorizontalKuma, nlbVerticalIstio } from "./lib/scenarios";
import { render } from "./lib/mock-runtime";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Time until the plugin prints its gRPC port (what the engine waits for), and its RSS then. */
function pluginStartup(): Promise<{ ms: number; rssMiB: number }> {
    return new Promise((resolve, reject) => {
        const started = process.hrtime.bigint();
        const child = spawn(path.join(pluginDir, "pulumi-resource-meshedge"), [], { stdio: ["ignore", "pipe", "ignore"] });
        child.stdout.once("data", () => {
            const ms = Number(process.hrtime.bigint() - started) / 1e6;
            const status = execFileSync("cat", [`/proc/${child.pid}/status`], { encoding: "utf8" });
            // The launcher execs node, so the pid is node's.
            const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
            child.kill();
            resolve({ ms, rssMiB: rssKiB / 1024 });
        });
        child.on("error", reject);
    });
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
    await buildPlugin();
    const starts: { ms: number; rssMiB: number }[] = [];
    for (let i = 0; i < 7; i++) starts.push(await pluginStartup());
    add("plugin start-up to serving (median of 7)", median(starts.map((s) => s.ms)), 0, "ms");
    add("plugin RSS when serving (median of 7)", median(starts.map((s) => s.rssMiB)), 0, "MiB");

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
    add("benchmark process peak RSS", process.resourceUsage().maxRSS / 1024, 0, "MiB");

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
