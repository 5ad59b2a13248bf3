// The whole EdgeStack input space, fuzzed: inputs generated from provider/schema.json (valid ones,
// the README scenarios with mutations, and wrong types, null, NaN, Infinity, huge and negative
// numbers, empty and unicode strings, unknown keys). Each input must either be rejected before
// anything is registered, with problems that each name the field path, the value and a fix, or
// register objects that all validate against the Kubernetes and CRD OpenAPI schemas (and the API
// server's own checks of names, label values, int32 and images) with no undefined or NaN anywhere. A thrown TypeError, a leak or a crash fails, with the seed to replay
// (FUZZ_SEED=<seed>; FUZZ_RUNS changes the count for a local replay; FUZZ_STACKS=1 keeps stack traces).
import { expect } from "chai";
import * as fc from "fast-check";
import { EdgeStack } from "../../provider/src/components/edgeStack";
import { MeshedgeInputError } from "../../provider/src/components/validation";
import { EdgeStackToken } from "../../provider/src/generated/schema-types";
import { describeValue, formatProblem } from "../../provider/src/rules/errors";
import { kubernetesObject, Registered, render } from "../../scripts/lib/mock-runtime";
import { albHorizontalKuma, CERT, greeter, nlbVerticalIstio, orders } from "../../scripts/lib/scenarios";
import { apiServerProblems, schemaProblems } from "../support/openapi";
import { componentInputs, LEAK, mutation } from "../support/schemaArbitrary";
import { revealSecrets } from "../support/secrets";

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
const inputKeys = new Set(Object.keys(require("../../provider/schema.json").resources[EdgeStackToken].inputProperties));

/** Valid starting points, for mutations to move a step away from. */
const seeds: Record<string, unknown>[] = [
    { ...nlbVerticalIstio },
    { ...albHorizontalKuma },
    { loadBalancer: { type: "nlb" }, services: [greeter] },
    { loadBalancer: { type: "alb", certificateArn: CERT }, mesh: { istio: { install: true } }, services: [orders], clusterName: "prod", loadBalancerController: { install: true, identity: "podIdentity" } },
    { loadBalancer: { type: "nlb", clientIpMode: "preserveClientIp" }, eksAutoMode: true, scalingMode: "horizontal", acceptL4Imbalance: true, mesh: { kuma: { install: true } }, services: [{ ...greeter, routeKind: "grpcRoute", plugins: { keyAuth: {}, jwt: {}, authMode: "any" }, grpcWeb: true, consumers: [{ username: "ci", keyAuthKey: "k", jwtKey: "iss", jwtSecret: "s" }] }] },
];

const input: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
    // A valid scenario with one or two mutations.
    { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...seeds), fc.array(mutation(EdgeStackToken), { minLength: 1, maxLength: 2 })).map(([seed, edits]) => {
        const copy = structuredClone(seed);
        for (const edit of edits) edit(copy);
        return copy;
    }) },
    // Whole inputs from the schema: mostly plausible, a few percent of values mutated.
    { weight: 3, arbitrary: componentInputs(EdgeStackToken, 0.03) },
    // Heavily mutated.
    { weight: 1, arbitrary: componentInputs(EdgeStackToken, 0.3) },
);
const componentName = fc.oneof({ weight: 20, arbitrary: fc.constant("edge") }, { weight: 1, arbitrary: fc.constantFrom("", "Edge!", "é", "a".repeat(41), "-edge") });

/** Every place in a manifest that holds undefined, NaN, an infinite number or a leaked template value. */
function leaks(value: unknown, at = ""): string[] {
    if (value === undefined) return [`${at} is undefined`];
    if (typeof value === "number") return Number.isFinite(value) ? [] : [`${at} is ${value}`];
    if (typeof value === "string") return LEAK.test(value) ? [`${at} = ${JSON.stringify(value)}`] : [];
    if (Array.isArray(value)) return value.flatMap((v, i) => leaks(v, `${at}[${i}]`));
    if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => leaks(v, `${at}.${k}`));
    return [];
}

/** Schema validation of identical objects is done once: most renders repeat most objects. */
const validated = new Map<string, string[]>();
function openApiProblems(object: Record<string, any>): string[] {
    const key = JSON.stringify(object);
    let found = validated.get(key);
    if (!found) {
        found = [...schemaProblems(object), ...apiServerProblems(object)];
        validated.set(key, found);
    }
    return found;
}

/** A string that starts like a property path the user could have written. */
const FIELD = /^(?:[A-Za-z_][\w]*)(?:\.[A-Za-z_][\w-]*|\[\d+\]|\["[^"]*"\])*$|^[^.\[]+/;

const outcome = { rejected: 0, rendered: 0, objects: 0 };
const reasons = new Map<string, number>();

async function check(name: string, args: Record<string, unknown>): Promise<void> {
    let error: unknown;
    const registered: Registered[] = await render(() => {
        try {
            new EdgeStack(name, args as never);
        } catch (e) {
            error = e;
        }
    });
    if (error !== undefined) {
        if (!(error instanceof MeshedgeInputError)) throw new Error(`threw ${(error as Error)?.name}: ${(error as Error)?.message}\n${(error as Error)?.stack ?? ""}`);
        expect(registered.map((r) => `${r.type}/${r.name}`), "nothing is registered for rejected inputs").to.deep.equal([]);
        expect(error.problems.length).to.be.greaterThan(0);
        for (const p of error.problems) {
            const line = formatProblem(p);
            expect(p.field, line).to.be.a("string").and.match(FIELD);
            const root = p.field.split(/[.[]/)[0];
            expect(root === "name" || inputKeys.has(root) || root in args, `${line}: names a field of the inputs`).to.equal(true);
            expect(p, line).to.have.property("value");
            expect(describeValue(p.value), line).to.be.a("string");
            expect(p.problem, line).to.be.a("string").and.not.equal("");
            expect(p.fix, line).to.be.a("string").and.not.equal("");
            expect(line, "the value is printable").not.to.match(/undefined(?!\))/);
        }
        outcome.rejected++;
        if (process.env.FUZZ_DEBUG) for (const p of error.problems) reasons.set(`${p.field.replace(/\d+/g, "N")}: ${p.problem.slice(0, 60)}`, (reasons.get(`${p.field.replace(/\d+/g, "N")}: ${p.problem.slice(0, 60)}`) ?? 0) + 1);
        return;
    }
    outcome.rendered++;
    expect(registered.length).to.be.greaterThan(0);
    for (const r of registered) {
        const inputs = revealSecrets(r.inputs) as Record<string, unknown>;
        expect(leaks(inputs, `${r.type}/${r.name}`)).to.deep.equal([]);
        const object = kubernetesObject({ ...r, inputs });
        if (!object) continue;
        outcome.objects++;
        expect(openApiProblems(object), `${r.type}/${r.name}: ${JSON.stringify(object)}`).to.deep.equal([]);
    }
}

describe("fuzz: EdgeStack over its whole input space", function () {
    this.timeout(30 * 60 * 1000);
    let stackTraceLimit: number;
    before(() => {
        // Pulumi's SDK records a stack trace per promise and per resource; they are most of a render's CPU time.
        stackTraceLimit = Error.stackTraceLimit;
        if (!process.env.FUZZ_STACKS) Error.stackTraceLimit = 0;
    });
    after(() => {
        Error.stackTraceLimit = stackTraceLimit;
    });

    it(`${RUNS} generated inputs: rejected with field, value and fix, or valid Kubernetes objects`, async () => {
        const started = process.hrtime.bigint();
        await fc.assert(fc.asyncProperty(componentName, input, (name, args) => check(name, args)), { numRuns: RUNS, seed: SEED, endOnFailure: true });
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        console.log(`      fuzz: seed ${SEED}, ${RUNS} inputs in ${seconds.toFixed(1)} s: ${outcome.rejected} rejected, ${outcome.rendered} rendered (${outcome.objects} Kubernetes objects, ${validated.size} distinct)`);
        if (process.env.FUZZ_DEBUG) console.log([...reasons].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([k, n]) => `${n} ${k}`).join("\n"));
        // Both outcomes must be well represented, or the generator has drifted from the rules.
        expect(outcome.rendered, "rendered inputs").to.be.greaterThan(RUNS * 0.1);
        expect(outcome.rejected, "rejected inputs").to.be.greaterThan(RUNS * 0.3);
    });
});
