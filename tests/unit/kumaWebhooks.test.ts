// Which of the stack's objects Kuma's admission webhooks intercept, read from the pinned chart
// (../shared/charts kuma-2.12.3.tgz, templates/cp-webhooks-and-secrets.yaml) rendered with the values
// meshedge passes (none that touch the webhooks: namespaceAllowList stays [], mode zone), and what that
// requires of the creation order.
//
// The owner-reference webhook (`owner-reference.kuma-admission.kuma.io`) answers CREATE of mesh-scoped
// policies; kumahq/kuma 2.12.3 pkg/plugins/runtime/k8s/webhooks/owner_reference_mutator.go looks up
// the Mesh named by the object's `kuma.io/mesh` label (`Client.Get(ctx, ObjectKey{Name: obj.GetMesh()}, owner)`)
// and answers `admission.Errored` when it is missing; with failurePolicy Fail the API server rejects
// the create. So each such object must depend on its Mesh.
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as yaml from "js-yaml";
import * as path from "path";
import { EdgeStack } from "../../provider/src/components/edgeStack";
import { KUMA_SYSTEM_NAMESPACE } from "../../provider/src/defaults";
import { greeter } from "../../scripts/lib/scenarios";
import { kubernetesObject, ofType, Registered, render, waitsFor } from "../../scripts/lib/mock-runtime";
import { sharedDir } from "../../scripts/lib/repo-root";

type Obj = Record<string, any>;
const KUMA_TGZ = path.join(sharedDir(), "charts", "kuma-2.12.3.tgz");
const fromChart = (file: string) => execFileSync("tar", ["-xzf", KUMA_TGZ, "-O", file], { encoding: "utf8", maxBuffer: 64 * 2 ** 20 });

interface Selector {
    matchExpressions?: { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }[];
    matchLabels?: Record<string, string>;
}
interface Webhook {
    name: string;
    failurePolicy: string;
    namespaceSelector?: Selector;
    objectSelector?: Selector;
    rules: { apiGroups: string[]; apiVersions: string[]; operations: string[]; resources: string[] }[];
}

/**
 * The webhook configurations of the chart's template with its default values: the namespaceAllowList
 * blocks drop out (the list is empty), the plugin ranges become the policies and resources values.yaml
 * enables, `controlPlane.mode` is zone (the injectors stay), and the remaining expressions become the
 * values they print. Fails loudly if the template has a directive this does not know, so a new chart
 * version cannot be read wrongly.
 */
function renderWebhooks(): Webhook[] {
    const template = fromChart("kuma/templates/cp-webhooks-and-secrets.yaml");
    const values = yaml.load(fromChart("kuma/values.yaml")) as Obj;
    expect(values.namespaceAllowList).to.deep.equal([]);
    expect(values.controlPlane.mode).to.equal("zone");
    expect(values.controlPlane.environment).to.equal("kubernetes");
    const enabled = (group: Obj) => Object.keys(group).filter((k) => group[k]);
    let text = template.slice(template.indexOf("apiVersion: admissionregistration.k8s.io/v1"));
    text = text.replace(/^ *\{\{- if gt \(len \.Values\.namespaceAllowList\) 0 \}\}\n[\s\S]*?\{\{- range [\s\S]*?\{\{- end \}\}\n[\s\S]*?\{\{- end \}\}\n/gm, "");
    text = text.replace(/^( *)\{\{- range \$policy, \$v := \.Values\.plugins\.(policies|resources) \}\}\n.*\n( *)- \{\{ \$policy \}\}\n.*\n.*\{\{- end\}\}\n/gm, (_m, _i, group: string, indent: string) =>
        enabled(values.plugins[group]).map((p) => `${indent}- ${p}\n`).join(""),
    );
    text = text
        .replace(/^ *\{\{ \.Values\.controlPlane\.webhooks\.(validator|ownerReference)\.additionalRules \| nindent 6 \}\}\n/gm, (_m, k: string) => {
            expect(values.controlPlane.webhooks[k].additionalRules).to.equal("");
            return "";
        })
        .replace(/^ *\{\{- if ne \.Values\.controlPlane\.mode "global" \}\}\n/gm, "")
        .replace(/\{\{ \.Values\.controlPlane\.injectorFailurePolicy \}\}/g, values.controlPlane.injectorFailurePolicy)
        .replace(/\{\{ \.Release\.Namespace \}\}/g, KUMA_SYSTEM_NAMESPACE)
        .replace(/\{\{ \$caBundle \}\}/g, "Y2E=")
        .replace(/\{\{ include "kuma\.name" \. \}\}/g, "kuma")
        .replace(/\{\{ include "kuma\.controlPlane\.serviceName" \. *\}\}/g, "kuma-control-plane")
        .replace(/\{\{ include "kuma\.cpLabels" \. \| nindent 4 \}\}/g, "{}")
        .replace(/^ *\{\{- end \}\}\n?/gm, "");
    expect(text, "a template directive this reader does not handle").not.to.include("{{");
    const documents = yaml.loadAll(text).filter(Boolean) as Obj[];
    expect(documents.map((d) => d.kind)).to.deep.equal(["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]);
    return documents.flatMap((d) => d.webhooks as Webhook[]);
}

function selects(selector: Selector | undefined, labels: Record<string, string>): boolean {
    if (!selector) return true;
    const exprs = selector.matchExpressions ?? [];
    return (
        Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
        exprs.every((e) => {
            switch (e.operator) {
                case "In":
                    return e.key in labels && e.values!.includes(labels[e.key]);
                case "NotIn":
                    return !(e.key in labels) || !e.values!.includes(labels[e.key]);
                case "Exists":
                    return e.key in labels;
                case "DoesNotExist":
                    return !(e.key in labels);
            }
        })
    );
}

/** Plural and scope of each Kuma kind, from the chart's own CRDs. */
function kumaCrds(): Map<string, { plural: string; namespaced: boolean }> {
    const listing = execFileSync("tar", ["-tzf", KUMA_TGZ], { encoding: "utf8" }).split("\n").filter((f) => /^kuma\/crds\/.*\.yaml$/.test(f));
    const crds = new Map<string, { plural: string; namespaced: boolean }>();
    for (const file of listing) {
        const crd = yaml.load(fromChart(file)) as Obj;
        crds.set(crd.spec.names.kind, { plural: crd.spec.names.plural, namespaced: crd.spec.scope === "Namespaced" });
    }
    return crds;
}

/**
 * The webhooks the API server calls for creating `object`. A namespaceSelector matches the labels of
 * the object's namespace (with the kubernetes.io/metadata.name label the API server adds); for
 * cluster-scoped objects other than Namespaces the API server never skips a webhook on it
 * (admissionregistration.k8s.io/v1 ValidatingWebhook.namespaceSelector).
 */
function interceptors(webhooks: Webhook[], object: Obj, resource: string, namespaceLabels: Record<string, string> | undefined, podLabels: Record<string, string> = {}): Webhook[] {
    const [group] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : [""];
    return webhooks.filter(
        (w) =>
            w.rules.some((r) => r.operations.includes("CREATE") && r.apiGroups.includes(group) && r.resources.includes(resource)) &&
            (namespaceLabels === undefined || selects(w.namespaceSelector, namespaceLabels)) &&
            selects(w.objectSelector, podLabels),
    );
}

describe("Kuma's admission webhooks (kuma chart 2.12.3) against the stack's objects", () => {
    let webhooks: Webhook[];
    let crds: ReturnType<typeof kumaCrds>;
    before(() => {
        webhooks = renderWebhooks();
        crds = kumaCrds();
    });

    it("the chart's webhooks: owner-reference, defaulter and validator fail closed on namespaces labelled kuma.io/sidecar-injection (any value)", () => {
        const byName = new Map(webhooks.map((w) => [w.name, w]));
        const owner = byName.get("owner-reference.kuma-admission.kuma.io")!;
        expect(owner.failurePolicy).to.equal("Fail");
        expect(owner.namespaceSelector!.matchExpressions).to.deep.include({ key: "kuma.io/sidecar-injection", operator: "Exists" });
        expect(owner.rules[0].resources).to.include("meshtrafficpermissions").and.not.include("meshes");
        for (const name of ["mesh.defaulter.kuma-admission.kuma.io", "validator.kuma-admission.kuma.io"]) expect(byName.get(name)!.failurePolicy, name).to.equal("Fail");
    });

    for (const { title, kuma } of [
        { title: "install: true", kuma: { install: true } },
        { title: "mesh payments on a Kuma installed elsewhere", kuma: { meshName: "payments" } },
    ]) {
        it(`${title}: every object the owner-reference webhook intercepts depends on its Mesh, which exists first`, async () => {
            const resources = await render(() => new EdgeStack("edge", { loadBalancer: { type: "nlb" }, mesh: { kuma }, services: [greeter] }));
            // The labels of each namespace as the stack creates it. kuma-system: the stack's own when it installs Kuma;
            // otherwise the user's install, whose chart hook Job labels it kuma.io/sidecar-injection: "false" (chart templates/pre-install-patch-namespace-job.yaml).
            const namespaceLabels = new Map<string, Record<string, string>>(
                ofType(resources, "kubernetes:core/v1:Namespace").map((r) => [r.inputs.metadata.name, { ...(r.inputs.metadata.labels ?? {}), "kubernetes.io/metadata.name": r.inputs.metadata.name }]),
            );
            if (!namespaceLabels.has(KUMA_SYSTEM_NAMESPACE)) {
                expect(fromChart("kuma/templates/pre-install-patch-namespace-job.yaml")).to.include('{ "metadata": { "labels": { "kuma.io/sidecar-injection": "false" } } }');
                namespaceLabels.set(KUMA_SYSTEM_NAMESPACE, { "kuma.io/sidecar-injection": "false", "kubernetes.io/metadata.name": KUMA_SYSTEM_NAMESPACE });
            }
            const kumaObjects = resources
                .map((r) => ({ r, o: kubernetesObject(r) }))
                .filter((x): x is { r: Registered; o: Obj } => x.o !== undefined && String(x.o.apiVersion).startsWith("kuma.io/"));
            const intercepted = kumaObjects.map(({ r, o }) => {
                const crd = crds.get(o.kind)!;
                expect(crd, o.kind).to.not.equal(undefined);
                const labels = crd.namespaced ? namespaceLabels.get(o.metadata.namespace) : undefined;
                if (crd.namespaced) expect(labels, `${o.kind} namespace ${o.metadata.namespace}`).to.not.equal(undefined);
                return { r, o, hooks: interceptors(webhooks, o, crd.plural, labels).map((w) => w.name) };
            });
            const meshName = (kuma as { meshName?: string }).meshName ?? "default";
            const mesh = intercepted.find((x) => x.o.kind === "Mesh")!;
            expect(mesh.o.metadata.name).to.equal(meshName);
            // The Mesh itself: defaulted and validated (cluster-scoped, never skipped), not owner-referenced.
            expect(mesh.hooks).to.have.members(["mesh.defaulter.kuma-admission.kuma.io", "validator.kuma-admission.kuma.io"]);
            const owned = intercepted.filter((x) => x.hooks.includes("owner-reference.kuma-admission.kuma.io"));
            expect(owned.map((x) => x.o.kind)).to.include("MeshTrafficPermission");
            for (const x of owned) {
                expect(x.o.metadata.labels["kuma.io/mesh"], x.o.kind).to.equal(meshName);
                expect(x.r.dependencies, `${x.o.kind} ${x.o.metadata.name} must wait for Mesh ${meshName}`).to.include(mesh.r.urn);
            }
            // The Mesh webhooks answer from the control plane: with install, it is there first.
            for (const release of ofType(resources, "kubernetes:helm.sh/v3:Release").filter((r) => r.inputs.namespace === KUMA_SYSTEM_NAMESPACE)) {
                for (const x of intercepted) expect([...waitsFor(resources, x.r)], x.o.kind).to.include(release.urn);
            }
        });
    }

    it("Kong's and the services' pods are injected (their namespaces are enabled); kuma-system's are not", async () => {
        const resources = await render(() => new EdgeStack("edge", { loadBalancer: { type: "nlb" }, mesh: { kuma: { install: true } }, services: [greeter] }));
        const pod = { apiVersion: "v1", kind: "Pod" };
        const injected = (ns: string) => {
            const r = ofType(resources, "kubernetes:core/v1:Namespace").find((n) => n.inputs.metadata.name === ns)!;
            const labels = { ...r.inputs.metadata.labels, "kubernetes.io/metadata.name": ns };
            return interceptors(webhooks, pod, "pods", labels).map((w) => w.name);
        };
        expect(injected("apps")).to.include("namespace-kuma-injector.kuma.io");
        expect(injected("kong")).to.include("namespace-kuma-injector.kuma.io");
        expect(injected(KUMA_SYSTEM_NAMESPACE)).to.deep.equal([]);
    });
});
