// The merge of a release's values: the user's `values` under, the rules' typed values over. Objects
// merge key by key; arrays, scalars and non-plain objects (Outputs) from the rules replace the user's.
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { deepMerge } from "../../../provider/src/rules/deepMerge";

function deepFreeze<T>(value: T): T {
    if (typeof value === "object" && value !== null) {
        Object.values(value).forEach(deepFreeze);
        Object.freeze(value);
    }
    return value;
}

describe("deepMerge", () => {
    it("keeps the user's extra Kong values and lets the rules win where both set a key", () => {
        const user = {
            gateway: {
                env: { log_level: "debug", nginx_worker_processes: "auto" },
                autoscaling: { metrics: [{ type: "Pods" }, { type: "External" }] },
                proxy: { annotations: { "example.com/team": "edge" } },
            },
            controller: { ingressController: { env: { feature_gates: "x" } } },
        };
        const rules = {
            gateway: {
                env: { nginx_worker_processes: "4" },
                autoscaling: { enabled: false, metrics: [{ type: "Resource" }] },
                proxy: { type: "LoadBalancer", annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing" } },
            },
        };
        expect(deepMerge(user, rules)).to.deep.equal({
            gateway: {
                env: { log_level: "debug", nginx_worker_processes: "4" },
                autoscaling: { metrics: [{ type: "Resource" }], enabled: false }, // a list is replaced, never concatenated
                proxy: {
                    annotations: { "example.com/team": "edge", "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing" },
                    type: "LoadBalancer",
                },
            },
            controller: { ingressController: { env: { feature_gates: "x" } } },
        });
    });

    it("replaces with scalars, null and falsy values, and replaces an object with a scalar and back", () => {
        expect(deepMerge({ a: 1, b: true, c: "x", d: { e: 1 }, f: 2 }, { a: 0, b: false, c: "", d: null, f: { g: 1 } })).to.deep.equal({
            a: 0, b: false, c: "", d: null, f: { g: 1 },
        });
    });

    it("does not merge into non-plain objects: an Output or class instance is taken as a whole", () => {
        class Quantity { constructor(readonly v: string) {} }
        const output = pulumi.output({ cpu: "1" });
        const q = new Quantity("1");
        const merged = deepMerge({ resources: { cpu: "2", memory: "1Gi" }, q: { v: "0", w: 1 } }, { resources: output, q });
        expect(merged.resources).to.equal(output);
        expect(merged.q).to.equal(q);
        expect(deepMerge({ x: output }, { x: { a: 1 } }).x).to.deep.equal({ a: 1 });
    });

    it("modifies neither argument, and merged branches are new objects", () => {
        const under = deepFreeze({ gateway: { env: { a: "1" }, list: [1, 2] }, keep: { k: 1 } });
        const over = deepFreeze({ gateway: { env: { b: "2" }, list: [3] } });
        const before = JSON.stringify([under, over]);
        const merged = deepMerge(under, over) as any;
        expect(JSON.stringify([under, over])).to.equal(before);
        expect(merged.gateway).to.not.equal(under.gateway).and.to.not.equal(over.gateway);
        expect(merged.gateway.env).to.deep.equal({ a: "1", b: "2" });
        merged.gateway.env.c = "3";
        expect(under.gateway.env).to.deep.equal({ a: "1" });
    });

    it("an empty side leaves the other's content", () => {
        expect(deepMerge({}, { a: { b: 1 } })).to.deep.equal({ a: { b: 1 } });
        expect(deepMerge({ a: { b: 1 } }, {})).to.deep.equal({ a: { b: 1 } });
    });

    it("a __proto__ key in user values does not reach Object.prototype", () => {
        deepMerge(JSON.parse('{"a":{}}'), JSON.parse('{"__proto__":{"polluted":true},"a":{"__proto__":{"polluted":true}}}'));
        expect(({} as any).polluted).to.equal(undefined);
    });
});
