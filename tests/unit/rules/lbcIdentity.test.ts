// Who may assume the controller's role (IRSA, Pod Identity), how the OIDC provider ARN is parsed, and
// which identity inputs are rejected with which field, value and fix.
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { LBC } from "../../../provider/src/defaults";
import type { ControllerIdentity } from "../../../provider/src/generated/schema-types";
import { InputProblem, Problems } from "../../../provider/src/rules/errors";
import {
    checkControllerIdentity,
    irsaTrustPolicy,
    oidcIssuerHostPath,
    podIdentityTrustPolicy,
} from "../../../provider/src/rules/lbcIdentity";

// One valid ARN per partition: the issuer host differs in China (.com.cn), so it must come from the ARN.
const ISSUERS = {
    aws: "oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789",
    "aws-cn": "oidc.eks.cn-north-1.amazonaws.com.cn/id/0123ABCD",
    "aws-us-gov": "oidc.eks.us-gov-west-1.amazonaws.com/id/FEDCBA98",
};
const arnOf = (partition: string, issuer: string) => `arn:${partition}:iam::123456789012:oidc-provider/${issuer}`;
const OIDC = arnOf("aws", ISSUERS.aws);

// Not IAM OIDC provider ARNs; each is a mistake a user could plausibly paste.
const MALFORMED = [
    ISSUERS.aws, // issuer without the ARN around it
    `https://${ISSUERS.aws}`, // issuer URL from `aws eks describe-cluster`
    `arn:aws:iam::12345678901:oidc-provider/${ISSUERS.aws}`, // 11-digit account
    `arn:aws:iam::123456789012:role/${ISSUERS.aws}`, // a role, not a provider
    "arn:aws:iam::123456789012:oidc-provider/", // no issuer
    "",
];

describe("lbcIdentity: OIDC provider ARN", () => {
    for (const [partition, issuer] of Object.entries(ISSUERS)) {
        it(`takes the issuer host path from an ${partition} ARN`, () => {
            expect(oidcIssuerHostPath(arnOf(partition, issuer))).to.equal(issuer);
        });
    }

    it("throws, naming the input, for anything else", () => {
        for (const bad of MALFORMED) expect(() => oidcIssuerHostPath(bad), bad).to.throw(`not an IAM OIDC provider ARN: ${bad}`);
    });
});

describe("lbcIdentity: trust policies", () => {
    for (const [partition, issuer] of Object.entries(ISSUERS)) {
        it(`IRSA (${partition}): only the controller's service account, via this provider, for STS`, () => {
            const arn = arnOf(partition, issuer);
            expect(irsaTrustPolicy(arn)).to.deep.equal({
                Version: "2012-10-17",
                Statement: [{
                    Effect: "Allow",
                    Principal: { Federated: arn },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: {
                            [`${issuer}:sub`]: "system:serviceaccount:kube-system:aws-load-balancer-controller",
                            [`${issuer}:aud`]: "sts.amazonaws.com",
                        },
                    },
                }],
            });
        });
    }

    it("IRSA trusts the same service account the chart and the Pod Identity association use", () => {
        const sub = irsaTrustPolicy(OIDC).Statement[0].Condition.StringEquals[`${ISSUERS.aws}:sub`];
        expect(sub).to.equal(`system:serviceaccount:${LBC.namespace}:${LBC.serviceAccount}`);
    });

    it("IRSA refuses to build a policy from a malformed ARN", () => {
        expect(() => irsaTrustPolicy(ISSUERS.aws)).to.throw("not an IAM OIDC provider ARN");
    });

    it("Pod Identity: the EKS Pod Identity service principal, with AssumeRole and TagSession", () => {
        expect(podIdentityTrustPolicy()).to.deep.equal({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
        });
    });
});

type Expected = Pick<InputProblem, "field" | "value"> & { problem: string; fix: string[] };
const F = "loadBalancerController";
const check = (identity: unknown, arn: unknown) => {
    const problems = new Problems();
    checkControllerIdentity(problems.at(F), identity as ControllerIdentity | undefined, arn);
    return problems.list;
};

describe("lbcIdentity: input checks", () => {
    const accepted: [string, unknown, unknown][] = [
        ["IRSA by default with a provider ARN", undefined, OIDC],
        ["IRSA with an aws-cn provider ARN", "irsa", arnOf("aws-cn", ISSUERS["aws-cn"])],
        ["IRSA with an aws-us-gov provider ARN", "irsa", arnOf("aws-us-gov", ISSUERS["aws-us-gov"])],
        ["IRSA with an ARN not known until deployment", "irsa", pulumi.output(OIDC)], // cannot be checked yet
        ["Pod Identity without an ARN", "podIdentity", undefined],
    ];
    for (const [title, identity, arn] of accepted) it(`accepts ${title}`, () => expect(check(identity, arn)).to.deep.equal([]));

    const rejected: [string, unknown, unknown, Expected[]][] = [
        ["IRSA (the default) without a provider ARN", undefined, undefined, [
            { field: `${F}.oidcProviderArn`, value: undefined, problem: "IRSA needs the cluster's IAM OIDC provider", fix: ["set oidcProviderArn", 'identity "podIdentity"'] },
        ]],
        ["IRSA with an issuer instead of an ARN", "irsa", ISSUERS.aws, [
            { field: `${F}.oidcProviderArn`, value: ISSUERS.aws, problem: "is not an IAM OIDC provider ARN", fix: ["arn:aws:iam::<account>:oidc-provider/"] },
        ]],
        ["Pod Identity with a provider ARN, without echoing it", "podIdentity", OIDC, [
            { field: `${F}.oidcProviderArn`, value: "(set)", problem: "is only used with IRSA", fix: ["remove it", 'identity "irsa"'] },
        ]],
        ["Pod Identity with a malformed ARN: both problems at once", "podIdentity", "", [
            { field: `${F}.oidcProviderArn`, value: "", problem: "is not an IAM OIDC provider ARN", fix: ["oidc-provider/"] },
            { field: `${F}.oidcProviderArn`, value: "(set)", problem: "is only used with IRSA", fix: ["remove it"] },
        ]],
        // Until the mode is known the ARN cannot be judged, so only the mode is reported.
        ["an unknown identity mode, and only that", "kiam", "", [
            { field: `${F}.identity`, value: "kiam", problem: "unknown identity", fix: ['"irsa"', '"podIdentity"'] },
        ]],
    ];
    for (const [title, identity, arn, expected] of rejected) {
        it(`rejects ${title}`, () => {
            const found = check(identity, arn);
            expect(found.map((p) => [p.field, p.value, p.problem])).to.deep.equal(expected.map((e) => [e.field, e.value, e.problem]));
            found.forEach((p, i) => expected[i].fix.forEach((f) => expect(p.fix).to.include(f)));
        });
    }

    it("agrees with the parser on which strings are provider ARNs", () => {
        for (const bad of MALFORMED) expect(check("irsa", bad).map((p) => p.problem), bad).to.deep.equal(["is not an IAM OIDC provider ARN"]);
    });

    it("adds to the problems already collected instead of replacing them", () => {
        const problems = new Problems();
        problems.add("clusterName", undefined, "is required", "set clusterName");
        checkControllerIdentity(problems.at(F), undefined, undefined);
        expect(problems.list.map((p) => p.field)).to.deep.equal(["clusterName", `${F}.oidcProviderArn`]);
    });
});
