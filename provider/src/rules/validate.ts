// Input validation of each component, once, at the top: each check* adds every problem it finds to
// a Problems scoped at the property path it checks. EdgeStack runs the same pieces its children
// would, at its own paths, and its children then skip theirs (components/validation.ts).
import {
    EdgeStackToken,
    GrpcServiceToken,
    KongChart,
    KongGatewayToken,
    LoadBalancerControllerToken,
    MeshNamespaceToken,
    MeshKind,
    type EdgeStackArgs,
    type GrpcServiceArgs,
    type GrpcServiceSpecArgs,
    type KongGatewayArgs,
    type KongSettingsArgs,
    type LoadBalancerControllerArgs,
    type LoadBalancerControllerSettingsArgs,
    type MeshNamespaceArgs,
} from "../generated/schema-types";
import { INPUT_DEFAULTS } from "../defaults";
import { checkChartSource } from "./chartSource";
import { checkOneOf, Problems } from "./errors";
import { checkGrpcService, checkServicesAreDistinct } from "./grpc";
import { checkControllerIdentity } from "./lbcIdentity";
import { checkLoadBalancer } from "./loadBalancer";
import { checkContainerResources, checkExtraLabels, checkMesh, checkSidecarSize, meshKindOf } from "./mesh";
import { checkDns1123Label, COMPONENT_NAME_MAX } from "./names";
import { checkPluginsAndConsumers } from "./plugins";
import { checkPodSecurity, checkServiceMeetsNamespace, enforcedLevel } from "./podSecurity";
import { checkSizingInputs, SizingInputs } from "./sizing";
import { checkInputShape } from "./shape";
import { checkServiceTimeouts } from "./streamTimeouts";

export function checkComponentName(problems: Problems, name: string): void {
    checkDns1123Label(problems, "name", name, COMPONENT_NAME_MAX);
}

/** Load balancer and sizing: shared by EdgeStack and KongGateway, whose fields sit at the same paths. */
function checkFrontAndSizing(problems: Problems, args: Omit<SizingInputs, "loadBalancerType"> & Pick<KongGatewayArgs, "loadBalancer" | "eksAutoMode">): void {
    checkLoadBalancer(problems, "loadBalancer", args.loadBalancer, args.eksAutoMode ?? INPUT_DEFAULTS.EdgeStack.eksAutoMode);
    const type = args.loadBalancer?.type;
    if (type === "nlb" || type === "alb") checkSizingInputs(problems, { ...args, loadBalancerType: type });
}

/** Kong's release settings: EdgeStack's `kong` object, and the same fields at KongGateway's top level. */
function checkKongSettings(problems: Problems, kong: KongSettingsArgs): void {
    if (kong.namespace !== undefined) checkDns1123Label(problems, "namespace", kong.namespace);
    checkOneOf(problems, "chart", kong.chart, KongChart, "Kong chart");
    checkChartSource(problems, "chartSource", kong.chartSource);
    checkContainerResources(problems, "controllerResources", kong.controllerResources);
    if (kong.ingressClassName !== undefined) checkDns1123Label(problems, "ingressClassName", kong.ingressClassName);
}

/** One gRPC service: its routing, plugins and consumers. */
function checkServiceSpec(problems: Problems, spec: GrpcServiceSpecArgs): void {
    checkGrpcService(problems, "", spec);
    checkServiceTimeouts(problems, spec);
    checkContainerResources(problems, "resources", spec.resources);
    checkPluginsAndConsumers(problems, "", spec.plugins, spec.consumers, spec.grpcWeb ?? INPUT_DEFAULTS.GrpcServiceSpec.grpcWeb);
}

/** The controller's own settings (EdgeStack's `loadBalancerController`, or LoadBalancerController's top level). */
function checkControllerSettings(problems: Problems, settings: Pick<LoadBalancerControllerSettingsArgs, "identity" | "oidcProviderArn" | "chartSource">): void {
    checkControllerIdentity(problems, settings.identity, settings.oidcProviderArn);
    checkChartSource(problems, "chartSource", settings.chartSource);
}

function checkClusterName(problems: Problems, clusterName: unknown): void {
    if (clusterName === undefined || clusterName === "") {
        problems.add("clusterName", clusterName, "the AWS Load Balancer Controller needs the cluster name: it tags and discovers its load balancers by it", "set clusterName to the EKS cluster's name");
    }
}

export function checkKongGatewayArgs(problems: Problems, name: string, args: KongGatewayArgs): void {
    checkComponentName(problems, name);
    // The rules assume the schema's types: they run only on inputs of the right shape.
    checkInputShape(problems, KongGatewayToken, args, () => {
        checkDns1123Label(problems, "namespace", args.namespace);
        checkFrontAndSizing(problems, args);
        checkOneOf(problems, "meshKind", args.meshKind, MeshKind, "mesh kind");
        checkSidecarSize(problems, "meshSidecar", args.meshSidecar);
        checkKongSettings(problems, { chart: args.chart, chartSource: args.chartSource, controllerResources: args.controllerResources, ingressClassName: args.ingressClassName });
    });
}

export function checkMeshNamespaceArgs(problems: Problems, name: string, args: MeshNamespaceArgs): void {
    checkComponentName(problems, name);
    // The rules assume the schema's types: they run only on inputs of the right shape.
    checkInputShape(problems, MeshNamespaceToken, args, () => {
        checkDns1123Label(problems, "name", args.name);
        checkMesh(problems, "", args);
        if (!args.istio && !args.kuma) {
            problems.add("istio", undefined, "a MeshNamespace needs a mesh", "set istio or kuma (use a plain kubernetes Namespace for no mesh)");
        }
        checkExtraLabels(problems, "labels", args, args.labels);
        checkPodSecurity(problems, "podSecurity", args.podSecurity);
    });
}

export function checkGrpcServiceArgs(problems: Problems, name: string, args: GrpcServiceArgs): void {
    checkComponentName(problems, name);
    // The rules assume the schema's types: they run only on inputs of the right shape.
    checkInputShape(problems, GrpcServiceToken, args, () => {
        checkOneOf(problems, "meshKind", args.meshKind, MeshKind, "mesh kind");
        if (!args.service) {
            problems.add("service", args.service, "is required", 'set service: { name, namespace, paths: ["/pkg.Service/"] }');
            return;
        }
        checkServiceSpec(problems.at("service"), args.service);
        if (args.kumaMultiZone && args.meshKind !== "kuma") {
            problems.add("kumaMultiZone", true, "`.mesh` addresses exist only in a Kuma mesh", 'set meshKind "kuma" or remove kumaMultiZone');
        }
        if (args.service.routeKind === "grpcRoute" && !args.gatewayName) {
            problems.add("gatewayName", args.gatewayName, "a GRPCRoute needs a parent Gateway", "set gatewayName (and gatewayNamespace) to Kong's Gateway, e.g. KongGateway.gatewayName");
        }
    });
}

export function checkLoadBalancerControllerArgs(problems: Problems, name: string, args: LoadBalancerControllerArgs): void {
    checkComponentName(problems, name);
    // The rules assume the schema's types: they run only on inputs of the right shape.
    checkInputShape(problems, LoadBalancerControllerToken, args, () => {
        checkClusterName(problems, args.clusterName);
        checkControllerSettings(problems, args);
    });
}

export function checkEdgeStackArgs(problems: Problems, name: string, args: EdgeStackArgs): void {
    checkComponentName(problems, name);
    // The rules assume the schema's types: they run only on inputs of the right shape.
    checkInputShape(problems, EdgeStackToken, args, () => {
        if (args.renamedFrom !== undefined) checkDns1123Label(problems, "renamedFrom", args.renamedFrom, COMPONENT_NAME_MAX);
        checkFrontAndSizing(problems, args);
        checkMesh(problems, "mesh", args.mesh);
        checkChartSource(problems, "mesh.istio.baseChart", args.mesh?.istio?.baseChart);
        checkChartSource(problems, "mesh.istio.istiodChart", args.mesh?.istio?.istiodChart);
        checkChartSource(problems, "mesh.kuma.chart", args.mesh?.kuma?.chart);
        checkKongSettings(problems.at("kong"), args.kong ?? {});

        const services = args.services ?? [];
        services.forEach((spec, i) => checkServiceSpec(problems.at(`services[${i}]`), spec));
        checkServicesAreDistinct(problems, "services", services);
        checkConsumersAreGlobal(problems, services);
        checkPodSecurity(problems, "podSecurity", args.podSecurity);
        const enforce = enforcedLevel(args.podSecurity, meshKindOf(args.mesh));
        services.forEach((spec, i) => checkServiceMeetsNamespace(problems.at(`services[${i}]`), "", spec, enforce, "podSecurity"));

        const lbc = args.loadBalancerController;
        if (lbc?.install) {
            if (args.eksAutoMode) {
                problems.add(
                    "loadBalancerController.install",
                    true,
                    "EKS Auto Mode runs its own load balancer controller; a second one would fight over the same Services and Ingresses",
                    "remove loadBalancerController.install, or set eksAutoMode: false",
                );
            }
            checkClusterName(problems, args.clusterName);
            checkControllerSettings(problems.at("loadBalancerController"), lbc);
        }
    });
}

/** Kong consumer usernames are global: one username belongs to one service's consumers. */
function checkConsumersAreGlobal(problems: Problems, services: readonly GrpcServiceSpecArgs[]): void {
    const owner = new Map<string, number>();
    services.forEach((spec, i) =>
        (spec.consumers ?? []).forEach((c, j) => {
            const first = owner.get(c.username);
            if (first !== undefined && first !== i) {
                problems.add(`services[${i}].consumers[${j}].username`, c.username, `is already a consumer of services[${first}]; Kong consumer usernames are global`, "define each consumer once, or use distinct usernames");
            }
            owner.set(c.username, i);
        }),
    );
}
