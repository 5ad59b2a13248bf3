// The secure defaults meshedge gives the gRPC Deployments it creates (GrpcService), checked on the
// pod template as the API server will receive it: the fields the Pod Security Standards' "restricted"
// profile requires (kubernetes.io/docs/concepts/security/pod-security-standards: privilege
// escalation, capabilities, non-root, seccomp) plus a read-only root filesystem and resource requests.

interface Container {
    readonly name?: string;
    readonly image?: unknown;
    readonly securityContext?: Record<string, any>;
    readonly resources?: { readonly requests?: Record<string, unknown> };
}

interface PodSpec {
    readonly securityContext?: Record<string, any>;
    readonly containers?: Container[];
    readonly initContainers?: Container[];
}

/** The pod spec of a workload's template (Deployment, StatefulSet, DaemonSet, Job), if it has one. */
export function podTemplateSpec(props: Record<string, unknown>): PodSpec | undefined {
    const spec = props.spec as { template?: { spec?: PodSpec } } | undefined;
    return spec?.template?.spec;
}

/**
 * Every container of the pod with its field path (`spec.template.spec.containers[0]`). Indexed reads
 * only: @pulumi/policy hands props over as proxies, on which Array methods that build a new array
 * (map, filter) throw.
 */
export function containersOf(pod: PodSpec): { readonly path: string; readonly container: Container }[] {
    const found: { path: string; container: Container }[] = [];
    for (const key of ["initContainers", "containers"] as const) {
        const list = pod[key] ?? [];
        for (let i = 0; i < list.length; i++) found.push({ path: `spec.template.spec.${key}[${i}]`, container: list[i] });
    }
    return found;
}

/** One message per secure default a container (or the pod) lacks, naming the field. */
export function workloadSecurityViolations(pod: PodSpec): string[] {
    const found: string[] = [];
    const podContext = pod.securityContext ?? {};
    for (const { path, container } of containersOf(pod)) {
        const context = container.securityContext ?? {};
        const at = `${path}.securityContext`;
        if (context.allowPrivilegeEscalation !== false) found.push(`${at}.allowPrivilegeEscalation must be false`);
        const drop: unknown[] = context.capabilities?.drop ?? [];
        if (!drop.includes("ALL")) found.push(`${at}.capabilities.drop must include "ALL"`);
        if ((context.capabilities?.add ?? []).length > 0) found.push(`${at}.capabilities.add must be empty (has ${JSON.stringify(context.capabilities.add)})`);
        if ((context.runAsNonRoot ?? podContext.runAsNonRoot) !== true) found.push(`${at}.runAsNonRoot (or the pod's) must be true`);
        const seccomp = context.seccompProfile?.type ?? podContext.seccompProfile?.type;
        if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") {
            found.push(`${at}.seccompProfile.type (or the pod's) must be RuntimeDefault or Localhost`);
        }
        if (context.readOnlyRootFilesystem !== true) found.push(`${at}.readOnlyRootFilesystem must be true`);
        const requests = container.resources?.requests ?? {};
        if (requests.cpu === undefined || requests.memory === undefined) found.push(`${path}.resources.requests must set cpu and memory`);
    }
    return found;
}
