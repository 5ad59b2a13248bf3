import { expect } from "chai";
import { ancestorTypes, isMeshedgeOwned, isUnder, matchesAny } from "../../../policy/src/rules/ownership";

const urn = (qualifiedType: string, name = "x") => `urn:pulumi:dev::proj::${qualifiedType}::${name}`;

describe("policy ownership: only meshedge's resources are judged", () => {
    it("reads the ancestor types from the URN", () => {
        expect(ancestorTypes(urn("pulumi:pulumi:Stack$meshedge:index:EdgeStack$meshedge:index:GrpcService$kubernetes:apps/v1:Deployment"))).to.deep.equal([
            "pulumi:pulumi:Stack",
            "meshedge:index:EdgeStack",
            "meshedge:index:GrpcService",
        ]);
    });
    it("a resource under a meshedge component is meshedge's; a top-level one or another package's is not", () => {
        expect(isMeshedgeOwned(urn("pulumi:pulumi:Stack$meshedge:index:KongGateway$kubernetes:helm.sh/v3:Release"))).to.equal(true);
        expect(isMeshedgeOwned(urn("pulumi:pulumi:Stack$kubernetes:apps/v1:Deployment"))).to.equal(false);
        expect(isMeshedgeOwned(urn("pulumi:pulumi:Stack$eks:index:Cluster$kubernetes:apps/v1:Deployment"))).to.equal(false);
        // The component itself is not its own ancestor.
        expect(isMeshedgeOwned(urn("pulumi:pulumi:Stack$meshedge:index:EdgeStack"))).to.equal(false);
    });
    it("isUnder names one component type", () => {
        const deployment = urn("pulumi:pulumi:Stack$meshedge:index:EdgeStack$meshedge:index:GrpcService$kubernetes:apps/v1:Deployment");
        expect(isUnder(deployment, "meshedge:index:GrpcService")).to.equal(true);
        expect(isUnder(urn("pulumi:pulumi:Stack$meshedge:index:EdgeStack$kubernetes:apps/v1:Deployment"), "meshedge:index:GrpcService")).to.equal(false);
    });
    it("allow and waive lists match names with * wildcards and nothing else", () => {
        expect(matchesAny("edge-kong", ["edge-*"])).to.equal(true);
        expect(matchesAny("edge-kong", ["edge-kong"])).to.equal(true);
        expect(matchesAny("edge-kong", ["edge"])).to.equal(false);
        expect(matchesAny("edgeXkong", ["edge.kong"])).to.equal(false);
        expect(matchesAny("edge-kong", undefined)).to.equal(false);
    });
});
