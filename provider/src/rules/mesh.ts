// Mesh wiring: namespace injection labels, Kong pod annotations and the mesh policies' shapes.
import { INPUT_DEFAULTS, withDefaults } from "../defaults";
import type { ContainerResources, IstioMesh, KumaMesh, Mesh, MeshKind, SidecarSize } from "../generated/schema-types";
import { isPositiveQuantity, joinPath, Problems, QUANTITY } from "./errors";
import { childName, isDns1123Label, isQualifiedName } from "./names";

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
    checkSidecarSize(problems, joinPath(field, "istio.gatewaySidecar"), mesh?.istio?.gatewaySidecar);
    checkSidecarSize(problems, joinPath(field, "kuma.gatewaySidecar"), mesh?.kuma?.gatewaySidecar);
}

export function checkSidecarSize(problems: Problems, field: string, size: SidecarSize | undefined): void {
    if (!size) return;
    const examples = { cpu: '"500m" or "1"', memory: '"256Mi" or "1Gi"' };
    for (const key of ["cpu", "memory"] as const) {
        const value = size[key];
        if (value === undefined) continue;
        if (!isPositiveQuantity(value)) {
            problems.add(joinPath(field, key), value, "is not a Kubernetes quantity greater than zero", `use e.g. ${examples[key]}`);
        }
    }
}

/** Container requests and limits: resource names and quantities the API server accepts (a quantity may be zero here). */
export function checkContainerResources(problems: Problems, field: string, resources: ContainerResources | undefined): void {
    for (const kind of ["requests", "limits"] as const) {
        for (const [name, quantity] of Object.entries(resources?.[kind] ?? {})) {
            const at = `${joinPath(field, kind)}[${JSON.stringify(name)}]`;
            if (!isQualifiedName(name)) problems.add(at, quantity, "is not a resource name", 'use "cpu", "memory" or "ephemeral-storage"');
            else if (typeof quantity !== "string" || !QUANTITY.test(quantity)) problems.add(at, quantity, "is not a Kubernetes quantity", 'use e.g. "500m" for CPU or "256Mi" for memory');
        }
    }
}

/** The gateway sidecar's size with its defaults; requests and limits both take it. */
export function gatewaySidecarSize(size: SidecarSize | undefined): Required<SidecarSize> {
    return withDefaults(size, INPUT_DEFAULTS.SidecarSize);
}

/** The ContainerPatch (in kuma-system) that sizes the Kuma sidecar of a Kong release's gateway pods. */
export function kumaSidecarPatchName(releaseName: string): string {
    return childName(releaseName, "sidecar");
}

/**
 * Kuma's init container as its injector builds it (kumahq/kuma 2.12.3
 * pkg/plugins/runtime/k8s/webhooks/injector/injector.go, NewInitContainer and NewValidationContainer
 * for CNI mode): requests 20m/20M, limits 100m/50M. Its requests are raised to those limits.
 */
export const KUMA_INIT_CONTAINER_LIMITS = { cpu: "100m", memory: "50M" } as const;

/**
 * The ContainerPatch spec: JSON patches Kuma's injector applies to the injected containers of pods that
 * name the patch in `kuma.io/container-patches` (kumahq/kuma 2.12.3 injector.go loadContainerPatches /
 * applyCustomPatches; patch values are JSON strings, kuma chart 2.12.3 crds/kuma.io_containerpatches.yaml).
 * `add` on `/resources` replaces what the injector set. The pod is Guaranteed only when every
 * container, init containers included, has requests equal to limits.
 */
export function kumaSidecarPatchSpec(size: Required<SidecarSize>): { sidecarPatch: JsonPatch[]; initPatch: JsonPatch[] } {
    const equal = (amounts: { cpu: string; memory: string }) => JSON.stringify({ requests: amounts, limits: amounts });
    return {
        sidecarPatch: [{ op: "add", path: "/resources", value: equal({ cpu: size.cpu, memory: size.memory }) }],
        initPatch: [{ op: "add", path: "/resources", value: equal(KUMA_INIT_CONTAINER_LIMITS) }],
    };
}

export interface JsonPatch {
    readonly op: "add";
    readonly path: string;
    readonly value: string;
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
 * capture) while Kong's calls to services leave through the sidecar, so they get mTLS. The sidecar
 * is sized with requests equal to limits so the gateway pods stay Guaranteed: Istio reads the four
 * `sidecar.istio.io/proxy*` annotations for istio-proxy and istio-init (istiod chart 1.30.3
 * files/injection-template.yaml, `define "resources"`; once any is set, the unset ones are dropped,
 * so all four are set); Kuma has no such annotation (kumahq/kuma 2.12.3
 * pkg/plugins/runtime/k8s/metadata/annotations.go) and takes a ContainerPatch named by
 * `kuma.io/container-patches` instead.
 */
export function kongGatewayPodAnnotations(kind: MeshKind, sidecar: Required<SidecarSize>, kumaSidecarPatch: string | undefined): Record<string, string> {
    switch (kind) {
        case "istio":
            return {
                "traffic.sidecar.istio.io/includeInboundPorts": "",
                "sidecar.istio.io/proxyCPU": sidecar.cpu,
                "sidecar.istio.io/proxyCPULimit": sidecar.cpu,
                "sidecar.istio.io/proxyMemory": sidecar.memory,
                "sidecar.istio.io/proxyMemoryLimit": sidecar.memory,
            };
        case "kuma":
            return { "kuma.io/gateway": "enabled", ...(kumaSidecarPatch ? { "kuma.io/container-patches": kumaSidecarPatch } : {}) };
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
