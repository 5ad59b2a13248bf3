// What a KongGateway is given before any resource exists: names, the pinned chart, the ALB Ingress and
// its class, the Gateway for GRPCRoutes, and the rules' values kept apart from the user's.
import { expect } from "chai";
import { INPUT_DEFAULTS, LBC_ALB_INGRESS_CLASS, pinnedCharts } from "../../../provider/src/defaults";
import { KongChart, LoadBalancerType, MeshKind, ScalingMode, type KongGatewayArgs } from "../../../provider/src/generated/schema-types";
import { kongClientAddressEnv } from "../../../provider/src/rules/clientAddress";
import { planKongGateway } from "../../../provider/src/rules/kongGatewayPlan";
import { kongHelmValues, kongProxyServiceName } from "../../../provider/src/rules/kongValues";
import { computeKongSizing } from "../../../provider/src/rules/sizing";
import { CERT } from "../../../scripts/lib/scenarios";

const nlb: KongGatewayArgs = { namespace: "edge-kong", loadBalancer: { type: LoadBalancerType.Nlb } };
const alb: KongGatewayArgs = { namespace: "edge-kong", loadBalancer: { type: LoadBalancerType.Alb, certificateArn: CERT } };

describe("kongGatewayPlan", () => {
    it("names the release after the component, in the given namespace, with the defaults applied", () => {
        const plan = planKongGateway("edge-kong", nlb);
        expect(plan).to.include({ releaseName: "edge-kong", namespace: "edge-kong", ingressClassName: INPUT_DEFAULTS.KongGateway.ingressClassName, waitForReady: true });
        expect(plan.release).to.include({ releaseName: "edge-kong", namespace: "edge-kong", waitForReady: true });
        expect(plan.release.chart).to.deep.equal(pinnedCharts.kongIngress); // chart "ingress" by default
        expect(plan.proxyServiceName).to.equal("edge-kong-gateway-proxy");
        for (const key of ["alb", "gatewayName"] as const) expect(plan[key], key).to.equal(undefined);
        for (const key of ["chartSource", "userValues"] as const) expect(plan.release[key], key).to.equal(undefined);
    });

    it("chart picks the pinned chart and the Service name the chart renders", () => {
        for (const chart of Object.values(KongChart)) {
            const plan = planKongGateway("k", { ...nlb, chart });
            expect(plan.release.chart).to.deep.equal(chart === KongChart.Ingress ? pinnedCharts.kongIngress : pinnedCharts.kong);
            expect(plan.proxyServiceName).to.equal(kongProxyServiceName(chart, "k"));
            expect(Object.keys(plan.release.values).includes("gateway"), chart).to.equal(chart === KongChart.Ingress);
        }
        const source = { oci: "oci://r.example.com/kong/ingress" };
        expect(planKongGateway("k", { ...nlb, chartSource: source }).release.chartSource).to.equal(source);
    });

    it("sizes Kong from the load balancer and scaling inputs, and the values carry that sizing", () => {
        const plan = planKongGateway("k", { ...alb, scalingMode: ScalingMode.Horizontal, horizontal: { minReplicas: 3, maxReplicas: 9 } });
        expect(plan.sizing).to.deep.equal(computeKongSizing({ loadBalancerType: "alb", scalingMode: "horizontal", horizontal: { minReplicas: 3, maxReplicas: 9 } }));
        expect(plan.release.values).to.deep.equal(
            kongHelmValues({
                chart: KongChart.Ingress, sizing: plan.sizing, loadBalancer: alb.loadBalancer, eksAutoMode: false, meshKind: MeshKind.None,
                controllerResources: INPUT_DEFAULTS.KongSettings.controllerResources, ingressClassName: "kong",
            }),
        );
        expect(planKongGateway("k", nlb).sizing.mode).to.equal("vertical"); // auto behind an NLB
    });

    it("passes mesh kind, IngressClass and controller resources to the values", () => {
        const resources = { requests: { cpu: "200m", memory: "128Mi" } };
        const values = planKongGateway("k", { ...nlb, meshKind: MeshKind.Kuma, ingressClassName: "edge", controllerResources: resources }).release.values as any;
        expect(values.controller.ingressController).to.deep.equal({ ingressClass: "edge", resources });
        expect(values.controller.podAnnotations).to.have.property("kuma.io/gateway", "enabled");
    });

    describe("ALB", () => {
        const cases: [string, KongGatewayArgs, { className: string; createClass: boolean }][] = [
            ["the controller's class outside Auto Mode", alb, { className: LBC_ALB_INGRESS_CLASS, createClass: false }],
            ["a class of its own, created by the stack, under Auto Mode", { ...alb, eksAutoMode: true }, { className: "k-alb", createClass: true }],
            ["the user's class under Auto Mode, not created", { ...alb, eksAutoMode: true, loadBalancer: { ...alb.loadBalancer, ingressClassName: "shared-alb" } }, { className: "shared-alb", createClass: false }],
            ["the user's class outside Auto Mode", { ...alb, loadBalancer: { ...alb.loadBalancer, ingressClassName: "internal-alb" } }, { className: "internal-alb", createClass: false }],
        ];
        for (const [title, args, expected] of cases) {
            it(`uses ${title}`, () => expect(planKongGateway("k", args).alb).to.deep.equal({ ingressName: "k-alb", ...expected }));
        }
    });

    it("plans a Gateway named after the release only with gatewayApi", () => {
        expect(planKongGateway("k", { ...nlb, gatewayApi: true }).gatewayName).to.equal("k");
        expect(planKongGateway("k", { ...nlb, gatewayApi: false }).gatewayName).to.equal(undefined);
    });

    it("keeps the user's values apart, untouched, and out of the rules' values", () => {
        const user = { gateway: { env: { nginx_worker_processes: "auto", log_level: "debug" } }, extra: true };
        const snapshot = JSON.stringify(user);
        const plan = planKongGateway("k", { ...nlb, values: user });
        expect(plan.release.userValues).to.equal(user);
        expect(JSON.stringify(user)).to.equal(snapshot);
        expect(plan.release.values).to.deep.equal(planKongGateway("k", nlb).release.values);
        expect((plan.release.values as any).gateway.env).to.deep.equal({
            nginx_worker_processes: "2",
            mem_cache_size: "128m",
            nginx_http_keepalive_requests: "10000",
            nginx_http_keepalive_time: "3600s",
            ...kongClientAddressEnv(nlb.loadBalancer),
        });
    });
});

describe("kongGatewayPlan: protectLoadBalancer", () => {
    it("protects the Kong release behind an NLB and the Ingress behind an ALB by default, nothing when false", () => {
        expect(INPUT_DEFAULTS.KongGateway.protectLoadBalancer).to.equal(true);
        expect(planKongGateway("k", nlb).protect).to.deep.equal({ release: true, albIngress: false });
        expect(planKongGateway("k", alb).protect).to.deep.equal({ release: false, albIngress: true });
        expect(planKongGateway("k", { ...nlb, protectLoadBalancer: false }).protect).to.deep.equal({ release: false, albIngress: false });
        expect(planKongGateway("k", { ...alb, protectLoadBalancer: false }).protect).to.deep.equal({ release: false, albIngress: false });
    });
});
