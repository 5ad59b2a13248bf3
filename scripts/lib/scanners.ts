// checkov (PyPI) and kube-score (Go module proxy), pinned in versions.json, run over Kubernetes
// manifests. Each finding names its scanner, its check and the object as Kind/namespace/name, the
// keys docs/security.md lists accepted findings by.
import { spawnSync } from "child_process";
import * as path from "path";
import { ensureGoTool, ensurePythonTool } from "./pinned-tools";
import { readVersions } from "./repo-root";

export interface Finding {
    readonly scanner: "checkov" | "kube-score";
    readonly check: string;
    /** Kind/namespace/name, or Kind/name for cluster-scoped objects. */
    readonly object: string;
    readonly message: string;
}

export function ensureCheckov(): string {
    const { version } = readVersions().scanners.checkov;
    const { venv } = ensurePythonTool("checkov", version, `checkov==${version}`, "from checkov.version import version; print(version)");
    return path.join(venv, "bin", "checkov");
}

export function ensureKubeScore(): string {
    const { module, version } = readVersions().scanners.kubeScore;
    return ensureGoTool("kube-score", module, version);
}

/** checkov's Kubernetes checks over one multi-document YAML file. */
export function runCheckov(file: string): Finding[] {
    // Exit code 1 means "checks failed"; the JSON on stdout is the answer either way.
    const run = spawnSync(ensureCheckov(), ["-f", file, "--framework", "kubernetes", "-o", "json", "--quiet", "--compact", "--skip-download"], {
        encoding: "utf8",
        maxBuffer: 256 << 20,
        env: { ...process.env, BC_SKIP_MAPPING: "TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: "false" },
    });
    if (run.status !== 0 && run.status !== 1) throw new Error(`checkov exited ${run.status}: ${run.stderr}`);
    const parsed = JSON.parse(run.stdout || "{}");
    const reports: any[] = Array.isArray(parsed) ? parsed : [parsed];
    return reports.flatMap((report) =>
        (report.results?.failed_checks ?? []).map((c: any) => ({ scanner: "checkov" as const, check: c.check_id, object: checkovObject(c.resource), message: c.check_name })),
    );
}

const CLUSTER_SCOPED = new Set(["ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "Namespace", "IngressClass", "GatewayClass", "PriorityClass"]);

/**
 * checkov names resources Kind.namespace.name, with namespace "default" for cluster-scoped kinds; the
 * name may hold dots. Its graph checks (CKV2) name a Pod derived from a workload as
 * Pod.namespace.<workload>.<labels>, kept as it is.
 */
function checkovObject(resource: string): string {
    const [kind, namespace] = resource.split(".", 2);
    const name = resource.slice(kind.length + namespace.length + 2);
    return CLUSTER_SCOPED.has(kind) ? `${kind}/${name}` : `${kind}/${namespace}/${name}`;
}

/** kube-score's checks over one multi-document YAML file: every check graded below OK and not skipped. */
export function runKubeScore(file: string): Finding[] {
    const run = spawnSync(ensureKubeScore(), ["score", "-o", "json", file], { encoding: "utf8", maxBuffer: 256 << 20 });
    if (run.status !== 0 && run.status !== 1) throw new Error(`kube-score exited ${run.status}: ${run.stderr}`);
    const objects: any[] = JSON.parse(run.stdout || "[]");
    const GRADE_OK = 10;
    return objects.flatMap((o) => {
        const ns = o.object_meta?.namespace;
        const object = [o.type_meta.kind, ...(ns ? [ns] : []), o.object_meta?.name].join("/");
        return (o.checks ?? [])
            .filter((c: any) => !c.skipped && c.grade < GRADE_OK)
            .map((c: any) => ({ scanner: "kube-score" as const, check: c.check.id, object, message: (c.comments ?? []).map((m: any) => m.summary).join("; ") }));
    });
}
