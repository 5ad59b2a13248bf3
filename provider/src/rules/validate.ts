// Input validation of each component: every problem is collected, then thrown together before
// any resource is registered, so a bad input never leaves a half-created stack.
import type {
    EdgeStackArgs,
    GrpcServiceArgs,
    KongChart,
    KongGatewayArgs,
    LoadBalancerControllerArgs,
    MeshKind,
    MeshNamespaceArgs,
} from "../generated/schema-types";
import { checkChartSource } from "./chartSource";
import { Problems } from "./errors";
import { checkGrpcService, checkServicesAreDistinct } from "./grpc";
import { checkControllerIdentity } from "./lbcIdentity";
import { checkLoadBalancer } from "./loadBalancer";
import { checkExtraLabels, checkMesh } from "./mesh";
import { checkDns1123Label } from "./names";
import { checkPluginsAndConsumers } from "./plugins";
import { checkSizingInputs } from "./sizing";

const KONG_CHARTS: readonly KongChart[] = ["ingress", "kong"];
const MESH_KINDS: readonly MeshKind[] = ["none", "istio", "kuma"];

/** Helm release names are at most 53 characters; children append suffixes, so component names stay shorter. */
const COMPONENT_NAME_MAX = 40;

function checkComponentName(problems: Problems, name: string): void {
    checkDns1123Label(problems, "name", name, COMPONENT_NAME_MAX);
}

function checkKongChart(problems: Problems, field: string, chart: KongChart | undefined): void {
    if (chart !== undefined && !KONG_CHARTS.includes(chart)) {
        problems.add(field, chart, "unknown Kong chart", 'use "ingress" (kong/ingress, recommended) or "kong" (kong/kong)');
    }
}

function checkMeshKind(problems: Problems, field: string, kind: MeshKind | undefined): void {
    if (kind !== undefined && !MESH_KINDS.includes(kind)) {
        problems.add(field, kind, "unknown mesh kind", 'use "none", "istio" or "kuma"');
    }
}

export function validateKongGatewayArgs(name: string, args: KongGatewayArgs, problems = new Problems()): Problems {
    checkComponentName(problems, name);
    checkDns1123Label(problems, "namespace", args.namespace);
    checkLoadBalancer(problems, "loadBalancer", args.loadBalancer, args.eksAutoMode ?? false);
    if (args.loadBalancer?.type === "nlb" || args.loadBalancer?.type === "alb") {
        checkSizingInputs(problems, { ...args, loadBalancerType: args.loadBalancer.type });
    }
    checkMeshKind(problems, "meshKind", args.meshKind);
    checkKongChart(problems, "chart", args.chart);
    checkChartSource(problems, "chartSource", args.chartSource);
    if (args.ingressClassName !== undefined) checkDns1123Label(problems, "ingressClassName", args.ingressClassName);
    return problems;
}

export function validateMeshNamespaceArgs(name: string, args: MeshNamespaceArgs, problems = new Problems()): Problems {
    checkComponentName(problems, name);
    checkDns1123Label(problems, "name (args)", args.name);
    checkMesh(problems, "args", args);
    if (!args.istio && !args.kuma) {
        problems.add("istio/kuma", undefined, "a MeshNamespace needs a mesh", "set istio or kuma (use a plain kubernetes Namespace for no mesh)");
    }
    checkExtraLabels(problems, "labels", args, args.labels);
    return problems;
}

export function validateGrpcServiceArgs(name: string, args: GrpcServiceArgs, problems = new Problems()): Problems {
    checkComponentName(problems, name);
    checkMeshKind(problems, "meshKind", args.meshKind);
    if (!args.service) {
        problems.add("service", args.service, "is required", 'set service: { name, namespace, paths: ["/pkg.Service/"] }');
        return problems;
    }
    checkGrpcService(problems, "service", args.service);
    checkPluginsAndConsumers(problems, "service", args.service.plugins, args.service.consumers);
    if (args.kumaMultiZone && args.meshKind !== "kuma") {
        problems.add("kumaMultiZone", true, "`.mesh` addresses exist only in a Kuma mesh", 'set meshKind "kuma" or remove kumaMultiZone');
    }
    if (args.service.routeKind === "grpcRoute" && !args.gatewayName) {
        problems.add("gatewayName", args.gatewayName, "a GRPCRoute needs a parent Gateway", "set gatewayName (and gatewayNamespace) to Kong's Gateway, e.g. KongGateway.gatewayName");
    }
    return problems;
}

export function validateLoadBalancerControllerArgs(name: string, args: LoadBalancerControllerArgs, problems = new Problems()): Problems {
    checkComponentName(problems, name);
    if (args.clusterName === undefined || args.clusterName === "") {
        problems.add("clusterName", args.clusterName, "is required: the controller tags and discovers resources by cluster name", "set clusterName to the EKS cluster's name");
    }
    checkControllerIdentity(problems, "", args.identity, args.oidcProviderArn);
    checkChartSource(problems, "chartSource", args.chartSource);
    return problems;
}

export function validateEdgeStackArgs(name: string, args: EdgeStackArgs): Problems {
    const problems = new Problems();
    checkComponentName(problems, name);
    const autoMode = args.eksAutoMode ?? false;
    checkLoadBalancer(problems, "loadBalancer", args.loadBalancer, autoMode);
    if (args.loadBalancer?.type === "nlb" || args.loadBalancer?.type === "alb") {
        checkSizingInputs(problems, { ...args, loadBalancerType: args.loadBalancer.type });
    }
    checkMesh(problems, "mesh", args.mesh);
    checkChartSource(problems, "mesh.istio.baseChart", args.mesh?.istio?.baseChart);
    checkChartSource(problems, "mesh.istio.istiodChart", args.mesh?.istio?.istiodChart);
    checkChartSource(problems, "mesh.kuma.chart", args.mesh?.kuma?.chart);

    const kong = args.kong ?? {};
    if (kong.namespace !== undefined) checkDns1123Label(problems, "kong.namespace", kong.namespace);
    checkKongChart(problems, "kong.chart", kong.chart);
    checkChartSource(problems, "kong.chartSource", kong.chartSource);
    if (kong.ingressClassName !== undefined) checkDns1123Label(problems, "kong.ingressClassName", kong.ingressClassName);

    const services = args.services ?? [];
    services.forEach((spec, i) => {
        checkGrpcService(problems, `services[${i}]`, spec);
        checkPluginsAndConsumers(problems, `services[${i}]`, spec.plugins, spec.consumers);
    });
    checkServicesAreDistinct(problems, "services", services);
    const consumerOwner = new Map<string, number>();
    services.forEach((spec, i) =>
        (spec.consumers ?? []).forEach((c, j) => {
            const owner = consumerOwner.get(c.username);
            if (owner !== undefined && owner !== i) {
                problems.add(`services[${i}].consumers[${j}].username`, c.username, `is already a consumer of services[${owner}]; Kong consumer usernames are global`, "define each consumer once, or use distinct usernames");
            }
            consumerOwner.set(c.username, i);
        }),
    );

    const lbc = args.loadBalancerController;
    if (lbc?.install) {
        if (autoMode) {
            problems.add(
                "loadBalancerController.install",
                true,
                "EKS Auto Mode runs its own load balancer controller; a second one would fight over the same Services and Ingresses",
                "remove loadBalancerController.install, or set eksAutoMode: false",
            );
        }
        if (args.clusterName === undefined || args.clusterName === "") {
            problems.add("clusterName", args.clusterName, "installing the AWS Load Balancer Controller needs the cluster name", "set clusterName to the EKS cluster's name");
        }
        checkControllerIdentity(problems, "loadBalancerController", lbc.identity, lbc.oidcProviderArn);
        checkChartSource(problems, "loadBalancerController.chartSource", lbc.chartSource);
    }
    return problems;
}
