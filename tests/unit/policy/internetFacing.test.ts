import { expect } from "chai";
import { internetFacingAnnotation } from "../../../policy/src/rules/internetFacing";
import { kongGatewayValues } from "../../../policy/src/rules/kongRelease";
import { albIngressAnnotations, nlbServiceAnnotations } from "../../../provider/src/rules/loadBalancer";

describe("policy internetFacing", () => {
    it("finds the scheme meshedge's own NLB annotations set", () => {
        for (const scheme of ["internet-facing", "internal"] as const) {
            const gateway = kongGatewayValues({ proxy: { annotations: nlbServiceAnnotations({ type: "nlb", scheme }, false) } });
            expect(internetFacingAnnotation("kubernetes:helm.sh/v3:Release", {}, gateway) !== undefined, scheme).to.equal(scheme === "internet-facing");
        }
    });
    it("finds the scheme meshedge's own ALB Ingress annotations set", () => {
        for (const scheme of ["internet-facing", "internal"] as const) {
            const props = { metadata: { annotations: albIngressAnnotations({ type: "alb", scheme }) } };
            expect(internetFacingAnnotation("kubernetes:networking.k8s.io/v1:Ingress", props) !== undefined, scheme).to.equal(scheme === "internet-facing");
        }
    });
    it("an annotated Service counts, other kinds do not", () => {
        const props = { metadata: { annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing" } } };
        expect(internetFacingAnnotation("kubernetes:core/v1:Service", props)).to.equal("annotation service.beta.kubernetes.io/aws-load-balancer-scheme");
        expect(internetFacingAnnotation("kubernetes:core/v1:ConfigMap", props)).to.equal(undefined);
    });
});
