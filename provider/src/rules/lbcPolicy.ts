// The AWS Load Balancer Controller's IAM policy, restated as code from upstream's
// docs/install/iam_policy.json. One statement per upstream statement, in upstream order, so a new
// release can be compared statement by statement.

/** The upstream policy revision this matches, for the README. */
export const LBC_POLICY_SOURCE = "kubernetes-sigs/aws-load-balancer-controller docs/install/iam_policy.json @ v3.5.0";

export interface PolicyStatement {
    Effect: "Allow" | "Deny";
    Action: string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
    Sid?: string;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

// The controller tags everything it creates with this key; the conditions below use it to confine
// writes to its own resources.
const REQUEST_CLUSTER_TAG = "aws:RequestTag/elbv2.k8s.aws/cluster";
const RESOURCE_CLUSTER_TAG = "aws:ResourceTag/elbv2.k8s.aws/cluster";

// IAM's `Null` operator: "false" means the key is present, "true" that it is absent.
const PRESENT = "false";
const ABSENT = "true";

const SECURITY_GROUPS = "arn:aws:ec2:*:*:security-group/*";
const TARGET_GROUPS = "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*";
const LOAD_BALANCERS_AND_TARGET_GROUPS: readonly string[] = [
    TARGET_GROUPS,
    "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*",
    "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*",
];
const LISTENERS_AND_RULES: readonly string[] = [
    "arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*",
    "arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*",
    "arn:aws:elasticloadbalancing:*:*:listener-rule/net/*/*/*",
    "arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*",
];

/** IAM policy document (JSON-serialisable) granting the AWS Load Balancer Controller what its docs list. */
export function loadBalancerControllerPolicy(): PolicyDocument {
    // Built per call so callers may mutate their copy without affecting later ones.
    const createdByController = () => ({ Null: { [REQUEST_CLUSTER_TAG]: PRESENT } });
    const ownedByController = () => ({ Null: { [RESOURCE_CLUSTER_TAG]: PRESENT } });
    // Retagging an owned resource, as long as the request leaves the ownership tag itself alone.
    const retagOwned = () => ({ Null: { [REQUEST_CLUSTER_TAG]: ABSENT, [RESOURCE_CLUSTER_TAG]: PRESENT } });

    return {
        Version: "2012-10-17",
        Statement: [
            // Service-linked role: ELB creates it with the first load balancer in an account.
            {
                Effect: "Allow",
                Action: ["iam:CreateServiceLinkedRole"],
                Resource: "*",
                Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
            },
            // Discovery (read-only): subnets, security groups, ENIs and targets for reconciliation, and
            // the current state of ELB resources to diff against.
            {
                Effect: "Allow",
                Action: [
                    "ec2:DescribeAccountAttributes",
                    "ec2:DescribeAddresses",
                    "ec2:DescribeAvailabilityZones",
                    "ec2:DescribeInternetGateways",
                    "ec2:DescribeVpcs",
                    "ec2:DescribeVpcPeeringConnections",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeInstances",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeTags",
                    "ec2:GetCoipPoolUsage",
                    "ec2:DescribeCoipPools",
                    "ec2:GetSecurityGroupsForVpc",
                    "ec2:DescribeIpamPools",
                    "ec2:DescribeRouteTables",
                    "elasticloadbalancing:DescribeLoadBalancers",
                    "elasticloadbalancing:DescribeLoadBalancerAttributes",
                    "elasticloadbalancing:DescribeListeners",
                    "elasticloadbalancing:DescribeListenerCertificates",
                    "elasticloadbalancing:DescribeSSLPolicies",
                    "elasticloadbalancing:DescribeRules",
                    "elasticloadbalancing:DescribeTargetGroups",
                    "elasticloadbalancing:DescribeTargetGroupAttributes",
                    "elasticloadbalancing:DescribeTargetHealth",
                    "elasticloadbalancing:DescribeTags",
                    "elasticloadbalancing:DescribeTrustStores",
                    "elasticloadbalancing:DescribeListenerAttributes",
                    "elasticloadbalancing:DescribeCapacityReservation",
                ],
                Resource: "*",
            },
            // Ingress annotations name Cognito clients, certificates (ACM/IAM), WAF web ACLs and Shield
            // protection; the controller resolves them and attaches WAF/Shield to its load balancers.
            {
                Effect: "Allow",
                Action: [
                    "cognito-idp:DescribeUserPoolClient",
                    "acm:ListCertificates",
                    "acm:DescribeCertificate",
                    "iam:ListServerCertificates",
                    "iam:GetServerCertificate",
                    "waf-regional:GetWebACL",
                    "waf-regional:GetWebACLForResource",
                    "waf-regional:AssociateWebACL",
                    "waf-regional:DisassociateWebACL",
                    "wafv2:GetWebACL",
                    "wafv2:GetWebACLForResource",
                    "wafv2:AssociateWebACL",
                    "wafv2:DisassociateWebACL",
                    "shield:GetSubscriptionState",
                    "shield:DescribeProtection",
                    "shield:CreateProtection",
                    "shield:DeleteProtection",
                ],
                Resource: "*",
            },
            // Node/ENI security groups it does not own still need rules letting load balancer traffic in.
            {
                Effect: "Allow",
                Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
                Resource: "*",
            },
            // Security groups it creates for its load balancers.
            {
                Effect: "Allow",
                Action: ["ec2:CreateSecurityGroup"],
                Resource: "*",
            },
            // Tagging a security group at creation, only if it carries the cluster tag.
            {
                Effect: "Allow",
                Action: ["ec2:CreateTags"],
                Resource: SECURITY_GROUPS,
                Condition: {
                    StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" },
                    ...createdByController(),
                },
            },
            // Retagging its own security groups.
            {
                Effect: "Allow",
                Action: ["ec2:CreateTags", "ec2:DeleteTags"],
                Resource: SECURITY_GROUPS,
                Condition: retagOwned(),
            },
            // Changing rules on, and deleting, its own security groups.
            {
                Effect: "Allow",
                Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
                Resource: "*",
                Condition: ownedByController(),
            },
            // Load balancers and target groups it creates, which must carry the cluster tag.
            {
                Effect: "Allow",
                Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
                Resource: "*",
                Condition: createdByController(),
            },
            // Listener/rule management on its load balancers (not tag-scoped upstream).
            {
                Effect: "Allow",
                Action: [
                    "elasticloadbalancing:CreateListener",
                    "elasticloadbalancing:DeleteListener",
                    "elasticloadbalancing:CreateRule",
                    "elasticloadbalancing:DeleteRule",
                ],
                Resource: "*",
            },
            // Retagging its own load balancers and target groups.
            {
                Effect: "Allow",
                Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
                Resource: [...LOAD_BALANCERS_AND_TARGET_GROUPS],
                Condition: retagOwned(),
            },
            // Tagging listeners and rules (not tag-scoped upstream).
            {
                Effect: "Allow",
                Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
                Resource: [...LISTENERS_AND_RULES],
            },
            // Reconciling and deleting its own load balancers and target groups.
            {
                Effect: "Allow",
                Action: [
                    "elasticloadbalancing:ModifyLoadBalancerAttributes",
                    "elasticloadbalancing:SetIpAddressType",
                    "elasticloadbalancing:SetSecurityGroups",
                    "elasticloadbalancing:SetSubnets",
                    "elasticloadbalancing:DeleteLoadBalancer",
                    "elasticloadbalancing:ModifyTargetGroup",
                    "elasticloadbalancing:ModifyTargetGroupAttributes",
                    "elasticloadbalancing:DeleteTargetGroup",
                    "elasticloadbalancing:ModifyListenerAttributes",
                    "elasticloadbalancing:ModifyCapacityReservation",
                    "elasticloadbalancing:ModifyIpPools",
                ],
                Resource: "*",
                Condition: ownedByController(),
            },
            // Tagging a load balancer or target group at creation, only if it carries the cluster tag.
            {
                Effect: "Allow",
                Action: ["elasticloadbalancing:AddTags"],
                Resource: [...LOAD_BALANCERS_AND_TARGET_GROUPS],
                Condition: {
                    StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] },
                    ...createdByController(),
                },
            },
            // Registering pods/instances as targets (also TargetGroupBindings on groups it did not create).
            {
                Effect: "Allow",
                Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
                Resource: TARGET_GROUPS,
            },
            // Listener/rule edits, listener certificates and WAF association (not tag-scoped upstream).
            {
                Effect: "Allow",
                Action: [
                    "elasticloadbalancing:SetWebAcl",
                    "elasticloadbalancing:ModifyListener",
                    "elasticloadbalancing:AddListenerCertificates",
                    "elasticloadbalancing:RemoveListenerCertificates",
                    "elasticloadbalancing:ModifyRule",
                    "elasticloadbalancing:SetRulePriorities",
                ],
                Resource: "*",
            },
        ],
    };
}
