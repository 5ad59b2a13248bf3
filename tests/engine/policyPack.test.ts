// @meshedge/policy through the real engine: `pulumi preview --policy-pack policy/` with the pack built
// from policy/src, as a platform team would run it in CI.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildPolicyPack, policyPackDir } from "../../scripts/lib/build-policy";
import { linkExampleModules, localChartConfig } from "../../scripts/lib/prepare-examples";
import { repoRoot } from "../../scripts/lib/repo-root";
import { Engine, prepareEngine, PreviewPlan, previewProject } from "../support/engine";

const root = repoRoot();
const fixture = (name: string) => path.join(root, "tests", "engine", "fixtures", name);
const MANDATORY = ["meshedge-kong-sizing", "meshedge-nlb-horizontal-recycling", "meshedge-grpc-workload-security", "meshedge-pinned-images"];

function writeConfig(config: object): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "meshedge-policy-config-")), "config.json");
    fs.writeFileSync(file, JSON.stringify(config));
    return file;
}

describe("engine: the @meshedge/policy pack", function () {
    this.timeout(30 * 60 * 1000);
    let engine: Engine;
    const packs = [policyPackDir];

    before(async () => {
        engine = await prepareEngine();
        await buildPolicyPack();
        for (const name of ["policy-violations", "policy-no-meshedge"]) linkExampleModules(fixture(name));
    });

    it("passes the TypeScript example; its internet-facing NLB is reported, as advisory", async () => {
        const plan = await previewProject(engine, path.join(root, "examples", "typescript"), "policy", localChartConfig(), { policyPacks: packs });
        expect(plan.failed, [...plan.errors, ...plan.policyViolations.map((v) => v.message)].join("\n")).to.equal(false);
        expect(plan.policyViolations.map((v) => `${v.policyName} (${v.enforcementLevel})`)).to.deep.equal(["meshedge-internet-facing-load-balancer (advisory)"]);
    });

    it("with internet-facing made mandatory, the example passes only when its load balancer is allowed", async () => {
        const mandatory = { "meshedge-internet-facing-load-balancer": { enforcementLevel: "mandatory" } };
        const refused = await previewProject(engine, path.join(root, "examples", "typescript"), "policy", localChartConfig(), { policyPacks: packs, policyPackConfigs: [writeConfig(mandatory)] });
        expect(refused.failed).to.equal(true);
        expect(refused.policyViolations[0].message).to.include('add "edge-kong" to this policy\'s allow list');
        const allowed = { "meshedge-internet-facing-load-balancer": { enforcementLevel: "mandatory", allow: ["edge-*"] } };
        const passed = await previewProject(engine, path.join(root, "examples", "typescript"), "policy", localChartConfig(), { policyPacks: packs, policyPackConfigs: [writeConfig(allowed)] });
        expect(passed.failed, [...passed.errors, ...passed.policyViolations.map((v) => v.message)].join("\n")).to.equal(false);
        expect(passed.policyViolations).to.deep.equal([]);
    });

    let violations: PreviewPlan;
    it("fails a stack that breaks each mandatory policy, with each policy's message", async () => {
        violations = await previewProject(engine, fixture("policy-violations"), "policy", localChartConfig(), { policyPacks: packs });
        expect(violations.failed).to.equal(true);
        const mandatory = violations.policyViolations.filter((v) => v.enforcementLevel === "mandatory");
        expect([...new Set(mandatory.map((v) => v.policyName))].sort()).to.deep.equal([...MANDATORY].sort());
        const messages = mandatory.map((v) => v.message).join("\n");
        expect(messages).to.include('env.nginx_worker_processes is "auto"');
        expect(messages).to.include("connectionRecycling.maxRequests to 1000 or fewer");
        expect(messages).to.include("securityContext.allowPrivilegeEscalation must be false");
        expect(messages).to.include('"grpc/java-example-hostname:latest" uses :latest');
    });

    it("a waiver in the policy config lifts one policy for the named resources", async () => {
        const waived = { "meshedge-nlb-horizontal-recycling": { waive: ["edge-kong"] } };
        const plan = await previewProject(engine, fixture("policy-violations"), "policy", localChartConfig(), { policyPacks: packs, policyPackConfigs: [writeConfig(waived)] });
        expect(plan.policyViolations.map((v) => v.policyName)).to.not.include("meshedge-nlb-horizontal-recycling");
        expect(plan.policyViolations.map((v) => v.policyName)).to.include("meshedge-kong-sizing");
    });

    it("passes a stack without meshedge silently, however it breaks the rules", async () => {
        const plan = await previewProject(engine, fixture("policy-no-meshedge"), "policy", {}, { policyPacks: packs });
        expect(plan.failed, [...plan.errors, ...plan.policyViolations.map((v) => v.message)].join("\n")).to.equal(false);
        expect(plan.policyViolations).to.deep.equal([]);
    });
});
