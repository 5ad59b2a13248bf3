import * as cloud from "../cloud";
import * as pulumi from "@pulumi/pulumi";
import { ISTIO_SYSTEM_NAMESPACE, KUMA_MESH_DEFAULT, KUMA_SYSTEM_NAMESPACE, pinnedCharts } from "../defaults";
import type { IstioMesh, KumaMesh } from "../generated/schema-types";
import { resolveChart, ResolvedChart } from "../rules/chartSource";
import { KUMA_INJECTION_LABEL } from "../rules/mesh";
import { childName } from "../rules/names";

function release(name: string, releaseName: string, namespace: string, chart: ResolvedChart, values: Record<string, unknown>, skipAwait: boolean, opts: pulumi.CustomResourceOptions) {
    return new cloud.Release(
        name,
        { name: releaseName, namespace, chart: chart.chart, version: chart.version, repositoryOpts: chart.repositoryOpts, values, skipAwait },
        opts,
    );
}

/** The control plane's namespace as a stack resource: Helm's createNamespace would outlive `pulumi destroy`. */
function systemNamespace(name: string, namespace: string, labels: Record<string, string> | undefined, opts: pulumi.CustomResourceOptions): cloud.Namespace {
    return new cloud.Namespace(name, { metadata: { name: namespace, labels } }, opts);
}

/** Istio from its charts: base (CRDs) before istiod (control plane and injector). */
export function installIstio(parentName: string, istio: IstioMesh, skipAwait: boolean, opts: pulumi.CustomResourceOptions): pulumi.Resource[] {
    const namespace = systemNamespace(childName(parentName, "istio-system"), ISTIO_SYSTEM_NAMESPACE, undefined, opts);
    const base = release(
        childName(parentName, "istio-base"),
        "istio-base",
        ISTIO_SYSTEM_NAMESPACE,
        resolveChart(pinnedCharts.istioBase, istio.baseChart),
        {},
        skipAwait,
        { ...opts, dependsOn: [namespace] },
    );
    const istiod = release(
        childName(parentName, "istiod"),
        "istiod",
        ISTIO_SYSTEM_NAMESPACE,
        resolveChart(pinnedCharts.istiod, istio.istiodChart),
        istio.revision ? { revision: istio.revision } : {},
        skipAwait,
        { ...opts, dependsOn: [base] },
    );
    return [namespace, base, istiod];
}

/** Kuma from its chart; the stack owns the Mesh, so the control plane must not create one of the same name. */
export function installKuma(parentName: string, kuma: KumaMesh, skipAwait: boolean, opts: pulumi.CustomResourceOptions): pulumi.Resource[] {
    const skipMeshCreation = (kuma.meshName ?? KUMA_MESH_DEFAULT) === KUMA_MESH_DEFAULT;
    // The stack labels kuma-system itself instead of the chart's pre-install Job patching a namespace it does not own.
    const namespace = systemNamespace(childName(parentName, "kuma-system"), KUMA_SYSTEM_NAMESPACE, { [KUMA_INJECTION_LABEL]: "false" }, opts);
    const controlPlane = release(
        childName(parentName, "kuma"),
        "kuma",
        KUMA_SYSTEM_NAMESPACE,
        resolveChart(pinnedCharts.kuma, kuma.chart),
        { controlPlane: { defaults: { skipMeshCreation } }, patchSystemNamespace: false },
        skipAwait,
        { ...opts, dependsOn: [namespace] },
    );
    return [namespace, controlPlane];
}

/**
 * The Kuma Mesh with builtin-CA mTLS. An allow-all MeshTrafficPermission exists first: since Kuma
 * 2.6 enabling mTLS denies all traffic that no permission allows.
 */
export function kumaMeshPolicies(parentName: string, kuma: KumaMesh, opts: pulumi.CustomResourceOptions): pulumi.Resource[] {
    const meshName = kuma.meshName ?? KUMA_MESH_DEFAULT;
    const mtls = kuma.mtls ?? true;
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
