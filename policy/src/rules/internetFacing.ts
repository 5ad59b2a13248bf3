// Which load balancers meshedge asks the AWS Load Balancer Controller to put on the internet: the
// scheme annotations of the controller (aws-load-balancer-controller docs: guide/service/annotations.md
// `service.beta.kubernetes.io/aws-load-balancer-scheme`, guide/ingress/annotations.md
// `alb.ingress.kubernetes.io/scheme`), on the Kong release's proxy Service or on an ALB Ingress.
import { KongGatewayValues } from "./kongRelease";

const NLB_SCHEME = "service.beta.kubernetes.io/aws-load-balancer-scheme";
const ALB_SCHEME = "alb.ingress.kubernetes.io/scheme";

/** The annotation that makes this resource's load balancer internet-facing, if one does. */
export function internetFacingAnnotation(type: string, props: Record<string, unknown>, kongGateway?: KongGatewayValues): string | undefined {
    if (kongGateway) return kongGateway.proxyAnnotations[NLB_SCHEME] === "internet-facing" ? `proxy annotation ${NLB_SCHEME}` : undefined;
    const annotations = (props.metadata as { annotations?: Record<string, unknown> } | undefined)?.annotations ?? {};
    if (type === "kubernetes:networking.k8s.io/v1:Ingress" && annotations[ALB_SCHEME] === "internet-facing") return `annotation ${ALB_SCHEME}`;
    if (type === "kubernetes:core/v1:Service" && annotations[NLB_SCHEME] === "internet-facing") return `annotation ${NLB_SCHEME}`;
    return undefined;
}
