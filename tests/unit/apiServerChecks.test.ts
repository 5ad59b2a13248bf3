// The fuzzer's oracle beyond OpenAPI (tests/support/openapi.ts apiServerProblems) must catch what the
// API server rejects, and pass what the README scenarios render.
import { expect } from "chai";
import { EdgeStack } from "../../provider/src/components/edgeStack";
import { kubernetesObject, render } from "../../scripts/lib/mock-runtime";
import { albHorizontalKuma, nlbVerticalIstio } from "../../scripts/lib/scenarios";
import { apiServerProblems } from "../support/openapi";

describe("the fuzzer's API-server checks", () => {
    it("find bad keys, label values, int32 overflows and missing images", () => {
        const found = apiServerProblems({
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "x", labels: { "my key": "v", ok: "not a value" }, annotations: { "Example.com/x": "1" } },
            spec: { replicas: 2147483648, template: { metadata: { labels: {} }, spec: { containers: [{ name: "c", image: "" }] } } },
        });
        expect(found).to.deep.equal([
            '.metadata.labels: key "my key" is not a qualified name',
            '.metadata.annotations: key "Example.com/x" is not a qualified name',
            '.metadata.labels["ok"] = "not a value" is not a label value',
            ".spec.replicas = 2147483648 does not fit an int32",
            ".spec.template.spec.containers[0] has no image",
        ]);
    });

    it("pass every object of the README scenarios", async () => {
        for (const args of [nlbVerticalIstio, albHorizontalKuma]) {
            for (const r of await render(() => new EdgeStack("edge", args))) {
                const object = kubernetesObject(r);
                if (object) expect(apiServerProblems(object), `${r.type}/${r.name}`).to.deep.equal([]);
            }
        }
    });
});
