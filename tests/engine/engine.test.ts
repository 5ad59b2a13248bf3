// Tier 3: the examples in TypeScript, Python and Go previewed through the real CLI and the
// meshedge plugin. Needs the toolchain (built on first run by scripts/bootstrap-toolchain.sh).
import { expect } from "chai";
import * as path from "path";
import { computeKongSizing } from "../../provider/src/rules/sizing";
import { repoRoot } from "../../scripts/lib/repo-root";
import { localChartConfig } from "../../scripts/lib/prepare-examples";
import { Engine, prepareEngine, PreviewPlan, previewProject } from "../support/engine";
import { EdgeStackToken, GrpcServiceToken, KongGatewayToken } from "../../provider/src/generated/schema-types";

const root = repoRoot();
const languages = ["typescript", "python", "go"] as const;

describe("engine: the same stack from TypeScript, Python and Go", function () {
    this.timeout(30 * 60 * 1000);
    let engine: Engine;
    const plans: Record<string, PreviewPlan> = {};

    before(async () => {
        engine = await prepareEngine();
        for (const language of languages) {
            plans[language] = await previewProject(engine, path.join(root, "examples", language), "engine", localChartConfig());
        }
    });

    for (const language of languages) {
        it(`previews the ${language} example without errors`, () => {
            expect(plans[language].errors).to.deep.equal([]);
            const types = [...plans[language].resources.values()].map((r) => r.type);
            expect(types).to.include.members([EdgeStackToken, KongGatewayToken, "kubernetes:helm.sh/v3:Release", GrpcServiceToken]);
        });
    }

    it("the three plans are identical: same child URNs, types and inputs", () => {
        const normalize = (plan: PreviewPlan) =>
            Object.fromEntries([...plan.resources].filter(([, r]) => r.type !== "pulumi:pulumi:Stack").sort(([a], [b]) => a.localeCompare(b)));
        const ts = normalize(plans.typescript);
        expect(Object.keys(ts).length).to.equal(23);
        expect(normalize(plans.python)).to.deep.equal(ts);
        expect(normalize(plans.go)).to.deep.equal(ts);
    });

    it("the Kong release carries the rules' sizing in every language", () => {
        for (const language of languages) {
            const release = [...plans[language].resources.values()].find((r) => r.type === "kubernetes:helm.sh/v3:Release" && (r.inputs.name as string) === "edge-kong")!;
            const gateway = (release.inputs.values as any).gateway;
            expect(gateway.env.nginx_worker_processes, language).to.equal("4");
            expect(gateway.resources.requests, language).to.deep.equal({ cpu: "4", memory: "2560Mi" });
            expect(gateway.env, language).to.include({ mem_cache_size: "128m", nginx_http_keepalive_requests: "10000", nginx_http_keepalive_time: "3600s" });
            expect(gateway.replicaCount, language).to.equal(2);
        }
    });

    it("computeKongSizing returns the same sizing to Python and Go as to TypeScript", () => {
        const expected = computeKongSizing({ loadBalancerType: "nlb", scalingMode: "vertical", vertical: { cpu: 4, replicas: 2 } });
        // Python exports output types under their Python property names; the values must not differ.
        const python = plans.python.outputs.plannedSizing as Record<string, unknown>;
        // (nested ones too: connectionRecycling's), e.g. memory_per_pod_mib, connection_recycling.max_requests.
        const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
        const camelKeys = (v: unknown): unknown =>
            typeof v === "object" && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [camel(k), camelKeys(x)])) : v;
        expect(camelKeys(python)).to.deep.equal(expected);
        expect(plans.typescript.outputs.plannedSizing).to.deep.equal(expected);
        expect(plans.go.outputs.plannedSizing).to.deep.equal(expected);
    });

    it("a bad input from Python surfaces the same clear error as from TypeScript", async () => {
        const fixtures = path.join(root, "tests", "engine", "fixtures");
        const fromTs = await previewProject(engine, path.join(fixtures, "bad-input-typescript"), "bad");
        const fromPy = await previewProject(engine, path.join(fixtures, "bad-input-python"), "bad");
        // The engine prints Pulumi's InputPropertiesError per property path, with the value it reads from the inputs.
        const message = "property scalingMode with value '{horizontal}' has a problem: an NLB balances per TCP connection";
        const find = (plan: PreviewPlan) => plan.errors.find((e) => e.includes(message));
        expect(find(fromTs), fromTs.errors.join("\n")).to.be.a("string");
        expect(find(fromPy), fromPy.errors.join("\n")).to.be.a("string");
        const end = "to accept the imbalance.";
        const clean = (e: string) => e.slice(e.indexOf('invalid EdgeStack "edge" inputs (1 problem, each with its fix)'), e.indexOf(end) + end.length);
        expect(clean(find(fromPy)!)).to.equal(clean(find(fromTs)!));
    });
});
