import * as pulumi from "@pulumi/pulumi";
import { installIstio, installKuma, kumaMeshPolicies } from "../builders/meshControlPlane";
import * as cloud from "../cloud";
import { Defaulted, INPUT_DEFAULTS, withDefaults } from "../defaults";
import { EdgeStackArgs, EdgeStackBase, GrpcServiceSpecArgs } from "../generated/schema-types";
import { readinessGateNamespaceLabels } from "../rules/drain";
import { meshKindOf } from "../rules/mesh";
import { childName, namingRoot } from "../rules/names";
import { meshPodSecurityLevel, podSecurityLabels } from "../rules/podSecurity";
import { servicesRateLimits } from "../rules/plugins";
import { checkEdgeStackArgs } from "../rules/validate";
import { GrpcService } from "./grpcService";
import { KongGateway } from "./kongGateway";
import { LoadBalancerController } from "./loadBalancerController";
import { MeshNamespace } from "./meshNamespace";
import { prevalidated, validateOnce } from "./validation";

type ResolvedArgs = Defaulted<EdgeStackArgs, typeof INPUT_DEFAULTS.EdgeStack>;

/** The mesh control planes the stack installs, and the Kuma Mesh (with its allow-all permission) once they are up. */
function meshFor(name: string, args: ResolvedArgs, opts: pulumi.CustomResourceOptions): { controlPlane: pulumi.Resource[]; policies: pulumi.Resource[] } {
    const controlPlane: pulumi.Resource[] = [];
    if (args.mesh?.istio?.install) controlPlane.push(...installIstio(name, args.mesh.istio, args.waitForReady, args.podSecurity, opts));
    if (args.mesh?.kuma?.install) controlPlane.push(...installKuma(name, args.mesh.kuma, args.waitForReady, args.podSecurity, opts));
    const policies = args.mesh?.kuma ? kumaMeshPolicies(name, args.mesh.kuma, { ...opts, dependsOn: controlPlane }) : [];
    return { controlPlane, policies };
}

/**
 * One Namespace per distinct name, in order: plain without a mesh, else a MeshNamespace. Kong's own
 * namespace joins the mesh (its outbound calls need the sidecar); STRICT mTLS applies to service namespaces only.
 */
function namespacesFor(name: string, args: ResolvedArgs, services: readonly GrpcServiceSpecArgs[], kongNamespace: string, opts: pulumi.CustomResourceOptions): Map<string, pulumi.Resource> {
    const names = [kongNamespace, ...services.map((s) => s.namespace)];
    const namespace = (ns: string): pulumi.Resource => {
        const nsName = childName(name, `ns-${ns}`);
        // Kong's pods are the load balancer's ip targets: the readiness gate holds a rollout until they are healthy there.
        const labels = ns === kongNamespace ? readinessGateNamespaceLabels(args.eksAutoMode) : undefined;
        if (meshKindOf(args.mesh) === "none") {
            const withPodSecurity = { ...(labels ?? {}), ...podSecurityLabels(args.podSecurity, meshPodSecurityLevel("none")) };
            return new cloud.Namespace(nsName, { metadata: { name: ns, ...(Object.keys(withPodSecurity).length ? { labels: withPodSecurity } : {}) } }, opts);
        }
        const isServiceNamespace = services.some((s) => s.namespace === ns);
        const istio = args.mesh?.istio && { ...args.mesh.istio, strictMtls: withDefaults(args.mesh.istio, INPUT_DEFAULTS.IstioMesh).strictMtls && isServiceNamespace };
        return new MeshNamespace(nsName, prevalidated({ name: ns, istio, kuma: args.mesh?.kuma, labels, podSecurity: args.podSecurity }), opts);
    };
    return new Map([...new Set(names)].map((ns) => [ns, namespace(ns)]));
}

/**
 * The whole edge. Creation order is what makes it work: the load balancer controller (its webhook
 * admits LoadBalancer Services) and the mesh injector, then labelled namespaces, then Kong and the
 * services, whose pods are injected when they are created. Inputs are validated here, once, for
 * every child; the children get args built from them and do not check again.
 */
export class EdgeStack extends EdgeStackBase {
    constructor(newName: string, given: EdgeStackArgs, opts?: pulumi.ComponentResourceOptions) {
        validateOnce(`EdgeStack "${newName}"`, given, (problems) => checkEdgeStackArgs(problems, newName, given));
        // A renamed stack: its own URN moves through the alias, everything below keeps the old name.
        super(newName, given.renamedFrom === undefined ? opts : { ...opts, aliases: [...(opts?.aliases ?? []), { name: given.renamedFrom }] });
        const name = namingRoot(newName, given.renamedFrom);
        const args = withDefaults(given, INPUT_DEFAULTS.EdgeStack);
        const kongSettings = withDefaults(args.kong, INPUT_DEFAULTS.KongSettings);
        const child = { parent: this };
        const meshKind = meshKindOf(args.mesh);
        const services = args.services ?? [];

        const lbc = args.loadBalancerController;
        const controller =
            lbc?.install && args.clusterName !== undefined
                ? new LoadBalancerController(childName(name, "lbc"), prevalidated({ ...lbc, clusterName: args.clusterName }), { ...child, dependsOn: opts?.dependsOn })
                : undefined;

        const mesh = meshFor(name, args, child);
        const namespaces = namespacesFor(name, args, services, kongSettings.namespace, { ...child, dependsOn: mesh.controlPlane });
        /** What a release or service in namespace ns waits for: its namespace and the mesh. */
        const meshReady = [...mesh.controlPlane, ...mesh.policies];
        const inNamespace = (ns: string): pulumi.Resource[] => {
            const own = namespaces.get(ns);
            return own ? [own, ...meshReady] : meshReady;
        };

        const usesGrpcRoute = services.some((s) => s.routeKind === "grpcRoute");
        const kong = new KongGateway(
            childName(name, "kong"),
            prevalidated({
                ...kongSettings,
                loadBalancer: args.loadBalancer,
                eksAutoMode: args.eksAutoMode,
                scalingMode: args.scalingMode,
                vertical: args.vertical,
                horizontal: args.horizontal,
                acceptL4Imbalance: args.acceptL4Imbalance,
                connectionRecycling: args.connectionRecycling,
                meshKind,
                meshSidecar: args.mesh?.istio?.gatewaySidecar ?? args.mesh?.kuma?.gatewaySidecar,
                gatewayApi: usesGrpcRoute,
                waitForReady: args.waitForReady,
                protectLoadBalancer: args.protectLoadBalancer,
            }),
            { ...child, dependsOn: [...inNamespace(kongSettings.namespace), ...(controller ? [controller] : [])] },
        );

        for (const spec of services) {
            new GrpcService(
                childName(name, `${spec.namespace}-${spec.name}`),
                prevalidated({
                    service: spec,
                    meshKind,
                    kumaMultiZone: args.mesh?.kuma?.multiZone,
                    ingressClassName: kongSettings.ingressClassName,
                    gatewayName: kong.plan.gatewayName,
                    gatewayNamespace: usesGrpcRoute ? kongSettings.namespace : undefined,
                    waitForReady: args.waitForReady,
                }),
                // Kong first: its release installs the KongPlugin/KongConsumer CRDs the services use.
                { ...child, dependsOn: [...inNamespace(spec.namespace), kong] },
            );
        }

        this.setOutputs({
            sizing: kong.plan.sizing,
            kongNamespace: kongSettings.namespace,
            kongReleaseName: kong.plan.releaseName,
            proxyServiceName: kong.plan.proxyServiceName,
            albIngressName: kong.plan.alb?.ingressName,
            meshNamespaces: meshKind === "none" ? [] : [...namespaces.keys()],
            serviceNames: services.map((s) => `${s.namespace}/${s.name}`),
            rateLimits: servicesRateLimits(services, kong.plan.sizing),
            loadBalancerControllerRoleArn: controller?.roleArn,
        });
    }
}
