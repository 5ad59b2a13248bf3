import * as pulumi from "@pulumi/pulumi";
import { installIstio, installKuma, kumaMeshPolicies } from "../builders/meshControlPlane";
import * as cloud from "../cloud";
import { INPUT_DEFAULTS, withDefaults } from "../defaults";
import { EdgeStackArgs, EdgeStackBase } from "../generated/schema-types";
import { meshKindOf } from "../rules/mesh";
import { childName } from "../rules/names";
import { checkEdgeStackArgs } from "../rules/validate";
import { GrpcService } from "./grpcService";
import { KongGateway } from "./kongGateway";
import { LoadBalancerController } from "./loadBalancerController";
import { MeshNamespace } from "./meshNamespace";
import { prevalidated, validateOnce } from "./validation";

/**
 * The whole edge. Creation order is what makes it work: the load balancer controller (its webhook
 * admits LoadBalancer Services) and the mesh injector, then labelled namespaces, then Kong and the
 * services, whose pods are injected when they are created. Inputs are validated here, once, for
 * every child; the children get args built from them and do not check again.
 */
export class EdgeStack extends EdgeStackBase {
    constructor(name: string, given: EdgeStackArgs, opts?: pulumi.ComponentResourceOptions) {
        validateOnce(`EdgeStack "${name}"`, given, (problems) => checkEdgeStackArgs(problems, name, given));
        super(name, opts);
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

        const meshControlPlane: pulumi.Resource[] = [];
        if (args.mesh?.istio?.install) meshControlPlane.push(...installIstio(name, args.mesh.istio, args.waitForReady, child));
        if (args.mesh?.kuma?.install) meshControlPlane.push(...installKuma(name, args.mesh.kuma, args.waitForReady, child));
        const meshPolicies = args.mesh?.kuma ? kumaMeshPolicies(name, args.mesh.kuma, { ...child, dependsOn: meshControlPlane }) : [];

        // Kong's own namespace joins the mesh (its outbound calls need the sidecar); STRICT applies to service namespaces.
        const namespaceNames = [kongSettings.namespace, ...services.map((s) => s.namespace)].filter((ns, i, all) => all.indexOf(ns) === i);
        const namespace = (ns: string): pulumi.Resource => {
            const nsName = childName(name, `ns-${ns}`);
            const nsOpts = { ...child, dependsOn: meshControlPlane };
            if (meshKind === "none") return new cloud.Namespace(nsName, { metadata: { name: ns } }, nsOpts);
            const isServiceNamespace = services.some((s) => s.namespace === ns);
            const istio = args.mesh?.istio && { ...args.mesh.istio, strictMtls: withDefaults(args.mesh.istio, INPUT_DEFAULTS.IstioMesh).strictMtls && isServiceNamespace };
            return new MeshNamespace(nsName, prevalidated({ name: ns, istio, kuma: args.mesh?.kuma }), nsOpts);
        };
        const namespaces = new Map(namespaceNames.map((ns) => [ns, namespace(ns)]));
        /** What a release or service in namespace ns waits for: its namespace and the mesh. */
        const inNamespace = (ns: string): pulumi.Resource[] => {
            const mesh = [...meshControlPlane, ...meshPolicies];
            const nsResource = namespaces.get(ns);
            return nsResource ? [nsResource, ...mesh] : mesh;
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
                meshKind,
                gatewayApi: usesGrpcRoute,
                waitForReady: args.waitForReady,
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
            meshNamespaces: meshKind === "none" ? [] : namespaceNames,
            serviceNames: services.map((s) => `${s.namespace}/${s.name}`),
            loadBalancerControllerRoleArn: controller?.roleArn,
        });
    }
}
