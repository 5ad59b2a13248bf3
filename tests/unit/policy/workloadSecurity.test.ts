import { expect } from "chai";
import { containersOf, podTemplateSpec, workloadSecurityViolations } from "../../../policy/src/rules/workloadSecurity";

const secure = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containers: [
        {
            name: "app",
            image: "app:1",
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
            resources: { requests: { cpu: "100m", memory: "128Mi" } },
        },
    ],
};

describe("policy workloadSecurity", () => {
    it("a pod with every secure default passes", () => {
        expect(workloadSecurityViolations(secure)).to.deep.equal([]);
    });
    it("each missing default is one message naming its field", () => {
        const found = workloadSecurityViolations({ containers: [{ name: "app", image: "app:1" }] });
        expect(found).to.deep.equal([
            "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation must be false",
            'spec.template.spec.containers[0].securityContext.capabilities.drop must include "ALL"',
            "spec.template.spec.containers[0].securityContext.runAsNonRoot (or the pod's) must be true",
            "spec.template.spec.containers[0].securityContext.seccompProfile.type (or the pod's) must be RuntimeDefault or Localhost",
            "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem must be true",
            "spec.template.spec.containers[0].resources.requests must set cpu and memory",
        ]);
    });
    it("added capabilities are a violation even with ALL dropped", () => {
        const pod = { ...secure, containers: [{ ...secure.containers[0], securityContext: { ...secure.containers[0].securityContext, capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] } } }] };
        expect(workloadSecurityViolations(pod)).to.deep.equal(['spec.template.spec.containers[0].securityContext.capabilities.add must be empty (has ["NET_ADMIN"])']);
    });
    it("init containers are judged too, and the template is found in a Deployment", () => {
        const deployment = { spec: { template: { spec: { ...secure, initContainers: [secure.containers[0]] } } } };
        const pod = podTemplateSpec(deployment)!;
        expect(containersOf(pod).map((c) => c.path)).to.deep.equal(["spec.template.spec.initContainers[0]", "spec.template.spec.containers[0]"]);
        expect(workloadSecurityViolations(pod)).to.deep.equal([]);
    });
});
