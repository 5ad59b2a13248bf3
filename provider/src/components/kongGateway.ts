import * as cloud from "../cloud";
import * as pulumi from "@pulumi/pulumi";
import { CONTROLLER_RESOURCES_DEFAULT, KONG_INGRESS_CLASS_DEFAULT, KONG_PORTS, pinnedCharts } from "../defaults";
import { KongGatewayArgs, KongGatewayOutputs, KongGatewayToken, KongSizing } from "../generated/schema-types";
import { resolveChart } from "../rules/chartSource";
import { kongHelmValues, kongProxyServiceName } from "../rules/kongValues";
import { AUTO_MODE_ALB_CONTROLLER, albIngressAnnotations, albIngressClassName } from "../rules/loadBalancer";
import { childName } from "../rules/names";
import { computeKongSizing } from "../rules/sizing";
import { validateKongGatewayArgs } from "../rules/validate";
import { skipAwaitAnnotations } from "./await";
import { exposeOutputs } from "./outputs";

/** Kong's GatewayClass controller for the (unmanaged) Gateways it serves. */
export const KONG_GATEWAY_CONTROLLER = "konghq.com/kic-gateway-controller";

/** Everything the Kong release is given, computed from the inputs by the rules alone. */
export interface KongGatewayPlan {
    readonly releaseName: string;
    readonly namespace: string;
    readonly sizing: KongSizing;
    readonly chart: ReturnType<typeof resolveChart>;
    readonly values: Record<string, unknown>;
    readonly proxyServiceName: string;
    readonly ingressClassName: string;
    readonly albIngressName?: string;
    readonly gatewayName?: string;
}

export function planKongGateway(name: string, args: KongGatewayArgs): KongGatewayPlan {
    validateKongGatewayArgs(name, args).throwIfAny(`KongGateway "${name}"`);
    const chartKind = args.chart ?? "ingress";
    const sizing = computeKongSizing({ ...args, loadBalancerType: args.loadBalancer.type });
    const ingressClassName = args.ingressClassName ?? KONG_INGRESS_CLASS_DEFAULT;
    const values = kongHelmValues({
        chart: chartKind,
        sizing,
        loadBalancer: args.loadBalancer,
        eksAutoMode: args.eksAutoMode ?? false,
        meshKind: args.meshKind ?? "none",
        controllerResources: args.controllerResources ?? CONTROLLER_RESOURCES_DEFAULT,
        ingressClassName,
        userValues: args.values as Record<string, unknown> | undefined,
    });
    return {
        releaseName: name,
        namespace: args.namespace,
        sizing,
        chart: resolveChart(chartKind === "ingress" ? pinnedCharts.kongIngress : pinnedCharts.kong, args.chartSource),
        values,
        proxyServiceName: kongProxyServiceName(chartKind, name),
        ingressClassName,
        albIngressName: args.loadBalancer.type === "alb" ? childName(name, "alb") : undefined,
        gatewayName: args.gatewayApi ? name : undefined,
    };
}

/**
 * The Kong Ingress Controller release sized by the rules, plus what fronts it: the proxy Service's
 * NLB annotations are Helm values; an ALB is an Ingress created here.
 */
export class KongGateway extends pulumi.ComponentResource {
    declare readonly sizing: pulumi.Output<KongSizing>;
    declare readonly releaseName: pulumi.Output<string>;
    declare readonly namespace: pulumi.Output<string>;
    declare readonly proxyServiceName: pulumi.Output<string>;
    declare readonly ingressClassName: pulumi.Output<string>;
    declare readonly gatewayName: pulumi.Output<string | undefined>;
    declare readonly albIngressName: pulumi.Output<string | undefined>;
    /** The computed plan (sizing, values, names), available synchronously to composing components. */
    readonly plan: KongGatewayPlan;

    constructor(name: string, args: KongGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = planKongGateway(name, args);
        super(KongGatewayToken, name, {}, opts);
        this.plan = plan;
        const child = { parent: this };
        const ordered = { parent: this, dependsOn: opts?.dependsOn };

        const release = new cloud.Release(
            name,
            {
                name: plan.releaseName,
                namespace: plan.namespace,
                chart: plan.chart.chart,
                version: plan.chart.version,
                repositoryOpts: plan.chart.repositoryOpts,
                values: plan.values,
                skipAwait: args.waitForReady === false,
            },
            ordered,
        );

        if (plan.albIngressName) {
            const autoMode = args.eksAutoMode ?? false;
            const className = albIngressClassName(args.loadBalancer, autoMode, childName(name, "alb"));
            if (autoMode && !args.loadBalancer.ingressClassName) {
                new cloud.IngressClass(
                    childName(name, "alb"),
                    { metadata: { name: className }, spec: { controller: AUTO_MODE_ALB_CONTROLLER } },
                    child,
                );
            }
            new cloud.Ingress(
                plan.albIngressName,
                {
                    metadata: {
                        name: plan.albIngressName,
                        namespace: plan.namespace,
                        annotations: { ...(args.loadBalancer.annotations ?? {}), ...albIngressAnnotations(args.loadBalancer), ...skipAwaitAnnotations(args.waitForReady) },
                    },
                    spec: {
                        ingressClassName: className,
                        defaultBackend: { service: { name: plan.proxyServiceName, port: { number: KONG_PORTS.proxyServiceTls } } },
                    },
                },
                { parent: this, dependsOn: [release] },
            );
        }

        if (plan.gatewayName) {
            const gatewayClass = new cloud.CustomResource(
                childName(name, "gatewayclass"),
                {
                    apiVersion: "gateway.networking.k8s.io/v1",
                    kind: "GatewayClass",
                    metadata: { name: plan.releaseName, annotations: { "konghq.com/gatewayclass-unmanaged": "true" } },
                    spec: { controllerName: KONG_GATEWAY_CONTROLLER },
                },
                child,
            );
            new cloud.CustomResource(
                childName(name, "gateway"),
                {
                    apiVersion: "gateway.networking.k8s.io/v1",
                    kind: "Gateway",
                    metadata: { name: plan.gatewayName, namespace: plan.namespace, annotations: skipAwaitAnnotations(args.waitForReady) },
                    spec: {
                        gatewayClassName: plan.releaseName,
                        listeners: [{ name: "grpc", protocol: "HTTP", port: KONG_PORTS.proxyServiceHttp, allowedRoutes: { namespaces: { from: "All" } } }],
                    },
                },
                { parent: this, dependsOn: [gatewayClass, release] },
            );
        }

        const outputs: KongGatewayOutputs = {
            sizing: plan.sizing,
            releaseName: plan.releaseName,
            namespace: plan.namespace,
            proxyServiceName: plan.proxyServiceName,
            ingressClassName: plan.ingressClassName,
            gatewayName: plan.gatewayName,
            albIngressName: plan.albIngressName,
        };
        exposeOutputs(this, outputs);
        this.registerOutputs(outputs);
    }
}
