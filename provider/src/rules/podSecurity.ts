// Secure defaults of the gRPC Deployments meshedge creates, the Pod Security Admission labels of the
// namespaces it creates, and pinned images. Levels and capability lists follow the Kubernetes Pod
// Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards, v1.34; the
// admission plugin's checks in k8s.io/pod-security-admission/policy).
import { INPUT_DEFAULTS, withDefaults } from "../defaults";
import {
    PodSecurityLevel,
    SeccompProfileType,
    WhenUnsatisfiable,
    type ContainerResources,
    type ContainerSecurity,
    type GrpcServiceSpecArgs as GrpcServiceSpec,
    type MeshKind,
    type PodDisruptionBudgetSettings,
    type PodSecurity,
    type TmpVolume,
    type TopologySpread,
} from "../generated/schema-types";
import { checkOneOf, INT32_MAX, isPositiveQuantity, isWholeNumber, joinPath, Problems } from "./errors";

/** Capabilities `baseline` lets a container add (PSS "Capabilities": AUDIT_WRITE ... SYS_CHROOT); NET_ADMIN and NET_RAW are not among them. */
export const BASELINE_CAPABILITIES = ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"] as const;
/** The one capability `restricted` lets a container add back after dropping ALL. */
export const RESTRICTED_CAPABILITIES = ["NET_BIND_SERVICE"] as const;

const LEVEL_ORDER: readonly PodSecurityLevel[] = ["privileged", "baseline", "restricted"];
const stricter = (a: PodSecurityLevel, b: PodSecurityLevel) => LEVEL_ORDER.indexOf(a) > LEVEL_ORDER.indexOf(b);
/** The weaker of two levels. */
export const weakerLevel = (a: PodSecurityLevel, b: PodSecurityLevel): PodSecurityLevel => (stricter(a, b) ? b : a);

/**
 * Istio's sidecar init container without Istio's CNI plugin (istiod chart 1.30.3
 * files/injection-template.yaml, `istio-init` when `pilot.cni.enabled` is false, the chart's default)
 * and Kuma's (kumahq/kuma 2.12.3 pkg/plugins/runtime/k8s/webhooks/injector/injector.go
 * NewInitContainer, used when the kuma chart's `cni.enabled` is false, its default) both run as UID 0
 * and add NET_ADMIN and NET_RAW to write the pod's iptables rules. `baseline` refuses both capabilities,
 * so an injected pod is admitted only at `privileged`. meshedge installs neither CNI plugin.
 */
export const MESH_INIT_CAPABILITIES = ["NET_ADMIN", "NET_RAW"] as const;

/** A list input as given, or empty when it is missing or not a list (validation reports the wrong type). */
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** The strictest level that admits the pods a mesh injects into a namespace. */
export function meshPodSecurityLevel(mesh: MeshKind): PodSecurityLevel {
    return mesh === "none" ? "restricted" : "privileged";
}

/**
 * istio-system and kuma-system: istiod (istiod chart 1.30.3 templates/deployment.yaml, `seccompProfile`
 * only when `.Values.seccompProfile` is set, `{}` by default) and kuma-cp (kuma chart 2.12.3 values.yaml
 * `controlPlane.podSecurityContext`/`containerSecurityContext`: no seccompProfile, no capability drop)
 * meet `baseline`, not `restricted`.
 */
export const SYSTEM_NAMESPACE_LEVEL: PodSecurityLevel = "baseline";

/** `pod-security.kubernetes.io/<mode>` and `<mode>-version` for each mode; none when `labels` is false. */
export function podSecurityLabels(given: PodSecurity | undefined, defaultEnforce: PodSecurityLevel): Record<string, string> {
    const ps = withDefaults(given, { ...INPUT_DEFAULTS.PodSecurity, enforce: defaultEnforce });
    if (!ps.labels) return {};
    const labels: Record<string, string> = {};
    for (const mode of ["enforce", "audit", "warn"] as const) {
        labels[`pod-security.kubernetes.io/${mode}`] = ps[mode];
        labels[`pod-security.kubernetes.io/${mode}-version`] = ps.version;
    }
    return labels;
}

/** The enforce level a namespace gets: the user's, else the strictest the mesh allows. */
export function enforcedLevel(given: PodSecurity | undefined, mesh: MeshKind): PodSecurityLevel | undefined {
    const ps = withDefaults(given, INPUT_DEFAULTS.PodSecurity);
    if (!ps.labels) return undefined;
    return given?.enforce ?? meshPodSecurityLevel(mesh);
}

export type ResolvedSecurity = ReturnType<typeof resolveSecurity>;

export function resolveSecurity(given: ContainerSecurity | undefined) {
    return withDefaults(given, INPUT_DEFAULTS.ContainerSecurity);
}

/**
 * The strictest Pod Security level the Deployment meshedge builds meets with these settings (its own
 * containers only; a mesh adds its init container on top, see meshPodSecurityLevel). Reasons name the
 * setting that keeps it from the next level, for the error message.
 */
export function workloadPodSecurityLevel(given: ContainerSecurity | undefined): { level: PodSecurityLevel; reasons: string[] } {
    const sc = resolveSecurity(isObject(given) ? given : undefined);
    const added = listOf(sc.addCapabilities).map(String);
    const notBaseline = added.filter((c) => !(BASELINE_CAPABILITIES as readonly string[]).includes(c));
    if (notBaseline.length > 0) return { level: "privileged", reasons: [`addCapabilities ${notBaseline.join(", ")} (beyond baseline's list)`] };
    if (sc.seccompProfile === "Unconfined") return { level: "privileged", reasons: ["seccompProfile Unconfined"] };
    const reasons: string[] = [];
    if (!sc.runAsNonRoot) reasons.push("runAsNonRoot false");
    if (sc.runAsUser === 0) reasons.push("runAsUser 0");
    if (sc.allowPrivilegeEscalation) reasons.push("allowPrivilegeEscalation true");
    const notRestricted = added.filter((c) => !(RESTRICTED_CAPABILITIES as readonly string[]).includes(c));
    if (notRestricted.length > 0) reasons.push(`addCapabilities ${notRestricted.join(", ")} (restricted allows NET_BIND_SERVICE only)`);
    return { level: reasons.length ? "baseline" : "restricted", reasons };
}

/**
 * The pod-level securityContext: fsGroup only, so the group owns mounted volumes. Everything else sits on
 * meshedge's container, because pod-level settings also reach the containers a mesh injects: Kuma's
 * kuma-init sets runAsUser 0 but not runAsNonRoot (injector.go NewInitContainer), so a pod-level
 * runAsNonRoot would stop it from starting.
 */
export function podSecurityContext(sc: ResolvedSecurity): Record<string, unknown> {
    return { fsGroup: sc.runAsGroup };
}

function seccompProfile(sc: ResolvedSecurity): Record<string, string> {
    return sc.seccompProfile === "Localhost" ? { type: "Localhost", localhostProfile: sc.seccompLocalhostProfile ?? "" } : { type: sc.seccompProfile };
}

/** The container-level securityContext: every capability dropped, only the ones asked for added back. */
export function containerSecurityContext(sc: ResolvedSecurity): Record<string, unknown> {
    const added = listOf(sc.addCapabilities).map(String);
    return {
        runAsNonRoot: sc.runAsNonRoot,
        runAsUser: sc.runAsUser,
        runAsGroup: sc.runAsGroup,
        allowPrivilegeEscalation: sc.allowPrivilegeEscalation,
        readOnlyRootFilesystem: sc.readOnlyRootFilesystem,
        privileged: false,
        capabilities: { drop: ["ALL"], ...(added.length ? { add: [...added] } : {}) },
        seccompProfile: seccompProfile(sc),
    };
}

export const TMP_VOLUME_NAME = "tmp";
export const TMP_MOUNT_PATH = "/tmp";

/** The `/tmp` emptyDir volume and its mount, when asked for. */
export interface TmpVolumeSpec {
    readonly volumes: { name: string; emptyDir: { sizeLimit: string; medium?: string } }[];
    readonly volumeMounts: { name: string; mountPath: string }[];
}

export function tmpVolume(given: TmpVolume | undefined): TmpVolumeSpec {
    if (given === undefined) return { volumes: [], volumeMounts: [] };
    const tmp = withDefaults(given, INPUT_DEFAULTS.TmpVolume);
    return {
        volumes: [{ name: TMP_VOLUME_NAME, emptyDir: { sizeLimit: tmp.sizeLimit, ...(tmp.inMemory ? { medium: "Memory" } : {}) } }],
        volumeMounts: [{ name: TMP_VOLUME_NAME, mountPath: TMP_MOUNT_PATH }],
    };
}

/**
 * Requests default per resource (cpu, memory), unless the user gave that request or that resource's
 * limit: Kubernetes sets a missing request to its limit, and a defaulted request above a small limit
 * would be refused.
 */
export function containerResources(given: ContainerResources | undefined): ContainerResources {
    const defaults = INPUT_DEFAULTS.GrpcServiceSpec.resources.requests ?? {};
    const requests: Record<string, string> = { ...(given?.requests ?? {}) };
    for (const [key, value] of Object.entries(defaults)) {
        if (requests[key] === undefined && given?.limits?.[key] === undefined) requests[key] = value;
    }
    return { requests, ...(given?.limits ? { limits: given.limits } : {}) };
}

/**
 * One zone spread constraint. `matchLabelKeys: [pod-template-hash]` counts only the pods of the same
 * ReplicaSet, so a rolling update spreads the new pods instead of balancing against old ones
 * (Kubernetes 1.27+, on by default).
 */
export interface SpreadConstraint {
    readonly maxSkew: number;
    readonly topologyKey: string;
    readonly whenUnsatisfiable: string;
    readonly labelSelector: { matchLabels: Record<string, string> };
    readonly matchLabelKeys: string[];
}

export function topologySpreadConstraints(given: TopologySpread | undefined, selector: Record<string, string>): SpreadConstraint[] {
    const spread = withDefaults(given, INPUT_DEFAULTS.TopologySpread);
    if (!spread.enabled) return [];
    return [{ maxSkew: spread.maxSkew, topologyKey: spread.topologyKey, whenUnsatisfiable: spread.whenUnsatisfiable, labelSelector: { matchLabels: selector }, matchLabelKeys: ["pod-template-hash"] }];
}

/**
 * The PodDisruptionBudget spec, or none with one replica (or none): a budget there either allows the
 * only pod's eviction anyway or blocks every drain. `unhealthyPodEvictionPolicy: AlwaysAllow` lets a
 * drain evict pods that are not Ready, so a crash-looping release cannot pin a node.
 */
export function podDisruptionBudgetSpec(given: PodDisruptionBudgetSettings | undefined, replicas: number, selector: Record<string, string>): Record<string, unknown> | undefined {
    const pdb = withDefaults(given, INPUT_DEFAULTS.PodDisruptionBudgetSettings);
    if (!pdb.enabled || replicas <= 1) return undefined;
    const budget = given?.minAvailable !== undefined ? { minAvailable: given.minAvailable } : { maxUnavailable: pdb.maxUnavailable };
    return { ...budget, selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: "AlwaysAllow" };
}

/** Registry host (optional, may carry a port), repository path, then `:tag` and/or `@algorithm:hex` (distribution/reference grammar). */
const IMAGE_REFERENCE = /^(?:(?<host>[a-zA-Z0-9.-]+(?::\d+)?|\[[0-9a-fA-F:]+\](?::\d+)?)\/)?(?<path>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]+))?$/;
const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

export interface ImageReference {
    readonly repository: string;
    readonly tag?: string;
    readonly digest?: string;
}

/**
 * Splits an image reference. The tag is after the last `:` of the last path component only, so
 * `registry:5000/team/app` has a registry port and no tag. The first component is a registry host
 * when it has a `.` or `:` or is `localhost` (distribution/reference normalize.go splitDockerDomain).
 */
export function parseImage(image: string): ImageReference | undefined {
    const m = IMAGE_REFERENCE.exec(image);
    if (!m?.groups) {
        return undefined;
    }
    const { host, path, tag, digest } = m.groups;
    // A first component without . or : that is not localhost is a path component (docker.io/library/x), which the regex allows only lowercase.
    if (host !== undefined && !/[.:[]/.test(host) && host !== "localhost" && host !== host.toLowerCase()) return undefined;
    return { repository: host !== undefined ? `${host}/${path}` : path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** An image must name one build: a tag other than `latest`, or a digest. */
export function checkImage(problems: Problems, field: string, image: unknown): void {
    if (image === undefined) return;
    const example = "a version tag or digest, e.g. ghcr.io/acme/greeter:1.4.2 or ghcr.io/acme/greeter@sha256:<64 hex digits>";
    if (typeof image !== "string" || image === "") {
        problems.add(field, image, "is not a container image reference", `use ${example}, or leave image unset to select existing pods`);
        return;
    }
    const ref = parseImage(image);
    if (ref === undefined) {
        problems.add(field, image, "is not a container image reference ([host[:port]/]path[:tag][@digest], lowercase path)", `use ${example}`);
        return;
    }
    if (ref.digest !== undefined && ref.digest.startsWith("sha256:") && !SHA256_DIGEST.test(ref.digest)) {
        problems.add(field, image, "has a sha256 digest that is not 64 lowercase hex digits", "copy the full sha256 digest from `docker buildx imagetools inspect <image>` or your registry");
        return;
    }
    if (ref.digest !== undefined) return;
    if (ref.tag === undefined) {
        problems.add(field, image, "has no tag, so it means `latest`: a moving target that changes what the Deployment runs on the next pod restart (a `host:port/` prefix is the registry, not a tag)", `pin ${example}`);
    } else if (ref.tag === "latest") {
        problems.add(field, image, "is tagged `latest`, a moving target that changes what the Deployment runs on the next pod restart", `pin ${example}`);
    }
}

/** Each secure-default override of a service Deployment, at the service's path. */
export function checkWorkloadSecurity(problems: Problems, field: string, spec: GrpcServiceSpec): void {
    checkImage(problems, joinPath(field, "image"), spec.image);
    const overrides = ["securityContext", "tmpVolume", "topologySpread", "podDisruptionBudget", "resources"] as const;
    for (const key of overrides) {
        if (spec[key] !== undefined && !isObject(spec[key])) {
            problems.add(joinPath(field, key), spec[key], "must be an object", `set ${key} to an object with the fields to override, or remove it`);
            return;
        }
    }
    for (const key of overrides) {
        if (spec[key] !== undefined && spec.image === undefined) {
            problems.add(joinPath(field, key), spec[key], "applies only when meshedge creates the Deployment", "set image too, or remove it");
        }
    }
    checkContainerSecurity(problems, joinPath(field, "securityContext"), spec.securityContext);
    checkResources(problems, joinPath(field, "resources"), spec.resources);
    if (spec.tmpVolume?.sizeLimit !== undefined && !isPositiveQuantity(spec.tmpVolume.sizeLimit)) {
        problems.add(joinPath(field, "tmpVolume.sizeLimit"), spec.tmpVolume.sizeLimit, "is not a Kubernetes quantity greater than zero", 'use e.g. "64Mi" or "1Gi"');
    }
    const spread = spec.topologySpread;
    // maxSkew and a PodDisruptionBudget's counts are int32 in k8s.io/api (core/v1 TopologySpreadConstraint, intstr.IntOrString).
    if (spread?.maxSkew !== undefined && !isWholeNumber(spread.maxSkew, 1, INT32_MAX)) {
        problems.add(joinPath(field, "topologySpread.maxSkew"), spread.maxSkew, `must be a whole number from 1 to ${INT32_MAX}`, "use 1 for an even spread");
    }
    if (spread?.topologyKey !== undefined && !/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(spread.topologyKey)) {
        problems.add(joinPath(field, "topologySpread.topologyKey"), spread.topologyKey, "is not a node label key", 'use "topology.kubernetes.io/zone" or "kubernetes.io/hostname"');
    }
    checkOneOf(problems, joinPath(field, "topologySpread.whenUnsatisfiable"), spread?.whenUnsatisfiable, WhenUnsatisfiable, "whenUnsatisfiable");
    checkDisruptionBudget(problems, joinPath(field, "podDisruptionBudget"), spec.podDisruptionBudget, spec.replicas ?? INPUT_DEFAULTS.GrpcServiceSpec.replicas);
}

function checkContainerSecurity(problems: Problems, field: string, sc: ContainerSecurity | undefined): void {
    if (!sc) return;
    for (const key of ["runAsUser", "runAsGroup"] as const) {
        if (sc[key] !== undefined && !isWholeNumber(sc[key], 0, INT32_MAX)) {
            problems.add(joinPath(field, key), sc[key], "is not a Linux user or group ID", "use a whole number such as 65532");
        }
    }
    if (sc.runAsUser === 0 && sc.runAsNonRoot !== false) {
        problems.add(joinPath(field, "runAsUser"), 0, "is root, which runAsNonRoot (true by default) refuses to start", "use a non-zero UID such as 65532, or set runAsNonRoot: false too");
    }
    checkOneOf(problems, joinPath(field, "seccompProfile"), sc.seccompProfile, SeccompProfileType, "seccomp profile type");
    if (sc.seccompProfile === "Localhost" && !sc.seccompLocalhostProfile) {
        problems.add(joinPath(field, "seccompLocalhostProfile"), sc.seccompLocalhostProfile, "is required with seccompProfile Localhost", 'name the profile file on the nodes, e.g. "profiles/grpc.json"');
    }
    if (sc.seccompLocalhostProfile !== undefined && sc.seccompProfile !== "Localhost") {
        problems.add(joinPath(field, "seccompLocalhostProfile"), sc.seccompLocalhostProfile, "applies only with seccompProfile Localhost", 'set seccompProfile: "Localhost", or remove it');
    }
    if (sc.addCapabilities !== undefined && !Array.isArray(sc.addCapabilities)) {
        problems.add(joinPath(field, "addCapabilities"), sc.addCapabilities, "must be a list of capability names", 'use e.g. ["NET_BIND_SERVICE"]');
    }
    for (const [i, cap] of listOf(sc.addCapabilities).entries()) {
        if (typeof cap !== "string" || !/^[A-Z][A-Z_]*$/.test(cap) || cap.startsWith("CAP_") || cap === "ALL") {
            problems.add(joinPath(field, `addCapabilities[${i}]`), cap, "is not a Linux capability name as Kubernetes spells it", 'use the name without CAP_, e.g. "NET_BIND_SERVICE"');
        }
    }
}

function checkResources(problems: Problems, field: string, resources: ContainerResources | undefined): void {
    for (const kind of ["requests", "limits"] as const) {
        const amounts = resources?.[kind];
        if (amounts !== undefined && !isObject(amounts)) {
            problems.add(joinPath(field, kind), amounts, "must be a map of resource name to quantity", 'use e.g. { cpu: "250m", memory: "256Mi" }');
            continue;
        }
        for (const [key, value] of Object.entries(amounts ?? {})) {
            if (!isPositiveQuantity(value)) problems.add(joinPath(field, `${kind}.${key}`), value, "is not a Kubernetes quantity greater than zero", key === "cpu" ? 'use e.g. "250m" or "1"' : 'use e.g. "256Mi" or "1Gi"');
        }
    }
}

function checkDisruptionBudget(problems: Problems, field: string, pdb: PodDisruptionBudgetSettings | undefined, replicas: unknown): void {
    if (!pdb) return;
    if (pdb.maxUnavailable !== undefined && pdb.minAvailable !== undefined) {
        problems.add(joinPath(field, "minAvailable"), pdb.minAvailable, "is set together with maxUnavailable; a PodDisruptionBudget takes one", "keep one of them (maxUnavailable is the default and holds at any replica count)");
    }
    if (pdb.maxUnavailable !== undefined && !isWholeNumber(pdb.maxUnavailable, 1, INT32_MAX)) {
        problems.add(joinPath(field, "maxUnavailable"), pdb.maxUnavailable, `must be a whole number from 1 to ${INT32_MAX} (0 would block every node drain)`, "use 1");
    }
    if (pdb.minAvailable !== undefined) {
        if (!isWholeNumber(pdb.minAvailable, 0, INT32_MAX)) {
            problems.add(joinPath(field, "minAvailable"), pdb.minAvailable, `must be a whole number from 0 to ${INT32_MAX}`, "use e.g. 1");
        } else if (typeof replicas === "number" && replicas > 1 && pdb.minAvailable >= replicas) {
            problems.add(joinPath(field, "minAvailable"), pdb.minAvailable, `is not below replicas (${replicas}), so no pod could ever be evicted and node drains would hang`, `use at most ${replicas - 1}, or maxUnavailable: 1`);
        }
    }
}

/** Pod Security labels: known levels, and a version the admission plugin accepts. */
export function checkPodSecurity(problems: Problems, field: string, ps: PodSecurity | undefined): void {
    if (ps === undefined) return;
    if (!isObject(ps)) {
        problems.add(field, ps, "must be an object", 'set e.g. { enforce: "baseline" }, or remove it');
        return;
    }
    for (const mode of ["enforce", "warn", "audit"] as const) checkOneOf(problems, joinPath(field, mode), ps[mode], PodSecurityLevel, "Pod Security level");
    const version: unknown = ps.version;
    if (version !== undefined && (typeof version !== "string" || !/^(latest|v1\.(0|[1-9]\d*))$/.test(version))) {
        problems.add(joinPath(field, "version"), version, "is not a Pod Security Standards version", 'use "v1.<minor>" (e.g. "v1.34") or "latest"');
    }
}

/**
 * A service whose own settings fall below its namespace's enforced level would have every pod refused
 * while its Deployment is accepted: say so before anything is created.
 */
export function checkServiceMeetsNamespace(problems: Problems, field: string, spec: GrpcServiceSpec, enforce: PodSecurityLevel | undefined, podSecurityField: string): void {
    if (enforce === undefined || spec.image === undefined || (spec.securityContext !== undefined && !isObject(spec.securityContext))) return;
    const { level, reasons } = workloadPodSecurityLevel(spec.securityContext);
    if (stricter(enforce, level)) {
        problems.add(
            joinPath(field, "securityContext"),
            spec.securityContext,
            `meets Pod Security "${level}" only (${reasons.join("; ")}), but namespace ${spec.namespace} enforces "${enforce}", which would refuse every pod`,
            `keep the secure defaults, or set ${podSecurityField}.enforce to "${level}"`,
        );
    }
}
