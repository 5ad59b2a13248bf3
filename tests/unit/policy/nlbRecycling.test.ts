import { expect } from "chai";
import { L4_HORIZONTAL_RECYCLING } from "../../../provider/src/defaults";
import { kongGatewayValues } from "../../../policy/src/rules/kongRelease";
import { frontedByNlb, NLB_RECYCLING_DEFAULTS, nlbRecyclingViolations } from "../../../policy/src/rules/nlbRecycling";
import { kongSizingEnv } from "../../../provider/src/rules/kongValues";
import { computeKongSizing } from "../../../provider/src/rules/sizing";

const nlb = { "service.beta.kubernetes.io/aws-load-balancer-type": "external" };
const gateway = (env: Record<string, unknown>, autoscaling = true, annotations: Record<string, unknown> = nlb) =>
    kongGatewayValues({ env, autoscaling: { enabled: autoscaling }, proxy: { annotations } });

describe("policy nlbRecycling", () => {
    it("defaults to meshedge's own recycling for horizontal Kong behind an NLB", () => {
        expect(NLB_RECYCLING_DEFAULTS).to.deep.equal(L4_HORIZONTAL_RECYCLING);
    });
    it("what meshedge emits for horizontal behind an NLB (acceptL4Imbalance) passes", () => {
        const sizing = computeKongSizing({ loadBalancerType: "nlb", scalingMode: "horizontal", acceptL4Imbalance: true });
        expect(nlbRecyclingViolations(gateway(kongSizingEnv(sizing)), NLB_RECYCLING_DEFAULTS)).to.deep.equal([]);
    });
    it("Kong's own keepalive limits behind an NLB with an HPA are a violation, naming the input to change", () => {
        const found = nlbRecyclingViolations(gateway({ nginx_http_keepalive_requests: "10000", nginx_http_keepalive_time: "3600s" }), NLB_RECYCLING_DEFAULTS);
        expect(found).to.have.length(2);
        expect(found[0]).to.match(/connectionRecycling.maxRequests to 1000 or fewer/);
        expect(found[1]).to.match(/connectionRecycling.maxAgeSeconds to 300 or fewer/);
        expect(nlbRecyclingViolations(gateway({}), NLB_RECYCLING_DEFAULTS)).to.have.length(2);
    });
    it("does not apply without an HPA or without an NLB", () => {
        expect(nlbRecyclingViolations(gateway({}, false), NLB_RECYCLING_DEFAULTS)).to.deep.equal([]);
        expect(nlbRecyclingViolations(gateway({}, true, {}), NLB_RECYCLING_DEFAULTS)).to.deep.equal([]);
    });
    it("recognises the controller's NLB types and EKS Auto Mode's class", () => {
        expect(frontedByNlb(gateway({}, true, { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb-ip" }))).to.equal(true);
        expect(frontedByNlb(kongGatewayValues({ proxy: { loadBalancerClass: "eks.amazonaws.com/nlb" } }))).to.equal(true);
        expect(frontedByNlb(gateway({}, true, { "service.beta.kubernetes.io/aws-load-balancer-type": "clb" }))).to.equal(false);
    });
});
