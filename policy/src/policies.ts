// The policies of @meshedge/policy, one per rule meshedge builds by; index.ts serves them as a pack.
// Only resources created by meshedge's components are judged (rules/ownership.ts).
import { EnforcementLevel, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { MEMORY_PER_WORKER_MIB_MIN } from "../../provider/src/defaults";
import { unpinnedImageReason } from "./rules/imageTags";
import { internetFacingAnnotation } from "./rules/internetFacing";
import { isKongRelease, kongGatewayValues } from "./rules/kongRelease";
import { kongSizingViolations } from "./rules/kongSizing";
import { NLB_RECYCLING_DEFAULTS, nlbRecyclingViolations } from "./rules/nlbRecycling";
import { isMeshedgeOwned, isUnder, matchesAny } from "./rules/ownership";
import { containersOf, podTemplateSpec, workloadSecurityViolations } from "./rules/workloadSecurity";

const GRPC_SERVICE = "meshedge:index:GrpcService";
const WORKLOADS = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:DaemonSet", "kubernetes:batch/v1:Job"];

/** A policy over meshedge's resources only; `check` returns the violations of one resource. */
function meshedgePolicy(
    name: string,
    description: string,
    enforcementLevel: EnforcementLevel,
    check: (args: ResourceValidationArgs) => string[],
    configProperties: Record<string, object> = {},
): ResourceValidationPolicy {
    return {
        name,
        description,
        enforcementLevel,
        configSchema: { properties: configProperties },
        validateResource: (args, reportViolation) => {
            if (!isMeshedgeOwned(args.urn)) return;
            for (const message of check(args)) reportViolation(`${args.name}: ${message}`);
        },
    };
}

const waiveList = { type: "array", items: { type: "string" }, description: "Resource names (with `*` wildcards) this policy does not judge." };

export const policies: ResourceValidationPolicy[] = [
    meshedgePolicy(
        "meshedge-kong-sizing",
        "Kong's gateway runs one nginx worker per CPU, with requests equal to limits and memory for every worker, Kong's two caches and 256 MiB.",
        "mandatory",
        (args) => {
            const { memoryPerWorkerMib = MEMORY_PER_WORKER_MIB_MIN, waive } = args.getConfig<{ memoryPerWorkerMib?: number; waive?: string[] }>();
            if (!isKongRelease(args.type, args.props) || matchesAny(args.name, waive)) return [];
            return kongSizingViolations(kongGatewayValues(args.props.values), { memoryPerWorkerMib });
        },
        { memoryPerWorkerMib: { type: "number", minimum: 1, default: MEMORY_PER_WORKER_MIB_MIN }, waive: waiveList },
    ),
    meshedgePolicy(
        "meshedge-nlb-horizontal-recycling",
        "Kong scaled horizontally behind an NLB recycles client connections, so new pods receive load.",
        "mandatory",
        (args) => {
            const { maxRequests = NLB_RECYCLING_DEFAULTS.maxRequests, maxAgeSeconds = NLB_RECYCLING_DEFAULTS.maxAgeSeconds, waive } = args.getConfig<{ maxRequests?: number; maxAgeSeconds?: number; waive?: string[] }>();
            if (!isKongRelease(args.type, args.props) || matchesAny(args.name, waive)) return [];
            return nlbRecyclingViolations(kongGatewayValues(args.props.values), { maxRequests, maxAgeSeconds });
        },
        {
            maxRequests: { type: "integer", minimum: 1, default: NLB_RECYCLING_DEFAULTS.maxRequests },
            maxAgeSeconds: { type: "integer", minimum: 1, default: NLB_RECYCLING_DEFAULTS.maxAgeSeconds },
            waive: waiveList,
        },
    ),
    meshedgePolicy(
        "meshedge-internet-facing-load-balancer",
        "Load balancers are internet-facing only when the policy config allows them by name.",
        "advisory",
        (args) => {
            const { allow } = args.getConfig<{ allow?: string[] }>();
            const gateway = isKongRelease(args.type, args.props) ? kongGatewayValues(args.props.values) : undefined;
            const annotation = internetFacingAnnotation(args.type, args.props, gateway);
            if (annotation === undefined || matchesAny(args.name, allow)) return [];
            return [`${annotation} is internet-facing: set loadBalancer.scheme "internal", or add "${args.name}" to this policy's allow list`];
        },
        { allow: { type: "array", items: { type: "string" }, description: "Resource names (with `*` wildcards) that may be internet-facing." } },
    ),
    meshedgePolicy(
        "meshedge-grpc-workload-security",
        "gRPC Deployments run non-root, without privilege escalation or capabilities, with RuntimeDefault seccomp, a read-only root filesystem and resource requests.",
        "mandatory",
        (args) => {
            const { waive } = args.getConfig<{ waive?: string[] }>();
            const pod = podTemplateSpec(args.props);
            if (!WORKLOADS.includes(args.type) || !isUnder(args.urn, GRPC_SERVICE) || pod === undefined || matchesAny(args.name, waive)) return [];
            return workloadSecurityViolations(pod);
        },
        { waive: waiveList },
    ),
    meshedgePolicy(
        "meshedge-pinned-images",
        "Every container image is pinned by a tag other than latest, or by digest.",
        "mandatory",
        (args) => {
            const pod = podTemplateSpec(args.props);
            if (!WORKLOADS.includes(args.type) || pod === undefined) return [];
            return containersOf(pod).flatMap(({ path, container }) => {
                const reason = unpinnedImageReason(container.image);
                return reason === undefined ? [] : [`${path}.image ${reason}: pin a tag (e.g. :1.4.2) or a digest (@sha256:...)`];
            });
        },
    ),
];

