// The keys the policies read exist where the pinned charts define them.
import { expect } from "chai";
import * as yaml from "js-yaml";
import { isKongRelease, kongGatewayValues } from "../../../policy/src/rules/kongRelease";
import { bundledChartMember, chartMember } from "../../support/charts";

describe("policy kongRelease: the gateway's values in either Kong chart", () => {
    const kong341 = yaml.load(chartMember("kong-3.4.1.tgz", "kong/values.yaml")) as any;
    const ingress = yaml.load(chartMember("ingress-0.24.0.tgz", "ingress/values.yaml")) as any;
    const gateway320 = yaml.load(bundledChartMember("ingress-0.24.0.tgz", "ingress/charts/kong-3.2.0.tgz", "kong/values.yaml")) as any;

    it("the charts define env, resources, autoscaling.enabled and proxy.annotations where they are read", () => {
        for (const values of [kong341, gateway320]) {
            expect(values).to.include.keys("env", "resources", "autoscaling", "proxy");
            expect(values.autoscaling).to.have.property("enabled");
            expect(values.proxy).to.have.property("annotations");
        }
        expect(ingress).to.include.keys("controller", "gateway");
    });
    it("kong/ingress values nest the gateway under gateway:, kong/kong values are the gateway", () => {
        const gateway = { env: { nginx_worker_processes: "2" }, resources: { limits: { cpu: "2" } }, autoscaling: { enabled: true }, proxy: { annotations: { a: "b" }, loadBalancerClass: "c" } };
        const expected = { env: gateway.env, resources: gateway.resources, autoscalingEnabled: true, proxyAnnotations: { a: "b" }, proxyLoadBalancerClass: "c" };
        expect(kongGatewayValues({ controller: {}, gateway })).to.deep.equal(expected);
        expect(kongGatewayValues(gateway)).to.deep.equal(expected);
        expect(kongGatewayValues(undefined)).to.deep.equal({ env: {}, resources: {}, autoscalingEnabled: false, proxyAnnotations: {}, proxyLoadBalancerClass: undefined });
    });
    it("recognises Kong releases by chart name or archive path", () => {
        const release = "kubernetes:helm.sh/v3:Release";
        expect(isKongRelease(release, { chart: "ingress" })).to.equal(true);
        expect(isKongRelease(release, { chart: "/charts/kong-3.4.1.tgz" })).to.equal(true);
        expect(isKongRelease(release, { chart: "kuma" })).to.equal(false);
        expect(isKongRelease("kubernetes:core/v1:Service", { chart: "ingress" })).to.equal(false);
    });
});
