// The controller's IAM policy: valid IAM shape, the actions upstream grants (no more, no fewer), and
// writes on what the controller creates confined by the elbv2.k8s.aws/cluster tag as upstream does.
import { expect } from "chai";
import { LBC_POLICY_SOURCE, loadBalancerControllerPolicy, PolicyStatement } from "../../../provider/src/rules/lbcPolicy";

const words = (s: string) => s.trim().split(/\s+/);

// Expected data: each statement's Action list, in order, as in kubernetes-sigs/aws-load-balancer-controller
// docs/install/iam_policy.json at tag v3.5.0 (commit 11eb202c97e4). Update together with LBC_POLICY_SOURCE.
const UPSTREAM_V3_5_0_ACTIONS: string[][] = [
    `iam:CreateServiceLinkedRole`,
    `ec2:DescribeAccountAttributes ec2:DescribeAddresses ec2:DescribeAvailabilityZones ec2:DescribeInternetGateways
     ec2:DescribeVpcs ec2:DescribeVpcPeeringConnections ec2:DescribeSubnets ec2:DescribeSecurityGroups ec2:DescribeInstances
     ec2:DescribeNetworkInterfaces ec2:DescribeTags ec2:GetCoipPoolUsage ec2:DescribeCoipPools ec2:GetSecurityGroupsForVpc
     ec2:DescribeIpamPools ec2:DescribeRouteTables elasticloadbalancing:DescribeLoadBalancers
     elasticloadbalancing:DescribeLoadBalancerAttributes elasticloadbalancing:DescribeListeners
     elasticloadbalancing:DescribeListenerCertificates elasticloadbalancing:DescribeSSLPolicies elasticloadbalancing:DescribeRules
     elasticloadbalancing:DescribeTargetGroups elasticloadbalancing:DescribeTargetGroupAttributes
     elasticloadbalancing:DescribeTargetHealth elasticloadbalancing:DescribeTags elasticloadbalancing:DescribeTrustStores
     elasticloadbalancing:DescribeListenerAttributes elasticloadbalancing:DescribeCapacityReservation`,
    `cognito-idp:DescribeUserPoolClient acm:ListCertificates acm:DescribeCertificate iam:ListServerCertificates
     iam:GetServerCertificate waf-regional:GetWebACL waf-regional:GetWebACLForResource waf-regional:AssociateWebACL
     waf-regional:DisassociateWebACL wafv2:GetWebACL wafv2:GetWebACLForResource wafv2:AssociateWebACL wafv2:DisassociateWebACL
     shield:GetSubscriptionState shield:DescribeProtection shield:CreateProtection shield:DeleteProtection`,
    `ec2:AuthorizeSecurityGroupIngress ec2:RevokeSecurityGroupIngress`,
    `ec2:CreateSecurityGroup`,
    `ec2:CreateTags`,
    `ec2:CreateTags ec2:DeleteTags`,
    `ec2:AuthorizeSecurityGroupIngress ec2:RevokeSecurityGroupIngress ec2:DeleteSecurityGroup`,
    `elasticloadbalancing:CreateLoadBalancer elasticloadbalancing:CreateTargetGroup`,
    `elasticloadbalancing:CreateListener elasticloadbalancing:DeleteListener elasticloadbalancing:CreateRule elasticloadbalancing:DeleteRule`,
    `elasticloadbalancing:AddTags elasticloadbalancing:RemoveTags`,
    `elasticloadbalancing:AddTags elasticloadbalancing:RemoveTags`,
    `elasticloadbalancing:ModifyLoadBalancerAttributes elasticloadbalancing:SetIpAddressType elasticloadbalancing:SetSecurityGroups
     elasticloadbalancing:SetSubnets elasticloadbalancing:DeleteLoadBalancer elasticloadbalancing:ModifyTargetGroup
     elasticloadbalancing:ModifyTargetGroupAttributes elasticloadbalancing:DeleteTargetGroup
     elasticloadbalancing:ModifyListenerAttributes elasticloadbalancing:ModifyCapacityReservation elasticloadbalancing:ModifyIpPools`,
    `elasticloadbalancing:AddTags`,
    `elasticloadbalancing:RegisterTargets elasticloadbalancing:DeregisterTargets`,
    `elasticloadbalancing:SetWebAcl elasticloadbalancing:ModifyListener elasticloadbalancing:AddListenerCertificates
     elasticloadbalancing:RemoveListenerCertificates elasticloadbalancing:ModifyRule elasticloadbalancing:SetRulePriorities`,
].map(words);

const REQ = "aws:RequestTag/elbv2.k8s.aws/cluster";
const RES = "aws:ResourceTag/elbv2.k8s.aws/cluster";
const CREATED = { [REQ]: "false" }; // request must carry the cluster tag
const OWNED = { [RES]: "false" }; // target must already carry it
const RETAG = { [REQ]: "true", [RES]: "false" }; // owned, and the request leaves the ownership tag alone
const LB_AND_TG = words(`arn:aws:elasticloadbalancing:*:*:targetgroup/*/* arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*
    arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*`);

const statements = () => loadBalancerControllerPolicy().Statement;
const granting = (action: string) => statements().filter((s) => s.Action.includes(action));
const resources = (s: PolicyStatement) => (typeof s.Resource === "string" ? [s.Resource] : s.Resource);
const isRead = (a: string) => /^[a-z0-9-]+:(Describe|Get|List)/.test(a);

describe("lbcPolicy: AWS Load Balancer Controller IAM policy", () => {
    it("cites the upstream revision the expected data above was taken from", () => {
        expect(LBC_POLICY_SOURCE).to.include("docs/install/iam_policy.json").and.to.match(/@ v3\.5\.0$/);
    });

    it("is a valid IAM document: 2012-10-17, Allow-only, non-empty Action and Resource, survives JSON", () => {
        const p = loadBalancerControllerPolicy();
        expect(p.Version).to.equal("2012-10-17");
        for (const s of p.Statement) {
            expect(s.Effect).to.equal("Allow");
            expect(s.Action).to.be.an("array").that.is.not.empty;
            for (const a of s.Action) expect(a).to.match(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
            expect(resources(s)).to.not.be.empty;
        }
        expect(JSON.parse(JSON.stringify(p))).to.deep.equal(p); // the component serialises it
    });

    it("has upstream's statement count and actions, statement by statement and in order", () => {
        expect(statements().map((s) => s.Action)).to.deep.equal(UPSTREAM_V3_5_0_ACTIONS);
        expect(new Set(statements().flatMap((s) => s.Action))).to.deep.equal(new Set(UPSTREAM_V3_5_0_ACTIONS.flat()));
    });

    it("grants no wildcard actions", () => {
        for (const a of statements().flatMap((s) => s.Action)) expect(a, a).to.not.include("*");
    });

    it("limits iam:CreateServiceLinkedRole to elasticloadbalancing.amazonaws.com, and grants no other IAM write", () => {
        const [s, ...rest] = granting("iam:CreateServiceLinkedRole");
        expect(rest).to.be.empty;
        expect(s.Condition).to.deep.equal({ StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } });
        const iamWrites = statements().flatMap((x) => x.Action).filter((a) => a.startsWith("iam:") && !isRead(a));
        expect(iamWrites).to.deep.equal(["iam:CreateServiceLinkedRole"]);
    });

    it("lets the controller create load balancers and target groups only with the cluster tag on the request", () => {
        for (const a of ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"]) {
            expect(granting(a).map((s) => s.Condition), a).to.deep.equal([{ Null: CREATED }]);
        }
    });

    it("confines modify/delete on security groups, load balancers and target groups to cluster-tagged ones", () => {
        const ownedWrites = words(`ec2:DeleteSecurityGroup elasticloadbalancing:DeleteLoadBalancer elasticloadbalancing:DeleteTargetGroup
            elasticloadbalancing:ModifyLoadBalancerAttributes elasticloadbalancing:ModifyTargetGroup elasticloadbalancing:ModifyTargetGroupAttributes
            elasticloadbalancing:SetIpAddressType elasticloadbalancing:SetSecurityGroups elasticloadbalancing:SetSubnets
            elasticloadbalancing:ModifyListenerAttributes elasticloadbalancing:ModifyCapacityReservation elasticloadbalancing:ModifyIpPools`);
        for (const a of ownedWrites) expect(granting(a).map((s) => s.Condition), a).to.deep.equal([{ Null: OWNED }]);
    });

    it("tags security groups only at creation with the cluster tag, or retags owned ones without touching it", () => {
        for (const s of [...granting("ec2:CreateTags"), ...granting("ec2:DeleteTags")]) {
            expect(s.Resource).to.equal("arn:aws:ec2:*:*:security-group/*");
        }
        expect(granting("ec2:CreateTags").map((s) => s.Condition)).to.deep.equal([
            { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" }, Null: CREATED },
            { Null: RETAG },
        ]);
        expect(granting("ec2:DeleteTags").map((s) => s.Condition)).to.deep.equal([{ Null: RETAG }]);
    });

    it("tags load balancers and target groups only at creation or as owned; untagged tagging reaches listeners and rules only", () => {
        const atCreate = { StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] }, Null: CREATED };
        const onLbOrTg = granting("elasticloadbalancing:AddTags").filter((s) => resources(s).some((r) => LB_AND_TG.includes(r)));
        expect(onLbOrTg.map((s) => [s.Resource, s.Condition])).to.deep.equal([[LB_AND_TG, { Null: RETAG }], [LB_AND_TG, atCreate]]);
        const removeOnLbOrTg = granting("elasticloadbalancing:RemoveTags").filter((s) => resources(s).some((r) => LB_AND_TG.includes(r)));
        expect(removeOnLbOrTg.map((s) => s.Condition)).to.deep.equal([{ Null: RETAG }]);
        const untagged = [...granting("elasticloadbalancing:AddTags"), ...granting("elasticloadbalancing:RemoveTags")].filter((s) => !s.Condition);
        expect(untagged).to.not.be.empty;
        for (const r of untagged.flatMap(resources)) expect(r).to.match(/:listener(-rule)?\/(net|app)\/\*\/\*\/\*$/);
    });

    it("leaves unconditioned only the writes upstream leaves unconditioned", () => {
        // A new write on Resource "*" without a tag condition must be a deliberate, reviewed change.
        const unconditioned = statements().filter((s) => !s.Condition).flatMap((s) => s.Action).filter((a) => !isRead(a));
        expect(new Set(unconditioned)).to.deep.equal(new Set(words(`waf-regional:AssociateWebACL waf-regional:DisassociateWebACL
            wafv2:AssociateWebACL wafv2:DisassociateWebACL shield:CreateProtection shield:DeleteProtection
            ec2:AuthorizeSecurityGroupIngress ec2:RevokeSecurityGroupIngress ec2:CreateSecurityGroup
            elasticloadbalancing:CreateListener elasticloadbalancing:DeleteListener elasticloadbalancing:CreateRule
            elasticloadbalancing:DeleteRule elasticloadbalancing:AddTags elasticloadbalancing:RemoveTags
            elasticloadbalancing:RegisterTargets elasticloadbalancing:DeregisterTargets elasticloadbalancing:SetWebAcl
            elasticloadbalancing:ModifyListener elasticloadbalancing:AddListenerCertificates
            elasticloadbalancing:RemoveListenerCertificates elasticloadbalancing:ModifyRule elasticloadbalancing:SetRulePriorities`)));
    });

    it("returns a fresh document per call, so a caller's edits cannot loosen the next one", () => {
        const first = loadBalancerControllerPolicy();
        (first.Statement[8].Condition!.Null as Record<string, string>)[REQ] = "true";
        (first.Statement[10].Resource as string[]).push("*");
        first.Statement[0].Action.push("iam:*");
        const second = loadBalancerControllerPolicy();
        expect(second.Statement[8].Condition).to.deep.equal({ Null: CREATED });
        expect(second.Statement[10].Resource).to.deep.equal(LB_AND_TG);
        expect(second.Statement[0].Action).to.deep.equal(["iam:CreateServiceLinkedRole"]);
    });
});
