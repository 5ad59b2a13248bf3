import * as cloud from "../cloud";
import * as pulumi from "@pulumi/pulumi";
import { KONG_NAMESPACE_DEFAULT } from "../defaults";
import { EdgeStackArgs, EdgeStackOutputs, EdgeStackToken, KongSizing } from "../generated/schema-types";
import { meshKindOf } from "../rules/mesh";
import { childName } from "../rules/names";
import { validateEdgeStackArgs } from "../rules/validate";
import { GrpcService } from "./grpcService";
import { KongGateway } from "./kongGateway";
import { LoadBalancerController } from "./loadBalancerController";
import { installIstio, installKuma, kumaMeshPolicies } from "./meshInstall";
import { MeshNamespace } from "./meshNamespace";
import { exposeOutputs } from "./outputs";

/**
 * The whole edge. Creation order is what makes it work: the load balancer controller (its webhook
 * admits LoadBalancer Services) and the mesh injector, then labelled namespaces, then Kong and the
 * services, whose pods are injected when they are created.
 */
export class EdgeStack extends pulumi.ComponentResource {
    declare readonly sizing: pulumi.Output<KongSizing>;
    declare readonly kongNamespace: pulumi.Output<string>;
    declare readonly kongReleaseName: pulumi.Output<string>;
    declare readonly proxyServiceName: pulumi.Output<string>;
    declare readonly albIngressName: pulumi.Output<string | undefined>;
    declare readonly meshNamespaces: pulumi.Output<string[]>;
    declare readonly serviceNames: pulumi.Output<string[]>;
    declare readonly loadBalancerControllerRoleArn: pulumi.Output<string | undefined>;

    constructor(name: string, args: EdgeStackArgs, opts?: pulumi.ComponentResourceOptions) {
        validateEdgeStackArgs(name, args).throwIfAny(`EdgeStack "${name}"`);
        super(EdgeStackToken, name, {}, opts);
        const child = { parent: this };
        const skipAwait = args.waitForReady === false;
        const meshKind = meshKindOf(args.mesh);
        const services = args.services ?? [];
        const kongNamespace = args.kong?.namespace ?? KONG_NAMESPACE_DEFAULT;

        const controller = args.loadBalancerController?.install
            ? new LoadBalancerController(
                  childName(name, "lbc"),
                  { ...args.loadBalancerController, clusterName: args.clusterName! },
                  { ...child, dependsOn: opts?.dependsOn },
              )
            : undefined;

        const meshControlPlane: pulumi.Resource[] = [];
        if (args.mesh?.istio?.install) meshControlPlane.push(...installIstio(name, args.mesh.istio, skipAwait, child));
        if (args.mesh?.kuma?.install) meshControlPlane.push(...installKuma(name, args.mesh.kuma, skipAwait, child));
        const meshPolicies = args.mesh?.kuma ? kumaMeshPolicies(name, args.mesh.kuma, { ...child, dependsOn: meshControlPlane }) : [];

        // Kong's own namespace joins the mesh (its outbound calls need the sidecar); STRICT applies to service namespaces.
        const namespaceNames = [kongNamespace, ...services.map((s) => s.namespace)].filter((ns, i, all) => all.indexOf(ns) === i);
        const namespaces = new Map<string, pulumi.Resource>();
        for (const ns of namespaceNames) {
            const nsOpts = { ...child, dependsOn: meshControlPlane };
            const isServiceNamespace = services.some((s) => s.namespace === ns);
            if (meshKind === "none") {
                namespaces.set(ns, new cloud.Namespace(childName(name, `ns-${ns}`), { metadata: { name: ns } }, nsOpts));
                continue;
            }
            const istio = args.mesh?.istio && { ...args.mesh.istio, strictMtls: (args.mesh.istio.strictMtls ?? false) && isServiceNamespace };
            namespaces.set(ns, new MeshNamespace(childName(name, `ns-${ns}`), { name: ns, istio, kuma: args.mesh?.kuma }, nsOpts));
        }

        const usesGrpcRoute = services.some((s) => s.routeKind === "grpcRoute");
        const kongName = childName(name, "kong");
        const kong = new KongGateway(
            kongName,
            {
                namespace: kongNamespace,
                loadBalancer: args.loadBalancer,
                eksAutoMode: args.eksAutoMode,
                scalingMode: args.scalingMode,
                vertical: args.vertical,
                horizontal: args.horizontal,
                acceptL4Imbalance: args.acceptL4Imbalance,
                meshKind,
                chart: args.kong?.chart,
                chartSource: args.kong?.chartSource,
                controllerResources: args.kong?.controllerResources,
                ingressClassName: args.kong?.ingressClassName,
                gatewayApi: usesGrpcRoute,
                values: args.kong?.values,
                waitForReady: args.waitForReady,
            },
            { ...child, dependsOn: [namespaces.get(kongNamespace)!, ...meshControlPlane, ...meshPolicies, ...(controller ? [controller] : [])] },
        );

        for (const spec of services) {
            new GrpcService(
                childName(name, `${spec.namespace}-${spec.name}`),
                {
                    service: spec,
                    meshKind,
                    kumaMultiZone: args.mesh?.kuma?.multiZone,
                    ingressClassName: args.kong?.ingressClassName,
                    gatewayName: usesGrpcRoute ? kong.plan.gatewayName : undefined,
                    gatewayNamespace: usesGrpcRoute ? kongNamespace : undefined,
                    waitForReady: args.waitForReady,
                },
                // Kong first: its release installs the KongPlugin/KongConsumer CRDs the services use.
                { ...child, dependsOn: [namespaces.get(spec.namespace)!, ...meshControlPlane, ...meshPolicies, kong] },
            );
        }

        const outputs: EdgeStackOutputs = {
            sizing: kong.plan.sizing,
            kongNamespace,
            kongReleaseName: kong.plan.releaseName,
            proxyServiceName: kong.plan.proxyServiceName,
            albIngressName: kong.plan.albIngressName,
            meshNamespaces: meshKind === "none" ? [] : namespaceNames,
            serviceNames: services.map((s) => `${s.namespace}/${s.name}`),
        };
        const withRole = { ...outputs, loadBalancerControllerRoleArn: controller?.roleArn };
        exposeOutputs(this, withRole);
        this.registerOutputs(withRole);
    }
}
