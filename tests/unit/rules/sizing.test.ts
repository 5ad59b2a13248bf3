// Property-based tests of the sizing invariants over random valid inputs.
import { expect } from "chai";
import * as fc from "fast-check";
import type { KongSizing } from "../../../provider/src/generated/schema-types";
import { formatProblem, Problems } from "../../../provider/src/rules/errors";
import { kongGatewayValues } from "../../../provider/src/rules/kongValues";
import { checkSizingInputs, computeKongSizing, SizingInputs } from "../../../provider/src/rules/sizing";

/** Every problem checkSizingInputs finds, formatted as the user sees it. */
function sizingProblems(inputs: SizingInputs): string[] {
    const problems = new Problems();
    checkSizingInputs(problems, inputs);
    return problems.list.map(formatProblem);
}

const memory = fc.option(fc.integer({ min: 500, max: 8192 }), { nil: undefined });
const vertical = fc.record({ cpu: fc.integer({ min: 1, max: 64 }), replicas: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }), memoryPerWorkerMiB: memory });
const horizontal = fc
    .record({
        minReplicas: fc.integer({ min: 1, max: 50 }),
        extra: fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
        targetCpuUtilizationPercent: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
        memoryPerWorkerMiB: memory,
    })
    .map(({ extra, ...h }) => ({ ...h, maxReplicas: extra === undefined ? undefined : h.minReplicas + extra }));

/** Any valid combination of load balancer, mode and the matching object. */
const validInputs: fc.Arbitrary<SizingInputs> = fc.oneof(
    fc.record({ loadBalancerType: fc.constantFrom("nlb" as const, "alb" as const), scalingMode: fc.constant("vertical" as const), vertical: fc.option(vertical, { nil: undefined }) }),
    fc.record({ loadBalancerType: fc.constant("alb" as const), scalingMode: fc.constantFrom("horizontal" as const, "auto" as const), horizontal: fc.option(horizontal, { nil: undefined }) }),
    fc.record({ loadBalancerType: fc.constant("nlb" as const), scalingMode: fc.constant("horizontal" as const), horizontal: fc.option(horizontal, { nil: undefined }), acceptL4Imbalance: fc.constant(true) }),
    fc.record({ loadBalancerType: fc.constant("nlb" as const), scalingMode: fc.constantFrom("auto" as const, undefined), vertical: fc.option(vertical, { nil: undefined }) }),
);

const memoryPerWorker = (i: SizingInputs) => (i.vertical ?? i.horizontal)?.memoryPerWorkerMiB ?? 512;

describe("sizing invariants (property-based)", () => {
    it("one worker per CPU, memory = workers x memoryPerWorker >= 500 MiB per worker", () => {
        fc.assert(
            fc.property(validInputs, (inputs) => {
                const s: KongSizing = computeKongSizing(inputs);
                expect(s.workersPerPod).to.equal(s.cpuPerPod);
                expect(Number.isInteger(s.workersPerPod) && s.workersPerPod >= 1).to.equal(true);
                expect(s.memoryPerPodMiB).to.equal(s.workersPerPod * memoryPerWorker(inputs));
                expect(s.memoryPerPodMiB / s.workersPerPod).to.be.at.least(500);
            }),
        );
    });

    it("auto follows the load balancer: NLB vertical, ALB horizontal with one worker, one CPU and an HPA", () => {
        fc.assert(
            fc.property(validInputs.filter((i) => (i.scalingMode ?? "auto") === "auto"), (inputs) => {
                const s = computeKongSizing(inputs);
                if (inputs.loadBalancerType === "nlb") {
                    expect(s.mode).to.equal("vertical");
                    expect(s.horizontalPodAutoscaler).to.equal(false);
                } else {
                    expect(s).to.include({ mode: "horizontal", workersPerPod: 1, cpuPerPod: 1, horizontalPodAutoscaler: true });
                }
            }),
        );
    });

    it("horizontal: minReplicas <= maxReplicas, an HPA, a PDB exactly when more than one replica is guaranteed", () => {
        fc.assert(
            fc.property(validInputs, (inputs) => {
                const s = computeKongSizing(inputs);
                if (s.mode === "horizontal") {
                    expect(s.minReplicas!).to.be.at.most(s.maxReplicas!);
                    expect(s.workersPerPod).to.equal(1);
                    expect(s.podDisruptionBudget).to.equal(s.minReplicas! > 1);
                } else {
                    expect(s.podDisruptionBudget).to.equal(s.replicas! > 1);
                }
            }),
        );
    });

    it("the Helm values always carry an explicit worker count equal to the CPU request and limit", () => {
        fc.assert(
            fc.property(validInputs, fc.boolean(), (inputs, autoMode) => {
                const sizing = computeKongSizing(inputs);
                const values = kongGatewayValues({
                    chart: "ingress",
                    sizing,
                    loadBalancer: { type: inputs.loadBalancerType, certificateArn: "arn:aws:acm:x" },
                    eksAutoMode: autoMode,
                    meshKind: "none",
                    controllerResources: {},
                    ingressClassName: "kong",
                }) as any;
                expect(values.env.nginx_worker_processes).to.equal(String(sizing.workersPerPod));
                expect(values.env.nginx_worker_processes).not.to.equal("auto");
                expect(values.resources.requests).to.deep.equal(values.resources.limits);
                expect(values.resources.requests.cpu).to.equal(String(sizing.workersPerPod));
            }),
        );
    });

    it("rejects every non-integer or sub-1 CPU count, naming the field", () => {
        const badCpu = fc.oneof(fc.integer({ max: 0 }), fc.double({ min: 0.01, max: 63.99, noNaN: true }).filter((x) => !Number.isInteger(x)));
        fc.assert(
            fc.property(badCpu, fc.constantFrom("nlb" as const, "alb" as const), (cpu, lb) => {
                const found = sizingProblems({ loadBalancerType: lb, scalingMode: "vertical", vertical: { cpu } });
                expect(found.some((p) => p.startsWith(`vertical.cpu = ${JSON.stringify(cpu)}:`)), found.join("\n")).to.equal(true);
            }),
        );
    });

    it("rejects every memoryPerWorkerMiB below 500", () => {
        fc.assert(
            fc.property(fc.integer({ min: -1000, max: 499 }), (mib) => {
                const found = sizingProblems({ loadBalancerType: "alb", horizontal: { minReplicas: 2, memoryPerWorkerMiB: mib } });
                expect(found).to.have.length(1);
                expect(found[0]).to.match(/^horizontal\.memoryPerWorkerMiB = -?\d+: each nginx worker needs about 500 MB/);
            }),
        );
    });
});
