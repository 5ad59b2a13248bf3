import * as cloud from "../cloud";
import * as pulumi from "@pulumi/pulumi";
import { LBC, pinnedCharts } from "../defaults";
import { LoadBalancerControllerArgs, LoadBalancerControllerOutputs, LoadBalancerControllerToken } from "../generated/schema-types";
import { resolveChart } from "../rules/chartSource";
import { irsaTrustPolicy, podIdentityTrustPolicy } from "../rules/lbcIdentity";
import { loadBalancerControllerPolicy } from "../rules/lbcPolicy";
import { childName } from "../rules/names";
import { validateLoadBalancerControllerArgs } from "../rules/validate";
import { exposeOutputs } from "./outputs";

/** The AWS Load Balancer Controller: its IAM role and policy, and its Helm release in kube-system. */
export class LoadBalancerController extends pulumi.ComponentResource {
    declare readonly roleArn: pulumi.Output<string>;
    declare readonly policyArn: pulumi.Output<string>;
    declare readonly releaseName: pulumi.Output<string>;
    declare readonly serviceAccountName: pulumi.Output<string>;
    /** The controller's release, for dependsOn: Services of type LoadBalancer need its webhook up. */
    readonly release: cloud.Release;

    constructor(name: string, args: LoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        validateLoadBalancerControllerArgs(name, args).throwIfAny(`LoadBalancerController "${name}"`);
        super(LoadBalancerControllerToken, name, {}, opts);
        const child = { parent: this };
        const irsa = (args.identity ?? "irsa") === "irsa";

        const role = new cloud.IamRole(
            name,
            {
                description: "AWS Load Balancer Controller (meshedge)",
                assumeRolePolicy: irsa
                    ? pulumi.output(args.oidcProviderArn!).apply((arn) => JSON.stringify(irsaTrustPolicy(arn)))
                    : JSON.stringify(podIdentityTrustPolicy()),
            },
            child,
        );
        const policyArn =
            args.policyArn !== undefined
                ? pulumi.output(args.policyArn)
                : new cloud.IamPolicy(
                      name,
                      { description: "Permissions the AWS Load Balancer Controller documents", policy: JSON.stringify(loadBalancerControllerPolicy()) },
                      child,
                  ).arn;
        const attachment = new cloud.RolePolicyAttachment(name, { role: role.name, policyArn }, child);
        const identityResources: pulumi.Resource[] = [attachment];
        if (!irsa) {
            identityResources.push(
                new cloud.PodIdentityAssociation(
                    name,
                    { clusterName: args.clusterName, namespace: LBC.namespace, serviceAccount: LBC.serviceAccount, roleArn: role.arn },
                    child,
                ),
            );
        }

        const chart = resolveChart(pinnedCharts.awsLoadBalancerController, args.chartSource);
        const releaseName = childName(name, "release").slice(0, 53);
        this.release = new cloud.Release(
            name,
            {
                name: releaseName,
                namespace: LBC.namespace,
                chart: chart.chart,
                version: chart.version,
                repositoryOpts: chart.repositoryOpts,
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
            },
            { parent: this, dependsOn: identityResources },
        );

        const outputs = { roleArn: role.arn, policyArn, releaseName, serviceAccountName: LBC.serviceAccount };
        exposeOutputs(this, outputs);
        this.registerOutputs(outputs);
    }
}

export type { LoadBalancerControllerOutputs };
