// Mesh wiring: namespace injection labels, Kong pod annotations and the mesh policies' shapes.
import { INPUT_DEFAULTS } from "../defaults";
import type { IstioMesh, KumaMesh, Mesh, MeshKind } from "../generated/schema-types";
import { joinPath, Problems } from "./errors";
import { isDns1123Label } from "./names";

export const ISTIO_INJECTION_LABEL = "istio-injection";
export const ISTIO_REVISION_LABEL = "istio.io/rev";
export const KUMA_INJECTION_LABEL = "kuma.io/sidecar-injection";
export const KUMA_MESH_LABEL = "kuma.io/mesh";

export function meshKindOf(mesh: Mesh | undefined): MeshKind {
    if (mesh?.istio) return "istio";
    if (mesh?.kuma) return "kuma";
    return "none";
}

export function checkMesh(problems: Problems, field: string, mesh: { istio?: IstioMesh; kuma?: KumaMesh } | undefined): void {
    if (mesh?.istio && mesh?.kuma) {
        problems.add(joinPath(field, "kuma"), mesh.kuma, "is set together with istio; two sidecar injectors on one pod conflict", "keep exactly one of istio and kuma");
    }
    if (mesh?.istio?.revision !== undefined && !isDns1123Label(mesh.istio.revision)) {
        problems.add(joinPath(field, `istio.revision`), mesh.istio.revision, "is not a valid Istio revision (a DNS-1123 label)", 'use the revision name istiod was installed with, e.g. "1-30-3"');
    }
    if (mesh?.kuma?.meshName !== undefined && !isDns1123Label(mesh.kuma.meshName)) {
        problems.add(joinPath(field, `kuma.meshName`), mesh.kuma.meshName, "is not a valid Mesh name (a DNS-1123 label)", 'use a name such as "default"');
    }
}

/** Labels that make the injector add sidecars. Istio: `istio-injection` or, for revisions, `istio.io/rev` alone (istio-injection would win). */
export function injectionLabels(mesh: { istio?: IstioMesh; kuma?: KumaMesh }): Record<string, string> {
    if (mesh.istio) {
        return mesh.istio.revision ? { [ISTIO_REVISION_LABEL]: mesh.istio.revision } : { [ISTIO_INJECTION_LABEL]: "enabled" };
    }
    if (mesh.kuma) {
        return { [KUMA_INJECTION_LABEL]: "enabled", [KUMA_MESH_LABEL]: mesh.kuma.meshName ?? INPUT_DEFAULTS.KumaMesh.meshName };
    }
    return {};
}

/** Extra labels may add, not contradict: no second Istio injection label, no other value for an injection key. */
export function checkExtraLabels(problems: Problems, field: string, mesh: { istio?: IstioMesh; kuma?: KumaMesh }, labels: Record<string, string> | undefined): void {
    if (!labels) return;
    const injection = injectionLabels(mesh);
    for (const [key, value] of Object.entries(labels)) {
        if (key in injection && injection[key] !== value) {
            problems.add(joinPath(field, `["${key}"]`), value, `contradicts the injection label ${key}: ${injection[key]}`, "remove it; the mesh settings set this label");
        }
        const istioKeys = [ISTIO_INJECTION_LABEL, ISTIO_REVISION_LABEL];
        if (mesh.istio && istioKeys.includes(key) && !(key in injection)) {
            problems.add(
                joinPath(field, `["${key}"]`),
                value,
                `cannot be combined with ${Object.keys(injection)[0]}: with both istio-injection and istio.io/rev, istio-injection wins and the revision is ignored`,
                mesh.istio.revision ? "remove istio-injection; the revision label selects the injector" : "set istio.revision instead of the istio.io/rev label",
            );
        }
    }
}

/**
 * Kong gateway pods at the edge: load balancer traffic enters Kong directly (no inbound sidecar
 * capture) while Kong's calls to services leave through the sidecar, so they get mTLS.
 */
export function kongGatewayPodAnnotations(kind: MeshKind): Record<string, string> {
    switch (kind) {
        case "istio":
            return { "traffic.sidecar.istio.io/includeInboundPorts": "" };
        case "kuma":
            return { "kuma.io/gateway": "enabled" };
        default:
            return {};
    }
}

/** The controller talks to Kong's admin API (8444) directly, outside the mesh. */
export function kongControllerPodAnnotations(kind: MeshKind): Record<string, string> {
    switch (kind) {
        case "istio":
            return { "traffic.sidecar.istio.io/excludeOutboundPorts": "8444" };
        case "kuma":
            return { "kuma.io/gateway": "enabled", "traffic.kuma.io/exclude-outbound-ports": "8444" };
        default:
            return {};
    }
}

/**
 * Values of the istio/base chart. Its default validator (`istiod-default-validator`; base chart 1.30.3
 * templates/defaultrevision-validatingwebhookconfiguration.yaml) calls Service `istiod` while
 * `defaultRevision` is "default" (its values.yaml default) and `istiod-<defaultRevision>` otherwise,
 * and carries `istio.io/rev: <defaultRevision>`. istiod installed with a revision creates only Service
 * `istiod-<revision>` (istiod chart 1.30.3 templates/service.yaml) and patches only the webhooks
 * labelled with its revision (istio 1.30.3 pkg/webhooks/validation/controller/controller.go, the
 * `istio.io/rev=<revision>` filter). Left at "default", the validator calls a Service that does not
 * exist: fail-open on install, but on a `helm upgrade` the chart omits failurePolicy (Fail), and then
 * every Istio resource (the stack's PeerAuthentications too) is rejected.
 */
export function istioBaseValues(istio: IstioMesh): Record<string, unknown> {
    return istio.revision ? { defaultRevision: istio.revision } : {};
}

/** Values of the istiod chart: the revision names its Service, injector webhook and validator. */
export function istiodValues(istio: IstioMesh): Record<string, unknown> {
    return istio.revision ? { revision: istio.revision } : {};
}

/** The dotted `.mesh` hostname Kuma's DNS resolves in every zone. */
export function kumaMeshAddress(service: string, namespace: string, port: number): string {
    return `${service}.${namespace}.svc.${port}.mesh`;
}

/** Kuma serves `.mesh` addresses on port 80. */
export const KUMA_MESH_ADDRESS_PORT = 80;

/** A MeshNamespace's labels: the user's extra labels, then the injection labels (checkExtraLabels keeps them from conflicting). */
export function meshNamespaceLabels(mesh: { istio?: IstioMesh; kuma?: KumaMesh; labels?: Record<string, string> }): Record<string, string> {
    return { ...(mesh.labels ?? {}), ...injectionLabels(mesh) };
}
