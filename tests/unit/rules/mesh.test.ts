// Mesh wiring: the namespace labels each injector selects on (checked against the istiod 1.30.3 and
// kuma 2.12.3 webhook templates in ../shared/charts), extra labels that would contradict them, Kong's
// pod annotations and Kuma's `.mesh` addresses.
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as yaml from "js-yaml";
import * as path from "path";
import { INPUT_DEFAULTS } from "../../../provider/src/defaults";
import { MeshKind } from "../../../provider/src/generated/schema-types";
import { Problems } from "../../../provider/src/rules/errors";
import {
    checkExtraLabels, checkMesh, injectionLabels, ISTIO_INJECTION_LABEL, ISTIO_REVISION_LABEL, KUMA_INJECTION_LABEL, KUMA_MESH_ADDRESS_PORT, KUMA_MESH_LABEL,
    checkContainerResources, checkSidecarSize, gatewaySidecarSize, istioBaseValues, istiodValues, kongControllerPodAnnotations, kongGatewayPodAnnotations, KUMA_INIT_CONTAINER_LIMITS,
    kumaMeshAddress, kumaSidecarPatchName, kumaSidecarPatchSpec, meshKindOf, meshNamespaceLabels,
} from "../../../provider/src/rules/mesh";
import { sharedDir } from "../../../scripts/lib/repo-root";

const fromChart = (tgz: string, file: string) => execFileSync("tar", ["-xzf", path.join(sharedDir(), "charts", tgz), "-O", file], { encoding: "utf8" });
const problemsOf = (f: (p: Problems) => void) => {
    const problems = new Problems();
    f(problems);
    return problems.list.map((p) => [p.field, p.value, p.problem]);
};

describe("mesh: kind and checks", () => {
    it("the kind follows which mesh is set", () => {
        expect([meshKindOf(undefined), meshKindOf({}), meshKindOf({ istio: {} }), meshKindOf({ kuma: {} })]).to.deep.equal([MeshKind.None, MeshKind.None, MeshKind.Istio, MeshKind.Kuma]);
    });

    it("reports both meshes at once at the second one, and a revision or mesh name that is not a label at its path", () => {
        expect(problemsOf((p) => checkMesh(p, "mesh", { istio: {}, kuma: {} }))).to.deep.equal([["mesh.kuma", {}, "is set together with istio; two sidecar injectors on one pod conflict"]]);
        expect(problemsOf((p) => checkMesh(p, "mesh", { istio: { revision: "1.30.3" } })).map((x) => x[0])).to.deep.equal(["mesh.istio.revision"]);
        expect(problemsOf((p) => checkMesh(p, "mesh", { kuma: { meshName: "Default" } })).map((x) => x[0])).to.deep.equal(["mesh.kuma.meshName"]);
        expect(problemsOf((p) => checkMesh(p, "mesh", { istio: { revision: "1-30-3" } }))).to.deep.equal([]);
    });
});

describe("mesh: injection labels against the injectors' webhooks", () => {
    let istioWebhook: string;
    before(() => (istioWebhook = fromChart("istiod-1.30.3.tgz", "istiod/templates/mutatingwebhook.yaml")));
    /** One webhook of istiod's template, from its Prefix to the next. */
    const webhook = (prefix: string) => {
        const start = istioWebhook.indexOf(`(dict "Prefix" "${prefix}")`);
        expect(start, prefix).to.be.greaterThan(-1);
        return istioWebhook.slice(start, istioWebhook.indexOf('{{- include "core"', start + 1));
    };

    it("Istio default: istio-injection=enabled, which istiod's namespace webhook selects", () => {
        expect(injectionLabels({ istio: {} })).to.deep.equal({ [ISTIO_INJECTION_LABEL]: "enabled" });
        expect(webhook("namespace.")).to.match(/key: istio-injection\s+operator: In\s+values:\s+- enabled\b/);
    });

    it("Istio revision: istio.io/rev alone, since the revision webhook requires istio-injection to be absent", () => {
        expect(injectionLabels({ istio: { revision: "canary" } })).to.deep.equal({ [ISTIO_REVISION_LABEL]: "canary" });
        const rev = webhook("rev.namespace.");
        expect(rev).to.match(/key: istio\.io\/rev\s+operator: In/);
        expect(rev).to.match(/key: istio-injection\s+operator: DoesNotExist/);
    });

    it("Kuma: sidecar-injection=enabled, a value kuma's namespace injector selects, plus the mesh", () => {
        expect(injectionLabels({ kuma: {} })).to.deep.equal({ [KUMA_INJECTION_LABEL]: "enabled", [KUMA_MESH_LABEL]: INPUT_DEFAULTS.KumaMesh.meshName });
        expect(injectionLabels({ kuma: { meshName: "payments" } })[KUMA_MESH_LABEL]).to.equal("payments");
        const kuma = fromChart("kuma-2.12.3.tgz", "kuma/templates/cp-webhooks-and-secrets.yaml");
        const injector = kuma.slice(kuma.indexOf("name: namespace-kuma-injector.kuma.io"), kuma.indexOf("clientConfig:", kuma.indexOf("name: namespace-kuma-injector.kuma.io")));
        expect(injector).to.match(/key: kuma\.io\/sidecar-injection\s+operator: In\s+values:\s+- enabled\b/);
    });

    it("no mesh: no labels", () => expect(injectionLabels({})).to.deep.equal({}));
});

describe("mesh: extra namespace labels", () => {
    const extra = (mesh: Parameters<typeof checkExtraLabels>[2], labels?: Record<string, string>) => problemsOf((p) => checkExtraLabels(p, "labels", mesh, labels));

    it("may add labels or repeat an injection label with its value", () => {
        expect(extra({ istio: {} }, undefined)).to.deep.equal([]);
        expect(extra({ istio: {} }, { team: "edge", [ISTIO_INJECTION_LABEL]: "enabled" })).to.deep.equal([]);
        expect(extra({ kuma: {} }, { [KUMA_MESH_LABEL]: "default" })).to.deep.equal([]);
    });

    it("may not give an injection label another value", () => {
        expect(extra({ kuma: {} }, { [KUMA_MESH_LABEL]: "other" })).to.deep.equal([[`labels["${KUMA_MESH_LABEL}"]`, "other", `contradicts the injection label ${KUMA_MESH_LABEL}: default`]]);
        expect(extra({ istio: {} }, { [ISTIO_INJECTION_LABEL]: "disabled" })[0][0]).to.equal(`labels["${ISTIO_INJECTION_LABEL}"]`);
    });

    it("may not add the other Istio injection label, with a fix for each direction", () => {
        const withRev = problemsOf((p) => checkExtraLabels(p, "labels", { istio: { revision: "canary" } }, { [ISTIO_INJECTION_LABEL]: "enabled" }));
        expect(withRev.map((x) => x[0])).to.deep.equal([`labels["${ISTIO_INJECTION_LABEL}"]`]);
        const problems = new Problems();
        checkExtraLabels(problems, "labels", { istio: {} }, { [ISTIO_REVISION_LABEL]: "canary" });
        expect(problems.list.map((p) => [p.field, p.fix])).to.deep.equal([[`labels["${ISTIO_REVISION_LABEL}"]`, "set istio.revision instead of the istio.io/rev label"]]);
    });

    it("a namespace gets the extra labels with the injection labels on top", () => {
        expect(meshNamespaceLabels({ kuma: {}, labels: { team: "edge", [KUMA_MESH_LABEL]: "x" } })).to.deep.equal({ team: "edge", [KUMA_INJECTION_LABEL]: "enabled", [KUMA_MESH_LABEL]: "default" });
    });
});

describe("mesh: Kong pods and Kuma addresses", () => {
    const size = { cpu: "1", memory: "512Mi" };
    it("per mesh: inbound capture off and the sidecar pinned for the gateway, the admin port 8444 outside the mesh for the controller", () => {
        expect(Object.values(MeshKind).map((k) => [kongGatewayPodAnnotations(k, size, "edge-kong-sidecar"), kongControllerPodAnnotations(k)])).to.deep.equal([
            [{}, {}],
            [
                {
                    "traffic.sidecar.istio.io/includeInboundPorts": "",
                    "sidecar.istio.io/proxyCPU": "1",
                    "sidecar.istio.io/proxyCPULimit": "1",
                    "sidecar.istio.io/proxyMemory": "512Mi",
                    "sidecar.istio.io/proxyMemoryLimit": "512Mi",
                },
                { "traffic.sidecar.istio.io/excludeOutboundPorts": "8444" },
            ],
            [{ "kuma.io/gateway": "enabled", "kuma.io/container-patches": "edge-kong-sidecar" }, { "kuma.io/gateway": "enabled", "traffic.kuma.io/exclude-outbound-ports": "8444" }],
        ]);
    });

    it("the Istio annotations are ones istiod's injection template reads", () => {
        const template = fromChart("istiod-1.30.3.tgz", "istiod/files/injection-template.yaml");
        for (const key of [...Object.keys(kongGatewayPodAnnotations(MeshKind.Istio, size, undefined)), ...Object.keys(kongControllerPodAnnotations(MeshKind.Istio))]) {
            expect(template).to.match(new RegExp(`(annotation|isset) \\.ObjectMeta(\\.Annotations)? \`${key.replace(/\./g, "\\.")}\``), key);
        }
    });

    it("Istio: the injected istio-proxy and istio-init get requests equal to limits from the annotations (istiod 1.30.3 `define \"resources\"`)", () => {
        const template = fromChart("istiod-1.30.3.tgz", "istiod/files/injection-template.yaml");
        const define = template.slice(template.indexOf('{{- define "resources"'), template.indexOf("{{- end }}\n{{ $tproxy"));
        // Where each annotation lands: the section (requests/limits) above it and the resource it sets.
        const targets = new Map<string, [string, string]>();
        let section = "";
        for (const line of define.split("\n")) {
            const header = /^\s+(requests|limits):\s*$/.exec(line);
            if (header) section = header[1];
            const set = /^\s+(cpu|memory): \{\{ index \.ObjectMeta\.Annotations `([^`]+)`/.exec(line);
            if (set) targets.set(set[2], [section, set[1]]);
        }
        expect(targets.size).to.equal(4);
        // Any one of the four makes the template ignore global.proxy.resources, so all four must be set.
        expect(define).to.match(/else \}\}\s+\{\{- if \.Values\.global\.proxy\.resources \}\}/);
        const resources: Record<string, Record<string, string>> = { requests: {}, limits: {} };
        for (const [key, value] of Object.entries(kongGatewayPodAnnotations(MeshKind.Istio, { cpu: "750m", memory: "384Mi" }, undefined))) {
            const target = targets.get(key);
            if (target) resources[target[0]][target[1]] = value;
        }
        expect(resources).to.deep.equal({ requests: { cpu: "750m", memory: "384Mi" }, limits: { cpu: "750m", memory: "384Mi" } });
        // Both containers take that block.
        expect(template.match(/resources:\n  \{\{ template "resources" \. \}\}/g)).to.have.length(2);
    });

    it("Kuma: the ContainerPatch sets the sidecar's and the init container's requests equal to their limits", () => {
        const crd = yaml.load(fromChart("kuma-2.12.3.tgz", "kuma/crds/kuma.io_containerpatches.yaml")) as any;
        const specSchema = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties;
        const spec = kumaSidecarPatchSpec({ cpu: "2", memory: "1Gi" });
        for (const [field, patches] of Object.entries(spec)) {
            const item = specSchema[field].items;
            for (const patch of patches) {
                expect(item.properties.op.enum, field).to.include(patch.op);
                expect(item.properties.value.type).to.equal("string");
                expect(Object.keys(patch).filter((k) => !(k in item.properties))).to.deep.equal([]);
            }
        }
        // The containers as Kuma's injector builds them (kumahq/kuma 2.12.3: pkg/config/app/kuma-cp/kuma-cp.defaults.yaml
        // runtime.kubernetes.injector.sidecarContainer.resources; webhooks/injector/injector.go NewInitContainer).
        const sidecar = { name: "kuma-sidecar", resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "1000m", memory: "512Mi" } } };
        const init = { name: "kuma-init", resources: { requests: { cpu: "20m", memory: "20M" }, limits: { cpu: "100m", memory: "50M" } } };
        /** RFC 6902 `add` of one top-level member, as jsonpatch applies these. */
        const apply = (container: Record<string, unknown>, patches: typeof spec.sidecarPatch) =>
            patches.reduce((c, p) => ({ ...c, [p.path.slice(1)]: JSON.parse(p.value) }), container) as typeof sidecar;
        expect(spec.sidecarPatch.map((p) => p.path)).to.deep.equal(["/resources"]);
        const patchedSidecar = apply(sidecar, spec.sidecarPatch);
        const patchedInit = apply(init, spec.initPatch);
        expect(patchedSidecar.resources).to.deep.equal({ requests: { cpu: "2", memory: "1Gi" }, limits: { cpu: "2", memory: "1Gi" } });
        expect(patchedInit.resources.requests).to.deep.equal(patchedInit.resources.limits).and.to.deep.equal(init.resources.limits);
        expect(KUMA_INIT_CONTAINER_LIMITS).to.deep.equal(init.resources.limits);
        expect(kumaSidecarPatchName("edge-kong")).to.equal("edge-kong-sidecar");
    });

    it("the sidecar size defaults, and sizes that are not quantities are reported at their path", () => {
        expect(gatewaySidecarSize(undefined)).to.deep.equal(INPUT_DEFAULTS.SidecarSize);
        expect(gatewaySidecarSize({ memory: "1Gi" })).to.deep.equal({ cpu: INPUT_DEFAULTS.SidecarSize.cpu, memory: "1Gi" });
        // Container resources: names and quantities the API server parses; zero is a valid quantity there.
        expect(problemsOf((p) => checkContainerResources(p, "resources", { requests: { cpu: "0", memory: "256Mi", "nvidia.com/gpu": "1" }, limits: { cpu: "1.5" } }))).to.deep.equal([]);
        expect(problemsOf((p) => checkContainerResources(p, "resources", { requests: { "my cpu": "1" }, limits: { cpu: "S2hyEf:F3" } })).map((x) => x[0])).to.deep.equal([
            'resources.requests["my cpu"]', 'resources.limits["cpu"]',
        ]);
        expect(problemsOf((p) => checkSidecarSize(p, "meshSidecar", { cpu: "500m", memory: "0.5Gi" }))).to.deep.equal([]);
        expect(problemsOf((p) => checkSidecarSize(p, "meshSidecar", { cpu: "one", memory: "0Mi" })).map((x) => x[0])).to.deep.equal(["meshSidecar.cpu", "meshSidecar.memory"]);
        expect(problemsOf((p) => checkMesh(p, "mesh", { kuma: { gatewaySidecar: { cpu: "1 CPU" } } })).map((x) => x[0])).to.deep.equal(["mesh.kuma.gatewaySidecar.cpu"]);
    });

    it("a Kuma .mesh address is <service>.<namespace>.svc.<port>.mesh, served on port 80", () => {
        expect(kumaMeshAddress("orders", "apps", 9090)).to.equal("orders.apps.svc.9090.mesh");
        expect(KUMA_MESH_ADDRESS_PORT).to.equal(80);
    });
});

describe("mesh: Istio revisions and the base chart's default validator (istio base/istiod charts 1.30.3)", () => {
    // The Service each template names, from its own template text (asserted verbatim, so a chart that changes it fails here).
    let validatorService: (defaultRevision: string) => string;
    let istiodService: (revision: string) => string;
    let baseDefaults: Record<string, any>;
    let istiodDefaults: Record<string, any>;
    before(() => {
        const validator = fromChart("base-1.30.3.tgz", "base/templates/defaultrevision-validatingwebhookconfiguration.yaml");
        expect(validator).to.match(/\{\{- if \(eq \.Values\.defaultRevision "default"\) \}\}\s+name: istiod\s+\{\{- else \}\}\s+name: istiod-\{\{ \.Values\.defaultRevision \}\}/);
        expect(validator).to.include("istio.io/rev: {{ .Values.defaultRevision | quote }}");
        validatorService = (r) => (r === "default" ? "istiod" : `istiod-${r}`);
        expect(fromChart("istiod-1.30.3.tgz", "istiod/templates/service.yaml")).to.include('name: istiod{{- if not (eq .Values.revision "") }}-{{ .Values.revision }}{{- end }}');
        istiodService = (r) => (r === "" ? "istiod" : `istiod-${r}`);
        baseDefaults = (yaml.load(fromChart("base-1.30.3.tgz", "base/values.yaml")) as any)._internal_defaults_do_not_set;
        istiodDefaults = (yaml.load(fromChart("istiod-1.30.3.tgz", "istiod/values.yaml")) as any)._internal_defaults_do_not_set;
    });

    /** The chart values after meshedge's values (the charts merge user values over `_internal_defaults_do_not_set`). */
    const services = (istio: { revision?: string }) => ({
        validator: validatorService({ ...baseDefaults, ...istioBaseValues(istio) }.defaultRevision),
        istiod: istiodService({ ...istiodDefaults, ...istiodValues(istio) }.revision),
    });

    it("with a revision, the default validator calls the Service the revisioned istiod creates", () => {
        expect(istioBaseValues({ revision: "canary" })).to.deep.equal({ defaultRevision: "canary" });
        expect(services({ revision: "canary" })).to.deep.equal({ validator: "istiod-canary", istiod: "istiod-canary" });
        // Without defaultRevision it would call `istiod`, which a revision-only install never creates.
        expect(validatorService(baseDefaults.defaultRevision)).to.equal("istiod").and.not.equal(istiodService("canary"));
    });

    it("without a revision both charts keep their defaults, which already agree on Service istiod", () => {
        expect([istioBaseValues({}), istiodValues({})]).to.deep.equal([{}, {}]);
        expect(services({})).to.deep.equal({ validator: "istiod", istiod: "istiod" });
    });
});
