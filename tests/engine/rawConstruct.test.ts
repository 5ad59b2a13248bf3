// The plugin receives wrongly typed property values from a raw Construct call (no SDK in between,
// so nothing converts or checks types first) and answers each with Pulumi's InputPropertiesError
// naming the field, the value and the fix; the process keeps serving. A raw client rather than a
// program through the CLI: every SDK type-checks or converts its inputs before the engine sees them,
// so only a raw call can put a string where the schema says integer, and a direct call shows the
// plugin's own answer (gRPC code and error details) rather than the CLI's rendering of it.
import { expect } from "chai";
import { EdgeStackToken, GrpcServiceToken, KongGatewayToken } from "../../provider/src/generated/schema-types";
import { greeter } from "../../scripts/lib/scenarios";
import { RawPlugin, startRawPlugin, structWith } from "../support/rawProvider";

const INVALID_ARGUMENT = 3;
const base = { loadBalancer: { type: "nlb" }, services: [greeter] };

interface Case {
    readonly title: string;
    readonly type?: string;
    readonly inputs: object;
    /** Each property path that must be reported, with a fragment of its reason. */
    readonly errors: [string, string][];
}

const cases: Case[] = [
    { title: "a string where the schema says integer", inputs: { ...base, services: [{ ...greeter, port: "50051" }] }, errors: [["services[0].port", "is a string, not a whole number. Fix: set services[0].port to a whole number"]] },
    { title: "an object where the schema says array", inputs: { ...base, services: { greeter } }, errors: [["services", "is an object, not a list of objects"]] },
    { title: "a number where the schema says string", inputs: { ...base, services: [{ ...greeter, name: 7, image: 1.5 }] }, errors: [["services[0].name", "is a whole number, not a string"], ["services[0].image", "is a fraction, not a string"]] },
    { title: "a list where the schema says object", inputs: { ...base, loadBalancer: ["nlb"] }, errors: [["loadBalancer", "is a list, not an object with type"]] },
    { title: "a boolean as a string", inputs: { ...base, eksAutoMode: "false", waitForReady: 1 }, errors: [["eksAutoMode", "is a string, not true or false"], ["waitForReady", "is a whole number, not true or false"]] },
    { title: "null for a nested object", inputs: { ...base, mesh: { istio: null } }, errors: [["mesh.istio", "is null"]] },
    { title: "unknown and snake_case keys", inputs: { ...base, scaling_mode: "vertical", loadBalancer: { type: "nlb", listener: 443 } }, errors: [["scaling_mode", "rename it to scalingMode"], ["loadBalancer.listener", "is not a field of loadBalancer"]] },
    { title: "an enum value of the wrong type", inputs: { ...base, loadBalancer: { type: 4 } }, errors: [["loadBalancer.type", 'is not one of "nlb", "alb"']] },
    { title: "no inputs at all", inputs: {}, errors: [["loadBalancer", "is required"]] },
    { title: "an asset where the schema says object (an unknown nested type)", inputs: { ...base, vertical: { "4dabf18193072939515e22adb298388d": "c44067f5952c0a294b673a41bacd8c17", path: "./x", hash: "" } }, errors: [["vertical", "is an asset, not an object with cpu"]] },
    { title: "KongGateway: a string for replicas", type: KongGatewayToken, inputs: { namespace: "kong", loadBalancer: { type: "nlb" }, scalingMode: "vertical", vertical: { cpu: 2, replicas: "two" } }, errors: [["vertical.replicas", "is a string, not a whole number"]] },
    { title: "GrpcService: a string for the paths list", type: GrpcServiceToken, inputs: { service: { name: "greeter", namespace: "apps", paths: "/helloworld.Greeter/" } }, errors: [["service.paths", "is a string, not a list of strings"]] },
];

describe("engine: raw Construct calls with wrongly typed inputs", function () {
    this.timeout(5 * 60 * 1000);
    let plugin: RawPlugin;

    before(async () => {
        plugin = await startRawPlugin();
    });
    after(async () => {
        await plugin?.stop();
    });

    for (const c of cases) {
        it(`answers ${c.title} with the field, the value and the fix`, async () => {
            const answer = await plugin.construct(c.type ?? EdgeStackToken, "edge", c.inputs);
            expect(answer.code, JSON.stringify(answer)).to.equal(INVALID_ARGUMENT);
            expect(answer.message).to.match(/^invalid \w+ "edge" inputs \(\d+ problems?, each with its fix\)$/);
            for (const [propertyPath, reason] of c.errors) {
                const found = answer.propertyErrors.find((e) => e.propertyPath === propertyPath);
                expect(found, `${propertyPath} in ${JSON.stringify(answer.propertyErrors)}`).to.not.equal(undefined);
                expect(found!.reason).to.include(reason).and.to.include(" Fix: ");
            }
            expect(plugin.registered, "nothing is registered for rejected inputs").to.deep.equal([]);
            expect(plugin.process.exitCode, "the plugin still runs").to.equal(null);
        });
    }

    it("answers NaN and Infinity (protobuf doubles JSON cannot write) in a count", async () => {
        const inputs = structWith({ ...base, scalingMode: "vertical" }, {
            vertical: (v) => v.setStructValue(structWith({}, { cpu: (n) => n.setNumberValue(Number.NaN), replicas: (n) => n.setNumberValue(Infinity) })),
        });
        const answer = await plugin.construct(EdgeStackToken, "edge", inputs);
        expect(answer.code).to.equal(INVALID_ARGUMENT);
        expect(answer.propertyErrors.map((e) => [e.propertyPath, e.reason.split(".")[0]])).to.deep.equal([
            ["vertical.cpu", "is NaN, not a whole number"],
            ["vertical.replicas", "is an infinite number, not a whole number"],
        ]);
    });

    it("still serves after every bad call, and constructs valid inputs", async () => {
        expect(await plugin.pluginVersion()).to.match(/^\d+\.\d+\.\d+/);
        const answer = await plugin.construct(EdgeStackToken, "edge", base);
        expect(answer.code, JSON.stringify(answer)).to.equal(undefined);
        expect(answer.urn).to.equal(`urn:pulumi:raw::meshedge-raw::${EdgeStackToken}::edge`);
        expect(plugin.registered).to.include(answer.urn);
        expect(plugin.process.exitCode).to.equal(null);
        expect(plugin.logs.join("\n"), "no crash or stack trace in the plugin's output").not.to.match(/TypeError|ReferenceError|at .*\.js:\d+/);
    });
});
