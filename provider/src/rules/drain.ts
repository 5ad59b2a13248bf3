// Zero-downtime rollouts and scale-in with ip targets: one `drainSeconds` sets the target group's
// deregistration delay, Kong's preStop `kong quit --wait` and the pod's termination grace, and Kong's
// namespace opts into the load balancer's pod readiness gate.
// Sources: kong 3.9.3 kong/cmd/quit.lua (`--wait` default 0: keep serving, then SIGQUIT; `--timeout`
// default 10: then forced stop); kong chart 3.4.1 and 3.2.0 (in ingress 0.24.0) values.yaml
// `lifecycle.preStop` (`kong quit --wait=15`) and `terminationGracePeriodSeconds: 30`, read by
// templates/deployment.yaml for the proxy container and the pod; aws-load-balancer-controller v3.5.0
// docs/guide/service/annotations.md and docs/guide/ingress/annotations.md (`target-group-attributes`,
// deregistration delay 0-3600 s) and docs/deploy/pod_readiness_gate.md (namespace label, ip targets only).
import { INPUT_DEFAULTS, withDefaults } from "../defaults";
import type { LoadBalancerArgs as LoadBalancer } from "../generated/schema-types";
import { isWholeNumber, joinPath, Problems } from "./errors";

/** The target group's deregistration delay range (ELB API). */
export const DRAIN_SECONDS_MAX = 3600;
/** `kong quit --timeout`: Kong's own default, written out so the grace period visibly covers it. */
export const KONG_QUIT_TIMEOUT_SECONDS = 10;
/** Time after the forced stop for the process to exit before the kubelet's SIGKILL. */
export const TERMINATION_SLACK_SECONDS = 5;

/** The AWS Load Balancer Controller's webhook injects target-health readiness gates into pods of namespaces with this label. */
export const READINESS_GATE_LABEL = "elbv2.k8s.aws/pod-readiness-gate-inject";
/**
 * EKS Auto Mode's own webhook selects namespaces by this label instead. Not in the EKS user guide's
 * snapshot; reported by users who read the namespaceSelector of Auto Mode's `eks-load-balancing-webhook`.
 * The controller's label would select nothing there.
 */
export const AUTO_MODE_READINESS_GATE_LABEL = "eks.amazonaws.com/pod-readiness-gate-inject";

export interface DrainPlan {
    /** Target group `deregistration_delay.timeout_seconds`: how long the load balancer lets connections to a leaving pod finish. */
    readonly deregistrationDelaySeconds: number;
    /** `kong quit --wait`: Kong keeps serving normally while the load balancer drains it. */
    readonly quitWaitSeconds: number;
    /** `kong quit --timeout`: Kong's graceful shutdown after the wait, then a forced stop. */
    readonly quitTimeoutSeconds: number;
    /** The pod's grace period: the whole preStop hook plus slack, so the kubelet never kills Kong mid-drain. */
    readonly terminationGracePeriodSeconds: number;
}

/**
 * Kong keeps accepting for as long as the load balancer may still send (the deregistration delay),
 * then quits gracefully; the grace period covers wait + timeout. The chart's own pair (wait 15, grace
 * 30) is shorter than the AWS default delay of 300 s, so a pod could stop while still registered.
 */
export function drainPlan(lb: LoadBalancer): DrainPlan {
    const seconds = withDefaults(lb, INPUT_DEFAULTS.LoadBalancer).drainSeconds;
    return {
        deregistrationDelaySeconds: seconds,
        quitWaitSeconds: seconds,
        quitTimeoutSeconds: KONG_QUIT_TIMEOUT_SECONDS,
        terminationGracePeriodSeconds: seconds + KONG_QUIT_TIMEOUT_SECONDS + TERMINATION_SLACK_SECONDS,
    };
}

/** The target group attribute, in the controller's `key=value` form. */
export function deregistrationDelayAttribute(lb: LoadBalancer): string {
    return `deregistration_delay.timeout_seconds=${drainPlan(lb).deregistrationDelaySeconds}`;
}

/** Kong chart values of the gateway pod: its grace period and the proxy container's preStop hook. */
export function kongDrainValues(lb: LoadBalancer): { terminationGracePeriodSeconds: number; lifecycle: { preStop: { exec: { command: string[] } } } } {
    const plan = drainPlan(lb);
    return {
        terminationGracePeriodSeconds: plan.terminationGracePeriodSeconds,
        lifecycle: { preStop: { exec: { command: ["kong", "quit", `--wait=${plan.quitWaitSeconds}`, `--timeout=${plan.quitTimeoutSeconds}`] } } },
    };
}

/**
 * Labels of Kong's namespace: a new pod is Ready only once its target is healthy in the target group,
 * so a rollout never leaves only initial or draining targets. Both load balancer types use ip targets.
 */
export function readinessGateNamespaceLabels(eksAutoMode: boolean): Record<string, string> {
    return { [eksAutoMode ? AUTO_MODE_READINESS_GATE_LABEL : READINESS_GATE_LABEL]: "enabled" };
}

export function checkDrain(problems: Problems, field: string, lb: LoadBalancer): void {
    const seconds = lb.drainSeconds;
    if (seconds !== undefined && !isWholeNumber(seconds, 0, DRAIN_SECONDS_MAX)) {
        problems.add(joinPath(field, "drainSeconds"), seconds, `is not a whole number of seconds from 0 to ${DRAIN_SECONDS_MAX} (the target group's deregistration delay range)`, "use e.g. 120");
    }
}
