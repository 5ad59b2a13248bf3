// Mesh control planes installed by the stack: their namespaces are stack resources (so `pulumi
// destroy` removes them), and the releases go into them instead of asking Helm to create them.
import { expect } from "chai";
import { EdgeStack } from "../../provider/src/components/edgeStack";
import { greeter } from "../../scripts/lib/scenarios";
import { ofType, Registered, render } from "../../scripts/lib/mock-runtime";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const NAMESPACE = "kubernetes:core/v1:Namespace";

function namespaceNames(resources: Registered[]): string[] {
    return ofType(resources, NAMESPACE).map((r) => r.inputs.metadata.name).sort();
}

function releasesIn(resources: Registered[], namespace: string): Registered[] {
    return ofType(resources, RELEASE).filter((r) => r.inputs.namespace === namespace);
}

describe("mesh control plane installs", () => {
    it("Istio: istio-system is a stack Namespace holding the base and istiod releases", async () => {
        const resources = await render(() => new EdgeStack("edge", { loadBalancer: { type: "nlb" }, mesh: { istio: { install: true } }, services: [greeter] }));
        expect(namespaceNames(resources)).to.deep.equal(["apps", "istio-system", "kong"]);
        const releases = releasesIn(resources, "istio-system");
        expect(releases.map((r) => r.inputs.name).sort()).to.deep.equal(["istio-base", "istiod"]);
        for (const r of releases) expect(r.inputs, r.name).not.to.have.property("createNamespace");
    });

    it("Kuma: kuma-system is a stack Namespace holding the control-plane release", async () => {
        const resources = await render(() => new EdgeStack("edge", { loadBalancer: { type: "nlb" }, mesh: { kuma: { install: true } }, services: [greeter] }));
        expect(namespaceNames(resources)).to.deep.equal(["apps", "kong", "kuma-system"]);
        const releases = releasesIn(resources, "kuma-system");
        expect(releases.map((r) => r.inputs.name)).to.deep.equal(["kuma"]);
        expect(releases[0].inputs).not.to.have.property("createNamespace");
        // Labelled by the stack, so the chart's namespace-patching hook Job is off.
        const kumaSystem = ofType(resources, NAMESPACE).find((r) => r.inputs.metadata.name === "kuma-system")!;
        expect(kumaSystem.inputs.metadata.labels).to.deep.equal({ "kuma.io/sidecar-injection": "false" });
        expect(releases[0].inputs.values.patchSystemNamespace).to.equal(false);
    });

    it("without install, no control-plane namespace or release is created", async () => {
        const resources = await render(() => new EdgeStack("edge", { loadBalancer: { type: "nlb" }, mesh: { istio: {} }, services: [greeter] }));
        expect(namespaceNames(resources)).to.deep.equal(["apps", "kong"]);
        expect(ofType(resources, RELEASE).map((r) => r.inputs.name)).to.deep.equal(["edge-kong"]);
    });
});
