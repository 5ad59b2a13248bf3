// Speed and memory figures: plugin start-up, constructing the README scenarios in process, the
// sizing rules, and (with the toolchain) a full engine preview of the demo. Run: npm run bench
import { spawn, execFileSync } from "child_process";
import * as path from "path";
import { buildPlugin, pluginDir } from "./lib/build-plugin";
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

async function main(): Promise<void> {
    const rows: [string, string][] = [];
    await buildPlugin();
    const starts: { ms: number; rssMiB: number }[] = [];
    for (let i = 0; i < 7; i++) starts.push(await pluginStartup());
    rows.push(["plugin start-up to serving (median of 7)", `${median(starts.map((s) => s.ms)).toFixed(0)} ms`]);
    rows.push(["plugin RSS when serving (median of 7)", `${median(starts.map((s) => s.rssMiB)).toFixed(0)} MiB`]);

    for (const [name, args] of [["NLB + vertical + Istio", nlbVerticalIstio], ["ALB + horizontal + Kuma", albHorizontalKuma]] as const) {
        const times: number[] = [];
        let count = 0;
        for (let i = 0; i < 20; i++) {
            const t0 = process.hrtime.bigint();
            count = (await render(() => new EdgeStack("edge", args))).length;
            times.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
        rows.push([`EdgeStack ${name}: ${count} resources registered in process (median of 20)`, `${median(times).toFixed(1)} ms`]);
    }

    const n = 100_000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) computeKongSizing({ loadBalancerType: i % 2 ? "nlb" : "alb", vertical: i % 2 ? { cpu: 1 + (i % 16) } : undefined });
    rows.push(["computeKongSizing", `${((Number(process.hrtime.bigint() - t0) / 1e3) / n).toFixed(2)} µs/call`]);
    rows.push(["benchmark process peak RSS", `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`]);

    console.log(`| what (${new Date().toISOString().slice(0, 10)}, Node ${process.version}) | figure |\n|---|---|`);
    for (const [what, figure] of rows) console.log(`| ${what} | ${figure} |`);
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
