// How input problems are addressed and worded: property paths the engine prints per problem, scoped
// views that all feed one list, and enum messages that name every allowed value.
import { expect } from "chai";
import {
    BackendProtocolVersion,
    ControllerIdentity,
    KongChart,
    LoadBalancerScheme,
    LoadBalancerType,
    MeshKind,
    RouteKind,
    ScalingMode,
} from "../../../provider/src/generated/schema-types";
import { checkOneOf, describeValue, formatProblem, joinPath, Problems } from "../../../provider/src/rules/errors";

describe("errors: property paths", () => {
    const cases: [string, string, string][] = [
        ["", "clusterName", "clusterName"],
        ["loadBalancer", "", "loadBalancer"],
        ["", "", ""],
        ["loadBalancer", "certificateArn", "loadBalancer.certificateArn"],
        ["services", "[0]", "services[0]"],
        ["services[0]", "paths[1]", "services[0].paths[1]"],
        ["loadBalancer", '["x/y"]', 'loadBalancer["x/y"]'], // annotation keys with dots and slashes
    ];
    for (const [prefix, field, joined] of cases) {
        it(`joinPath(${JSON.stringify(prefix)}, ${JSON.stringify(field)}) = ${JSON.stringify(joined)}`, () => expect(joinPath(prefix, field)).to.equal(joined));
    }

    it("at() nests scopes, and every view adds to the one list in the order found", () => {
        const root = new Problems();
        const service = root.at("services").at("[2]");
        service.at("plugins").add("rateLimiting", {}, "sets no limit", "set one");
        root.add("clusterName", undefined, "is required", "set it");
        service.add("", { name: "x" }, "whole object", "fix it"); // the scope itself
        expect(root.list.map((p) => p.field)).to.deep.equal(["services[2].plugins.rateLimiting", "clusterName", "services[2]"]);
        expect(service.list).to.equal(root.list);
    });

    it("a fresh Problems starts empty and does not share another's list", () => {
        const a = new Problems();
        a.add("x", 1, "p", "f");
        expect(new Problems().list).to.deep.equal([]);
    });
});

describe("errors: wording", () => {
    it("describes unset values as (unset) and others as JSON", () => {
        expect(describeValue(undefined)).to.equal("(unset)");
        expect(describeValue("nlb")).to.equal('"nlb"');
        expect(describeValue(0)).to.equal("0");
        expect(describeValue(null)).to.equal("null");
        expect(describeValue({ cpu: 2 })).to.equal('{"cpu":2}');
        expect(describeValue(() => 1)).to.equal("() => 1"); // not JSON: falls back to String
    });

    it("formats one problem as `field = value: problem. Fix: fix.`", () => {
        expect(formatProblem({ field: "services[0].port", value: 70000, problem: "is not a TCP port", fix: "use 1 to 65535" })).to.equal(
            "services[0].port = 70000: is not a TCP port. Fix: use 1 to 65535.",
        );
        expect(formatProblem({ field: "clusterName", value: undefined, problem: "is required", fix: "set it" })).to.equal(
            "clusterName = (unset): is required. Fix: set it. In Python: cluster_name.",
        );
    });
});

describe("errors: checkOneOf over the generated enums", () => {
    const enums: [string, Record<string, string>][] = Object.entries({
        LoadBalancerType, ScalingMode, LoadBalancerScheme, KongChart, MeshKind, RouteKind, ControllerIdentity, BackendProtocolVersion,
    });
    for (const [name, allowed] of enums) {
        it(`${name}: accepts each value and unset; rejects others, listing every value in schema order`, () => {
            const problems = new Problems().at("x");
            for (const v of [...Object.values(allowed), undefined]) checkOneOf(problems, "f", v, allowed, name);
            expect(problems.list).to.deep.equal([]);
            const first = Object.values(allowed)[0];
            for (const bad of [first.toUpperCase() === first ? first.toLowerCase() : first.toUpperCase(), "", 42, null]) checkOneOf(problems, "f", bad, allowed, name);
            expect(problems.list).to.have.length(4);
            for (const p of problems.list) {
                expect(p).to.include({ field: "x.f", problem: `unknown ${name}` });
                expect(p.fix).to.equal(`use ${Object.values(allowed).map((v) => `"${v}"`).join(", ")}`);
            }
        });
    }
});
