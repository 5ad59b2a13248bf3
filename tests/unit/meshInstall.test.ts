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

    it("Istio revision: istio/base gets defaultRevision and istiod the revision, so the default validator calls istiod-<revision>", async () => {
        const resources = await render(() => new EdgeStack("edge", { loadBalancer: { type: "nlb" }, mesh: { istio: { install: true, revision: "canary" } }, services: [greeter] }));
        const values = Object.fromEntries(releasesIn(resources, "istio-system").map((r) => [r.inputs.name, r.inputs.values]));
        expect(values).to.deep.equal({ "istio-base": { defaultRevision: "canary" }, istiod: { revision: "canary" } });
    });

    it("Kuma: kuma-system is a stack Namespace holding the control-plane release", async () => {
        const resources = await render(() => new EdgeStack("edge", { loadBalancer: { type: "nlb" }, mesh: { kuma: { install: true } }, services: [greeter] }));
        expect(namespaceNames(resources)).to.deep.equal(["apps", "kong", "kuma-system"]);
        const releases = releasesIn(resources, "kuma-system");
        expect(releases.map((r) => r.inputs.name)).to.deep.equal(["kuma"]);
        expect(releases[0].inputs).not.to.have.property("createNamespace");
        // Labelled by the stack, so the chart's namespace-patching hook Job is off.
        const kumaSystem = ofType(resources, NAMESPACE).find((r) => r.inputs.metadata.name === "kuma-system")!;
        // kuma-cp sets no seccomp profile (kuma chart 2.12.3 values.yaml controlPlane.*SecurityContext): baseline, not restricted.
        expect(kumaSystem.inputs.metadata.labels).to.deep.equal({
            "kuma.io/sidecar-injection": "false",
            "pod-security.kubernetes.io/enforce": "baseline",
            "pod-security.kubernetes.io/enforce-version": "v1.34",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/audit-version": "v1.34",
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/warn-version": "v1.34",
        });
        expect(releases[0].inputs.values.patchSystemNamespace).to.equal(false);
    });

    it("without install, no control-plane namespace or release is created", async () => {
        const resources = await render(() => new EdgeStack("edge", { loadBalancer: { type: "nlb" }, mesh: { istio: {} }, services: [greeter] }));
        expect(namespaceNames(resources)).to.deep.equal(["apps", "kong"]);
        expect(ofType(resources, RELEASE).map((r) => r.inputs.name)).to.deep.equal(["edge-kong"]);
    });
});

// Kuma's owner-reference webhook rejects a mesh-scoped policy whose Mesh does not exist yet
// (tests/unit/kumaWebhooks.test.ts reads it from the pinned chart), so the order is part of the
// contract: control plane, Mesh, MeshTrafficPermission, then Kong and the services. The
// dependencies are the ones the SDK sends to the engine, which creates nothing before its dependencies.
describe("Kuma: creation order the engine follows", () => {
    const MESH = "kubernetes:kuma.io/v1alpha1:Mesh";
    const PERMISSION = "kubernetes:kuma.io/v1alpha1:MeshTrafficPermission";

    const scenarios = [
        { title: "install: true, default mesh", kuma: { install: true } },
        { title: "a Kuma installed elsewhere, mesh payments", kuma: { meshName: "payments" } },
    ];
    for (const { title, kuma } of scenarios) {
        it(`${title}: Mesh, then the permission, both before Kong's release and every service object`, async () => {
            const resources = await render(() => new EdgeStack("edge", { loadBalancer: { type: "nlb" }, mesh: { kuma }, services: [greeter] }));
            const mesh = ofType(resources, MESH)[0];
            const permission = ofType(resources, PERMISSION)[0];
            expect(mesh.urn).to.match(/::edge-mesh$/);
            expect(permission.inputs.metadata.labels["kuma.io/mesh"]).to.equal(mesh.inputs.metadata.name);
            expect(permission.dependencies).to.include(mesh.urn);
            expect(mesh.dependencies).not.to.include(permission.urn);

            const controlPlane = releasesIn(resources, "kuma-system");
            for (const release of controlPlane) expect(mesh.dependencies, "the Mesh waits for the control plane").to.include(release.urn);
            expect(controlPlane.length).to.equal(kuma.install ? 1 : 0);

            const kong = ofType(resources, RELEASE).find((r) => r.inputs.name === "edge-kong")!;
            expect(kong.dependencies).to.include.members([mesh.urn, permission.urn]);
            // Kuma's injector fails a pod whose named ContainerPatch is missing: the patch sizing Kong's sidecar comes first.
            const [patch] = ofType(resources, "kubernetes:kuma.io/v1alpha1:ContainerPatch");
            expect(kong.inputs.values.gateway.podAnnotations["kuma.io/container-patches"]).to.equal(patch.inputs.metadata.name);
            expect(kong.dependencies).to.include(patch.urn);
            expect(patch.dependencies).to.include.members([mesh.urn, permission.urn]);
            // Every object of the service (Deployment, Service, route, plugins, ...) that can start a data plane or route to one.
            const serviceObjects = resources.filter((r) => r.custom && r.urn.includes("meshedge:index:GrpcService$"));
            expect(serviceObjects.map((r) => r.type)).to.include.members(["kubernetes:apps/v1:Deployment", "kubernetes:core/v1:Service"]);
            for (const r of serviceObjects.filter((r) => ["kubernetes:apps/v1:Deployment", "kubernetes:core/v1:Service"].includes(r.type))) {
                expect(r.dependencies, r.name).to.include.members([mesh.urn, permission.urn]);
            }
        });
    }

    it("without mTLS there is no permission, and Kong still waits for the Mesh", async () => {
        const resources = await render(() => new EdgeStack("edge", { loadBalancer: { type: "nlb" }, mesh: { kuma: { mtls: false } }, services: [greeter] }));
        expect(ofType(resources, PERMISSION)).to.deep.equal([]);
        const mesh = ofType(resources, MESH)[0];
        expect(mesh.inputs.spec).to.deep.equal({});
        expect(ofType(resources, RELEASE).find((r) => r.inputs.name === "edge-kong")!.dependencies).to.include(mesh.urn);
    });
});

describe("the gateway sidecar's size", () => {
    it("mesh.istio.gatewaySidecar becomes the Kong gateway pods' proxy annotations, requests = limits", async () => {
        const resources = await render(() => new EdgeStack("edge", { loadBalancer: { type: "nlb" }, mesh: { istio: { gatewaySidecar: { cpu: "2", memory: "1Gi" } } }, services: [greeter] }));
        const values = ofType(resources, RELEASE).find((r) => r.inputs.name === "edge-kong")!.inputs.values;
        expect(values.gateway.podAnnotations).to.include({
            "sidecar.istio.io/proxyCPU": "2",
            "sidecar.istio.io/proxyCPULimit": "2",
            "sidecar.istio.io/proxyMemory": "1Gi",
            "sidecar.istio.io/proxyMemoryLimit": "1Gi",
        });
        // Only the gateway: the controller pod keeps its own sizing.
        expect(Object.keys(values.controller.podAnnotations).filter((k) => k.startsWith("sidecar.istio.io/proxy"))).to.deep.equal([]);
    });

    it("mesh.kuma.gatewaySidecar becomes the ContainerPatch the gateway pods name", async () => {
        const resources = await render(() => new EdgeStack("edge", { loadBalancer: { type: "nlb" }, mesh: { kuma: { gatewaySidecar: { cpu: "500m" } } }, services: [greeter] }));
        const [patch] = ofType(resources, "kubernetes:kuma.io/v1alpha1:ContainerPatch");
        expect(JSON.parse(patch.inputs.spec.sidecarPatch[0].value)).to.deep.equal({ requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "500m", memory: "512Mi" } });
    });
});
