// The kubernetes and AWS resource classes the components create, imported by module path: the
// packages' index files reach every resource they ship, which would bloat the plugin bundle and its
// start-up. Components import from here, never from the package roots.
export { CustomResource } from "@pulumi/kubernetes/apiextensions/customResource";
export { Deployment } from "@pulumi/kubernetes/apps/v1/deployment";
export { Namespace } from "@pulumi/kubernetes/core/v1/namespace";
export { Secret } from "@pulumi/kubernetes/core/v1/secret";
export { Service } from "@pulumi/kubernetes/core/v1/service";
export { Release } from "@pulumi/kubernetes/helm/v3/release";
export { Ingress } from "@pulumi/kubernetes/networking/v1/ingress";
export { IngressClass } from "@pulumi/kubernetes/networking/v1/ingressClass";
export { PodDisruptionBudget } from "@pulumi/kubernetes/policy/v1/podDisruptionBudget";

export { PodIdentityAssociation } from "@pulumi/aws/eks/podIdentityAssociation";
export { Policy as IamPolicy } from "@pulumi/aws/iam/policy";
export { Role as IamRole } from "@pulumi/aws/iam/role";
export { RolePolicyAttachment } from "@pulumi/aws/iam/rolePolicyAttachment";
