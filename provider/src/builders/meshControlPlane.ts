// The mesh control planes EdgeStack installs (Istio, Kuma) and the Kuma Mesh it owns: resource
// builders used by EdgeStack, not components of their own.
import * as pulumi from "@pulumi/pulumi";
import * as cloud from "../cloud";
import { INPUT_DEFAULTS, ISTIO_SYSTEM_NAMESPACE, KUMA_SYSTEM_NAMESPACE, pinnedCharts, withDefaults } from "../defaults";
import type { IstioMesh, KumaMesh } from "../generated/schema-types";
import { KUMA_INJECTION_LABEL } from "../rules/mesh";
import { childName } from "../rules/names";
import { helmRelease } from "./helmRelease";

/** The control plane's namespace as a stack resource: Helm's createNamespace would outlive `pulumi destroy`. */
function systemNamespace(name: string, namespace: string, labels: Record<string, string> | undefined, opts: pulumi.CustomResourceOptions): cloud.Namespace {
    return new cloud.Namespace(name, { metadata: { name: namespace, labels } }, opts);
}

/** Istio from its charts: base (CRDs) before istiod (control plane and injector). */
export function installIstio(parentName: string, istio: IstioMesh, waitForReady: boolean, opts: pulumi.CustomResourceOptions): pulumi.Resource[] {
    const namespace = systemNamespace(childName(parentName, "istio-system"), ISTIO_SYSTEM_NAMESPACE, undefined, opts);
    const base = helmRelease(
        childName(parentName, "istio-base"),
        { releaseName: "istio-base", namespace: ISTIO_SYSTEM_NAMESPACE, chart: pinnedCharts.istioBase, chartSource: istio.baseChart, values: {}, waitForReady },
        { ...opts, dependsOn: [namespace] },
    );
    const istiod = helmRelease(
        childName(parentName, "istiod"),
        {
            releaseName: "istiod",
            namespace: ISTIO_SYSTEM_NAMESPACE,
            chart: pinnedCharts.istiod,
            chartSource: istio.istiodChart,
            values: istio.revision ? { revision: istio.revision } : {},
            waitForReady,
        },
        { ...opts, dependsOn: [base] },
    );
    return [namespace, base, istiod];
}

/** Kuma from its chart; the stack owns the Mesh, so the control plane must not create one of the same name. */
export function installKuma(parentName: string, kuma: KumaMesh, waitForReady: boolean, opts: pulumi.CustomResourceOptions): pulumi.Resource[] {
    // Kuma's control plane creates a Mesh named "default" unless told not to (kuma chart values.yaml controlPlane.defaults.skipMeshCreation).
    const skipMeshCreation = withDefaults(kuma, INPUT_DEFAULTS.KumaMesh).meshName === INPUT_DEFAULTS.KumaMesh.meshName;
    // The stack labels kuma-system itself instead of the chart's pre-install Job patching a namespace it does not own.
    const namespace = systemNamespace(childName(parentName, "kuma-system"), KUMA_SYSTEM_NAMESPACE, { [KUMA_INJECTION_LABEL]: "false" }, opts);
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
 * The Kuma Mesh with builtin-CA mTLS. An allow-all MeshTrafficPermission exists first: since Kuma
 * 2.6 enabling mTLS denies all traffic that no permission allows.
 */
export function kumaMeshPolicies(parentName: string, kuma: KumaMesh, opts: pulumi.CustomResourceOptions): pulumi.Resource[] {
    const { meshName, mtls } = withDefaults(kuma, INPUT_DEFAULTS.KumaMesh);
    const resources: pulumi.Resource[] = [];
    let meshOpts = opts;
    if (mtls) {
        const permission = new cloud.CustomResource(
            childName(parentName, "allow-all"),
            {
                apiVersion: "kuma.io/v1alpha1",
                kind: "MeshTrafficPermission",
                metadata: { name: childName(meshName, "allow-all"), namespace: KUMA_SYSTEM_NAMESPACE, labels: { "kuma.io/mesh": meshName } },
                spec: { targetRef: { kind: "Mesh" }, from: [{ targetRef: { kind: "Mesh" }, default: { action: "Allow" } }] },
            },
            opts,
        );
        resources.push(permission);
        meshOpts = { ...opts, dependsOn: [...((opts.dependsOn as pulumi.Resource[] | undefined) ?? []), permission] };
    }
    resources.push(
        new cloud.CustomResource(
            childName(parentName, "mesh"),
            {
                apiVersion: "kuma.io/v1alpha1",
                kind: "Mesh",
                metadata: { name: meshName },
                spec: mtls
                    ? { mtls: { enabledBackend: "ca-1", backends: [{ name: "ca-1", type: "builtin", mode: "STRICT" }] } }
                    : {},
            },
            meshOpts,
        ),
    );
    return resources;
}
