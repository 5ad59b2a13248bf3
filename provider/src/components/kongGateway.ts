import * as pulumi from "@pulumi/pulumi";
import { dependsOnList } from "../builders/dependsOn";
import { helmRelease } from "../builders/helmRelease";
import { kumaSidecarPatch } from "../builders/meshControlPlane";
import { skipAwaitAnnotations } from "../builders/skipAwait";
import * as cloud from "../cloud";
import { KONG_PORTS } from "../defaults";
import { KongGatewayArgs, KongGatewayBase, LoadBalancerArgs } from "../generated/schema-types";
import { KongGatewayPlan, planKongGateway } from "../rules/kongGatewayPlan";
import { albIngressAnnotations, AUTO_MODE_ALB_CONTROLLER } from "../rules/loadBalancer";
import { childName } from "../rules/names";
import { checkKongGatewayArgs } from "../rules/validate";
import { validateOnce } from "./validation";

/** Kong's GatewayClass controller for the (unmanaged) Gateways it serves. */
const KONG_GATEWAY_CONTROLLER = "konghq.com/kic-gateway-controller";

type Alb = NonNullable<KongGatewayPlan["alb"]>;

/** The ALB: an Ingress (and under Auto Mode its IngressClass) in front of Kong's proxy Service, with the gRPC target-group annotations. */
function albIngressFor(plan: KongGatewayPlan, alb: Alb, loadBalancer: LoadBalancerArgs, opts: pulumi.CustomResourceOptions): void {
    if (alb.createClass) {
        new cloud.IngressClass(alb.ingressName, { metadata: { name: alb.className }, spec: { controller: AUTO_MODE_ALB_CONTROLLER } }, { parent: opts.parent });
    }
    new cloud.Ingress(
        alb.ingressName,
        {
            metadata: {
                name: alb.ingressName,
                namespace: plan.namespace,
                annotations: { ...(loadBalancer.annotations ?? {}), ...albIngressAnnotations(loadBalancer), ...skipAwaitAnnotations(plan.waitForReady) },
            },
            spec: {
                ingressClassName: alb.className,
                defaultBackend: { service: { name: plan.proxyServiceName, port: { number: KONG_PORTS.proxyServiceTls } } },
            },
        },
        { ...opts, protect: plan.protect.albIngress },
    );
}

/** For GRPCRoutes: an unmanaged GatewayClass of Kong's controller and a Gateway with one HTTP listener on the proxy. */
function gatewayFor(name: string, plan: KongGatewayPlan, gatewayName: string, release: pulumi.Resource, parent: pulumi.Resource): void {
    const gatewayClass = new cloud.CustomResource(
        childName(name, "gatewayclass"),
        {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "GatewayClass",
            metadata: { name: plan.releaseName, annotations: { "konghq.com/gatewayclass-unmanaged": "true" } },
            spec: { controllerName: KONG_GATEWAY_CONTROLLER },
        },
        { parent },
    );
    new cloud.CustomResource(
        childName(name, "gateway"),
        {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "Gateway",
            metadata: { name: gatewayName, namespace: plan.namespace, annotations: skipAwaitAnnotations(plan.waitForReady) },
            spec: {
                gatewayClassName: plan.releaseName,
                listeners: [{ name: "grpc", protocol: "HTTP", port: KONG_PORTS.proxyServiceHttp, allowedRoutes: { namespaces: { from: "All" } } }],
            },
        },
        { parent, dependsOn: [gatewayClass, release] },
    );
}

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

        // Kuma's injector fails a pod whose named ContainerPatch is missing, so the patch exists before the release's pods.
        const sidecarPatch = plan.kumaSidecarPatch ? [kumaSidecarPatch(childName(name, "sidecar"), plan.kumaSidecarPatch, { parent: this, dependsOn: opts?.dependsOn })] : [];
        const release = helmRelease(name, plan.release, { parent: this, dependsOn: [...dependsOnList(opts?.dependsOn), ...sidecarPatch], protect: plan.protect.release });

        if (plan.alb) albIngressFor(plan, plan.alb, args.loadBalancer, { parent: this, dependsOn: [release] });
        if (plan.gatewayName) gatewayFor(name, plan, plan.gatewayName, release, this);

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
