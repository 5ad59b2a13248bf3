// Who may assume the AWS Load Balancer Controller's role: exactly its service account (IRSA), or
// EKS Pod Identity.
import { INPUT_DEFAULTS, LBC } from "../defaults";
import { ControllerIdentity } from "../generated/schema-types";
import { checkOneOf, Problems } from "./errors";

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

/** The identity inputs, with problems reported relative to `problems`' path (the controller settings). */
export function checkControllerIdentity(
    problems: Problems,
    identity: ControllerIdentity | undefined,
    oidcProviderArn: unknown,
): void {
    const mode = identity ?? INPUT_DEFAULTS.LoadBalancerController.identity;
    if (!checkOneOf(problems, "identity", mode, ControllerIdentity, "identity")) return;
    if (mode === "irsa" && oidcProviderArn === undefined) {
        problems.add("oidcProviderArn", oidcProviderArn, "IRSA needs the cluster's IAM OIDC provider", 'set oidcProviderArn (e.g. from aws.iam.OpenIdConnectProvider or eks.Cluster), or use identity "podIdentity"');
    }
    if (typeof oidcProviderArn === "string" && !OIDC_PROVIDER_ARN.test(oidcProviderArn)) {
        problems.add("oidcProviderArn", oidcProviderArn, "is not an IAM OIDC provider ARN", 'use "arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<id>"');
    }
    if (mode === "podIdentity" && oidcProviderArn !== undefined) {
        problems.add("oidcProviderArn", "(set)", "is only used with IRSA", 'remove it, or use identity "irsa"');
    }
}
