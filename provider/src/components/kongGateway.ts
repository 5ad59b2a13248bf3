import * as pulumi from "@pulumi/pulumi";
import { helmRelease } from "../builders/helmRelease";
import { skipAwaitAnnotations } from "../builders/skipAwait";
import * as cloud from "../cloud";
import { KONG_PORTS } from "../defaults";
import { KongGatewayArgs, KongGatewayBase } from "../generated/schema-types";
import { KongGatewayPlan, planKongGateway } from "../rules/kongGatewayPlan";
import { albIngressAnnotations, AUTO_MODE_ALB_CONTROLLER } from "../rules/loadBalancer";
import { childName } from "../rules/names";
import { checkKongGatewayArgs } from "../rules/validate";
import { validateOnce } from "./validation";

/** Kong's GatewayClass controller for the (unmanaged) Gateways it serves. */
const KONG_GATEWAY_CONTROLLER = "konghq.com/kic-gateway-controller";

/**
 * The Kong Ingress Controller release sized by the rules, plus what fronts it: the proxy Service's
 * NLB annotations are Helm values; an ALB is an Ingress created here.
 */
export class KongGateway extends KongGatewayBase {
    /** The computed plan (sizing, values, names), available synchronously to composing components. */
    readonly plan: KongGatewayPlan;

    constructor(name: string, args: KongGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        validateOnce(`KongGateway "${name}"`, args, (problems) => checkKongGatewayArgs(problems, name, args));
        const plan = planKongGateway(name, args);
        super(name, opts);
        this.plan = plan;
        const child = { parent: this };
        const skipAwait = skipAwaitAnnotations(plan.waitForReady);

        const release = helmRelease(
            name,
            {
                releaseName: plan.releaseName,
                namespace: plan.namespace,
                chart: plan.chart,
                chartSource: plan.chartSource,
                values: plan.values,
                userValues: plan.userValues,
                waitForReady: plan.waitForReady,
            },
            { parent: this, dependsOn: opts?.dependsOn },
        );

        if (plan.alb) {
            if (plan.alb.createClass) {
                new cloud.IngressClass(plan.alb.ingressName, { metadata: { name: plan.alb.className }, spec: { controller: AUTO_MODE_ALB_CONTROLLER } }, child);
            }
            new cloud.Ingress(
                plan.alb.ingressName,
                {
                    metadata: {
                        name: plan.alb.ingressName,
                        namespace: plan.namespace,
                        annotations: { ...(args.loadBalancer.annotations ?? {}), ...albIngressAnnotations(args.loadBalancer), ...skipAwait },
                    },
                    spec: {
                        ingressClassName: plan.alb.className,
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
                    metadata: { name: plan.gatewayName, namespace: plan.namespace, annotations: skipAwait },
                    spec: {
                        gatewayClassName: plan.releaseName,
                        listeners: [{ name: "grpc", protocol: "HTTP", port: KONG_PORTS.proxyServiceHttp, allowedRoutes: { namespaces: { from: "All" } } }],
                    },
                },
                { parent: this, dependsOn: [gatewayClass, release] },
            );
        }

        this.setOutputs({
            sizing: plan.sizing,
            releaseName: plan.releaseName,
            namespace: plan.namespace,
            proxyServiceName: plan.proxyServiceName,
            ingressClassName: plan.ingressClassName,
            gatewayName: plan.gatewayName,
            albIngressName: plan.alb?.ingressName,
        });
    }
}
