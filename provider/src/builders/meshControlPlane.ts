// The mesh control planes EdgeStack installs (Istio, Kuma) and the Kuma Mesh it owns: resource
// builders used by EdgeStack, not components of their own.
import * as pulumi from "@pulumi/pulumi";
import * as cloud from "../cloud";
import { INPUT_DEFAULTS, ISTIO_SYSTEM_NAMESPACE, KUMA_SYSTEM_NAMESPACE, pinnedCharts, withDefaults } from "../defaults";
import type { IstioMesh, KumaMesh, PodSecurity } from "../generated/schema-types";
import { istioBaseValues, istiodValues, KUMA_INJECTION_LABEL, KUMA_MESH_LABEL } from "../rules/mesh";
import { childName } from "../rules/names";
import { podSecurityLabels, SYSTEM_NAMESPACE_LEVEL, weakerLevel } from "../rules/podSecurity";
import { helmRelease } from "./helmRelease";

/** A Kuma ContainerPatch in kuma-system (Kuma's validator admits ContainerPatches only in its system namespace: kumahq/kuma 2.12.3 pkg/plugins/runtime/k8s/webhooks/containerpatch_validator.go). */
export function kumaSidecarPatch(name: string, patch: { name: string; spec: object }, opts: pulumi.CustomResourceOptions): pulumi.Resource {
    return new cloud.CustomResource(name, { apiVersion: "kuma.io/v1alpha1", kind: "ContainerPatch", metadata: { name: patch.name, namespace: KUMA_SYSTEM_NAMESPACE }, spec: patch.spec }, opts);
}

/** The control plane's namespace as a stack resource: Helm's createNamespace would outlive `pulumi destroy`. */
function systemNamespace(name: string, namespace: string, labels: Record<string, string> | undefined, podSecurity: PodSecurity | undefined, opts: pulumi.CustomResourceOptions): cloud.Namespace {
    // The control planes meet baseline, not restricted (SYSTEM_NAMESPACE_LEVEL), whatever the stack's own level.
    const enforce = weakerLevel(podSecurity?.enforce ?? SYSTEM_NAMESPACE_LEVEL, SYSTEM_NAMESPACE_LEVEL);
    const all = { ...(labels ?? {}), ...podSecurityLabels({ ...podSecurity, enforce }, SYSTEM_NAMESPACE_LEVEL) };
    return new cloud.Namespace(name, { metadata: { name: namespace, ...(Object.keys(all).length ? { labels: all } : {}) } }, opts);
}

/** Istio from its charts: base (CRDs) before istiod (control plane and injector). */
export function installIstio(parentName: string, istio: IstioMesh, waitForReady: boolean, podSecurity: PodSecurity | undefined, opts: pulumi.CustomResourceOptions): pulumi.Resource[] {
    const namespace = systemNamespace(childName(parentName, "istio-system"), ISTIO_SYSTEM_NAMESPACE, undefined, podSecurity, opts);
    const base = helmRelease(
        childName(parentName, "istio-base"),
        { releaseName: "istio-base", namespace: ISTIO_SYSTEM_NAMESPACE, chart: pinnedCharts.istioBase, chartSource: istio.baseChart, values: istioBaseValues(istio), waitForReady },
        { ...opts, dependsOn: [namespace] },
    );
    const istiod = helmRelease(
        childName(parentName, "istiod"),
        {
            releaseName: "istiod",
            namespace: ISTIO_SYSTEM_NAMESPACE,
            chart: pinnedCharts.istiod,
            chartSource: istio.istiodChart,
            values: istiodValues(istio),
            waitForReady,
        },
        { ...opts, dependsOn: [base] },
    );
    return [namespace, base, istiod];
}

/** Kuma from its chart; the stack owns the Mesh, so the control plane must not create one of the same name. */
export function installKuma(parentName: string, kuma: KumaMesh, waitForReady: boolean, podSecurity: PodSecurity | undefined, opts: pulumi.CustomResourceOptions): pulumi.Resource[] {
    // Kuma's control plane creates a Mesh named "default" unless told not to (kuma chart values.yaml controlPlane.defaults.skipMeshCreation).
    const skipMeshCreation = withDefaults(kuma, INPUT_DEFAULTS.KumaMesh).meshName === INPUT_DEFAULTS.KumaMesh.meshName;
    // The stack labels kuma-system itself instead of the chart's pre-install Job patching a namespace it does not own.
    const namespace = systemNamespace(childName(parentName, "kuma-system"), KUMA_SYSTEM_NAMESPACE, { [KUMA_INJECTION_LABEL]: "false" }, podSecurity, opts);
    const controlPlane = helmRelease(
        childName(parentName, "kuma"),
        {
            releaseName: "kuma",
            namespace: KUMA_SYSTEM_NAMESPACE,
            chart: pinnedCharts.kuma,
            chartSource: kuma.chart,
            values: { controlPlane: { defaults: { skipMeshCreation } }, patchSystemNamespace: false },
            waitForReady,
        },
        { ...opts, dependsOn: [namespace] },
    );
    return [namespace, controlPlane];
}

/**
 * The Kuma Mesh with builtin-CA mTLS, then its allow-all MeshTrafficPermission, which depends on it.
 *
 * Order: Kuma's owner-reference webhook (kuma chart 2.12.3 templates/cp-webhooks-and-secrets.yaml,
 * `owner-reference.kuma-admission.kuma.io`, failurePolicy Fail, on namespaces that carry
 * `kuma.io/sidecar-injection`, as kuma-system does) looks the policy's Mesh up and rejects the
 * create when it is missing (kumahq/kuma 2.12.3 pkg/plugins/runtime/k8s/webhooks/owner_reference_mutator.go:
 * `Client.Get(... ObjectKey{Name: obj.GetMesh()}, owner)` -> `admission.Errored`). So the Mesh comes first.
 * Since Kuma 2.6 mTLS without a permission denies all traffic, and for the moment between the two
 * creates nothing runs in the mesh: EdgeStack makes Kong's release and the services depend on both,
 * so no data plane proxy exists yet and no request can be denied.
 */
export function kumaMeshPolicies(parentName: string, kuma: KumaMesh, opts: pulumi.CustomResourceOptions): pulumi.Resource[] {
    const { meshName, mtls } = withDefaults(kuma, INPUT_DEFAULTS.KumaMesh);
    const mesh = new cloud.CustomResource(
        childName(parentName, "mesh"),
        {
            apiVersion: "kuma.io/v1alpha1",
            kind: "Mesh",
            metadata: { name: meshName },
            spec: mtls ? { mtls: { enabledBackend: "ca-1", backends: [{ name: "ca-1", type: "builtin", mode: "STRICT" }] } } : {},
        },
        opts,
    );
    if (!mtls) return [mesh];
    const permission = new cloud.CustomResource(
        childName(parentName, "allow-all"),
        {
            apiVersion: "kuma.io/v1alpha1",
            kind: "MeshTrafficPermission",
            metadata: { name: childName(meshName, "allow-all"), namespace: KUMA_SYSTEM_NAMESPACE, labels: { [KUMA_MESH_LABEL]: meshName } },
            spec: { targetRef: { kind: "Mesh" }, from: [{ targetRef: { kind: "Mesh" }, default: { action: "Allow" } }] },
        },
        { ...opts, dependsOn: [mesh] },
    );
    return [mesh, permission];
}
