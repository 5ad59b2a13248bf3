import * as pulumi from "@pulumi/pulumi";
import { helmRelease } from "../builders/helmRelease";
import * as cloud from "../cloud";
import { INPUT_DEFAULTS, LBC, pinnedCharts, withDefaults } from "../defaults";
import { LoadBalancerControllerArgs, LoadBalancerControllerBase } from "../generated/schema-types";
import { irsaTrustPolicy, podIdentityTrustPolicy } from "../rules/lbcIdentity";
import { loadBalancerControllerPolicy } from "../rules/lbcPolicy";
import { childName, helmReleaseName } from "../rules/names";
import { checkLoadBalancerControllerArgs } from "../rules/validate";
import { validateOnce } from "./validation";

/** Who may assume the controller's role: IRSA trusts the cluster's OIDC provider, Pod Identity the EKS service. */
function trustPolicy(oidcProviderArn: pulumi.Input<string> | undefined): pulumi.Input<string> {
    return oidcProviderArn === undefined ? JSON.stringify(podIdentityTrustPolicy()) : pulumi.output(oidcProviderArn).apply((arn) => JSON.stringify(irsaTrustPolicy(arn)));
}

/** The AWS Load Balancer Controller: its IAM role and policy, and its Helm release in kube-system. */
export class LoadBalancerController extends LoadBalancerControllerBase {
    /** The controller's release, for dependsOn: Services of type LoadBalancer need its webhook up. */
    readonly release: cloud.Release;

    constructor(name: string, given: LoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        validateOnce(`LoadBalancerController "${name}"`, given, (problems) => checkLoadBalancerControllerArgs(problems, name, given));
        super(name, opts);
        const args = withDefaults(given, INPUT_DEFAULTS.LoadBalancerController);
        const child = { parent: this };
        // Validation: IRSA has an OIDC provider ARN, Pod Identity has none.
        const irsa = args.identity === "irsa";

        const role = new cloud.IamRole(name, { description: "AWS Load Balancer Controller (meshedge)", assumeRolePolicy: trustPolicy(args.oidcProviderArn) }, child);
        const policyArn =
            args.policyArn !== undefined
                ? pulumi.output(args.policyArn)
                : new cloud.IamPolicy(name, { description: "Permissions the AWS Load Balancer Controller documents", policy: JSON.stringify(loadBalancerControllerPolicy()) }, child).arn;
        const attachment = new cloud.RolePolicyAttachment(name, { role: role.name, policyArn }, child);
        const identityResources: pulumi.Resource[] = [attachment];
        if (!irsa) {
            identityResources.push(
                new cloud.PodIdentityAssociation(name, { clusterName: args.clusterName, namespace: LBC.namespace, serviceAccount: LBC.serviceAccount, roleArn: role.arn }, child),
            );
        }

        const releaseName = helmReleaseName(childName(name, "release"));
        this.release = helmRelease(
            name,
            {
                releaseName,
                namespace: LBC.namespace,
                chart: pinnedCharts.awsLoadBalancerController,
                chartSource: args.chartSource,
                values: {
                    clusterName: args.clusterName,
                    ...(args.region !== undefined ? { region: args.region } : {}),
                    ...(args.vpcId !== undefined ? { vpcId: args.vpcId } : {}),
                    // ip targets reach pods directly (VPC CNI), as the NLB and ALB rules expect.
                    defaultTargetType: "ip",
                    serviceAccount: {
                        create: true,
                        name: LBC.serviceAccount,
                        ...(irsa ? { annotations: { "eks.amazonaws.com/role-arn": role.arn } } : {}),
                    },
                },
                waitForReady: true,
            },
            { parent: this, dependsOn: identityResources },
        );

        this.setOutputs({ roleArn: role.arn, policyArn, releaseName, serviceAccountName: LBC.serviceAccount });
    }
}
