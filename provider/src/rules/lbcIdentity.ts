// Who may assume the AWS Load Balancer Controller's role: exactly its service account (IRSA), or
// EKS Pod Identity.
import { LBC } from "../defaults";
import type { ControllerIdentity } from "../generated/schema-types";
import { Problems } from "./errors";

const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/(.+)$/;

/** `oidc.eks.<region>.amazonaws.com/id/<id>`: the issuer without https://, which prefixes the condition keys. */
export function oidcIssuerHostPath(oidcProviderArn: string): string {
    const m = OIDC_PROVIDER_ARN.exec(oidcProviderArn);
    if (!m) throw new Error(`not an IAM OIDC provider ARN: ${oidcProviderArn}`);
    return m[1];
}

export function irsaTrustPolicy(oidcProviderArn: string) {
    const issuer = oidcIssuerHostPath(oidcProviderArn);
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: oidcProviderArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${issuer}:sub`]: `system:serviceaccount:${LBC.namespace}:${LBC.serviceAccount}`,
                        [`${issuer}:aud`]: "sts.amazonaws.com",
                    },
                },
            },
        ],
    };
}

export function podIdentityTrustPolicy() {
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
    };
}

export function checkControllerIdentity(
    problems: Problems,
    field: string,
    identity: ControllerIdentity | undefined,
    oidcProviderArn: unknown,
): void {
    const mode = identity ?? "irsa";
    if (mode !== "irsa" && mode !== "podIdentity") {
        problems.add(`${field}.identity`, identity, "unknown identity", 'use "irsa" or "podIdentity"');
        return;
    }
    if (mode === "irsa" && oidcProviderArn === undefined) {
        problems.add(`${field}.oidcProviderArn`, oidcProviderArn, "IRSA needs the cluster's IAM OIDC provider", 'set oidcProviderArn (e.g. from aws.iam.OpenIdConnectProvider or eks.Cluster), or use identity "podIdentity"');
    }
    if (typeof oidcProviderArn === "string" && !OIDC_PROVIDER_ARN.test(oidcProviderArn)) {
        problems.add(`${field}.oidcProviderArn`, oidcProviderArn, "is not an IAM OIDC provider ARN", 'use "arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<id>"');
    }
    if (mode === "podIdentity" && oidcProviderArn !== undefined) {
        problems.add(`${field}.oidcProviderArn`, "(set)", "is only used with IRSA", 'remove it, or use identity "irsa"');
    }
}
