// The schema-driven shape check: values of another type than provider/schema.json says are reported
// at their path, with the value and a fix, and the rules do not run on them.
import { expect } from "chai";
import { EdgeStackToken, GrpcServiceToken, ComputeKongSizingToken } from "../../../provider/src/generated/schema-types";
import { Problems } from "../../../provider/src/rules/errors";
import { checkFunctionInputShape, checkInputShape, expected } from "../../../provider/src/rules/shape";
import schema from "../../../provider/schema.json";

function shapeOf(token: string, args: unknown, rules: (p: Problems) => void = () => undefined) {
    const problems = new Problems();
    let ran = false;
    checkInputShape(problems, token, args, () => {
        ran = true;
        rules(problems);
    });
    return { problems: problems.list, ran };
}

describe("rules/shape: inputs against the schema's types", () => {
    it("wrong JS types are reported at their paths and stop the rules", () => {
        const { problems, ran } = shapeOf(EdgeStackToken, {
            loadBalancer: { type: "nlb", drainSeconds: "30" },
            services: { name: "greeter" },
            vertical: { cpu: Number.NaN },
            kong: { values: { gateway: { replicaCount: Infinity } } },
            acceptL4Imbalance: "yes",
        });
        expect(ran).to.equal(false);
        expect(problems.map((p) => p.field)).to.deep.equal(["loadBalancer.drainSeconds", "vertical.cpu", "kong.values.gateway.replicaCount", "services", "acceptL4Imbalance"].sort((a, b) => order(a) - order(b)));
        const byField = Object.fromEntries(problems.map((p) => [p.field, p]));
        expect(byField["loadBalancer.drainSeconds"]).to.deep.include({ value: "30", problem: "is a string, not a whole number" });
        expect(byField.services.problem).to.equal(`is an object, not a list of objects with ${Object.keys(schema.types["meshedge:index:GrpcServiceSpec"].properties).join(", ")}`);
        expect(byField["vertical.cpu"].problem).to.equal("is NaN, not a whole number");
        expect(byField.acceptL4Imbalance.fix).to.equal("set acceptL4Imbalance to true or false, or leave it unset for its default");
    });

    it("unknown keys are reported, with the camelCase name for a snake_case spelling", () => {
        const { problems } = shapeOf(EdgeStackToken, { loadBalancer: { type: "nlb" }, scaling_mode: "vertical", bogus: 1 });
        expect(problems.map((p) => [p.field, p.fix])).to.deep.equal([
            ["scaling_mode", "rename it to scalingMode"],
            ["bogus", `remove it; the fields are ${Object.keys(schema.resources["meshedge:index:EdgeStack"].inputProperties).join(", ")}`],
        ]);
    });

    it("null, list holes and map entries without a value are reported", () => {
        const { problems } = shapeOf(GrpcServiceToken, { service: { name: "a", namespace: "b", paths: ["/a.B/", null], resources: { requests: { cpu: null } } }, meshKind: null });
        expect(problems.map((p) => p.field)).to.have.members(["service.paths[1]", 'service.resources.requests["cpu"]', "meshKind"]);
    });

    it("enum strings, fractions and missing top-level inputs are left to the rules' own words, and added when no rule reports them", () => {
        const rules = (p: Problems) => p.add("scalingMode", "sideways", "is not a scaling mode", "use vertical");
        const { problems, ran } = shapeOf(EdgeStackToken, { scalingMode: "sideways", vertical: { cpu: 1.5 }, mesh: { kuma: { meshName: "m" } } }, rules);
        expect(ran).to.equal(true);
        expect(problems.map((p) => [p.field, p.problem])).to.deep.equal([
            ["scalingMode", "is not a scaling mode"],
            ["vertical.cpu", "is a fraction, not a whole number"],
            ["loadBalancer", "is required"],
        ]);
    });

    it("a missing required nested field stops the rules", () => {
        const { problems, ran } = shapeOf(EdgeStackToken, { loadBalancer: {}, services: [{ name: "a", namespace: "b" }] });
        expect(ran).to.equal(false);
        expect(problems.map((p) => p.field)).to.deep.equal(["loadBalancer.type", "services[0].paths"]);
    });

    it("Outputs pass where the schema does not say plain", () => {
        const output = { __pulumiOutput: true };
        expect(shapeOf(EdgeStackToken, { loadBalancer: { type: "nlb", certificateArn: output }, clusterName: output }).problems).to.deep.equal([]);
        expect(shapeOf(EdgeStackToken, { loadBalancer: output }).problems.map((p) => p.field)).to.deep.equal(["loadBalancer"]);
    });

    it("assets, archives and resources the engine deserialized are not objects of inputs", () => {
        class FileAsset {
            readonly __pulumiAsset = true;
        }
        expect(shapeOf(EdgeStackToken, { loadBalancer: new FileAsset() }).problems.map((p) => p.problem)).to.deep.equal(["is an asset, not an object with type, scheme, certificateArn, sslPolicy, crossZone, ingressClassName, backendProtocolVersion, healthCheckPath, healthCheckSuccessCodes, clientIpMode, vpcCidrs, drainSeconds, idleTimeoutSeconds, annotations"]);
    });

    it("inputs that are not an object at all", () => {
        for (const args of [null, [], "x", 3]) expect(shapeOf(EdgeStackToken, args).problems.map((p) => p.field)).to.deep.equal([""]);
    });

    it("function inputs too", () => {
        const problems = new Problems();
        checkFunctionInputShape(problems, ComputeKongSizingToken, { loadBalancerType: "nlb", vertical: { cpu: "4" } }, () => undefined);
        expect(problems.list.map((p) => p.field)).to.deep.equal(["vertical.cpu"]);
    });

    it("describes each schema form", () => {
        expect(expected({ type: "array", items: { type: "string" } })).to.equal("a list of strings");
        expect(expected({ type: "object", additionalProperties: { type: "string" } })).to.equal("a map of names to strings");
        expect(expected({ $ref: "#/types/meshedge:index:LoadBalancerType" })).to.equal('one of "nlb", "alb"');
    });
});

/** Problems come in the order the keys were given. */
function order(field: string): number {
    return ["loadBalancer", "services", "vertical", "kong", "acceptL4Imbalance"].findIndex((k) => field.startsWith(k));
}
