// The scanners as judges: every object of a stack read back from the API server (what Helm rendered
// included), scanned by checkov and kube-score, each finding matched against the accepted findings
// docs/security.md lists with their reasons.
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import { KubeClient, KubeObject } from "../../scripts/lib/kube-client";
import { repoRoot } from "../../scripts/lib/repo-root";
import { Finding, runCheckov, runKubeScore } from "../../scripts/lib/scanners";

/** The kinds the scanners judge: workloads, their Services, scaling and disruption budgets, ingress, network policy and RBAC. */
const NAMESPACED: readonly [string, string, string][] = [
    ["apps/v1", "Deployment", "deployments"],
    ["apps/v1", "StatefulSet", "statefulsets"],
    ["apps/v1", "DaemonSet", "daemonsets"],
    ["batch/v1", "Job", "jobs"],
    ["batch/v1", "CronJob", "cronjobs"],
    ["v1", "Service", "services"],
    ["v1", "ServiceAccount", "serviceaccounts"],
    ["autoscaling/v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers"],
    ["policy/v1", "PodDisruptionBudget", "poddisruptionbudgets"],
    ["networking.k8s.io/v1", "Ingress", "ingresses"],
    ["networking.k8s.io/v1", "NetworkPolicy", "networkpolicies"],
    ["rbac.authorization.k8s.io/v1", "Role", "roles"],
    ["rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings"],
];
const CLUSTER: readonly [string, string, string][] = [
    ["rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles"],
    ["rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings"],
];

const apiBase = (apiVersion: string) => (apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`);

/** The API server's own objects, which no stack creates. */
const builtIn = (o: KubeObject) =>
    o.metadata.labels?.["kubernetes.io/bootstrapping"] === "rbac-defaults" ||
    o.metadata.name.startsWith("system:") ||
    (o.kind === "ServiceAccount" && o.metadata.name === "default") ||
    (o.kind === "Service" && o.metadata.namespace === "default" && o.metadata.name === "kubernetes");

/** Objects as a manifest states them: kind and apiVersion set (lists omit them), no server-side bookkeeping. */
function asManifest(apiVersion: string, kind: string, o: KubeObject): KubeObject {
    const metadata = { ...o.metadata };
    for (const key of ["managedFields", "resourceVersion", "uid", "creationTimestamp", "generation"]) delete metadata[key];
    const manifest: KubeObject = { ...o, apiVersion, kind, metadata };
    delete manifest.status;
    return manifest;
}

/** Every object of the judged kinds in the namespaces, and the cluster-scoped RBAC no API server ships. */
export async function readBackObjects(kube: KubeClient, namespaces: readonly string[]): Promise<KubeObject[]> {
    const found: KubeObject[] = [];
    for (const ns of namespaces) {
        for (const [apiVersion, kind, plural] of NAMESPACED) {
            for (const o of await kube.list(`${apiBase(apiVersion)}/namespaces/${ns}/${plural}`)) found.push(asManifest(apiVersion, kind, o));
        }
    }
    for (const [apiVersion, kind, plural] of CLUSTER) {
        for (const o of await kube.list(`${apiBase(apiVersion)}/${plural}`)) found.push(asManifest(apiVersion, kind, o));
    }
    return found.filter((o) => !builtIn(o));
}

export interface AcceptedFinding {
    readonly scanner: string;
    readonly check: string;
    /** A pattern over Kind/namespace/name; `*` matches any run of characters. */
    readonly objects: string;
    readonly scenarios: readonly string[];
    readonly reason: string;
}

const SECURITY_MD = path.join(repoRoot(), "docs", "security.md");

/** The rows of docs/security.md's "Accepted findings" table. */
export function acceptedFindings(): AcceptedFinding[] {
    const text = fs.readFileSync(SECURITY_MD, "utf8");
    const section = text.slice(text.indexOf("## Accepted findings"));
    const rows = section.split("\n").filter((line) => /^\| (checkov|kube-score) \|/.test(line));
    return rows.map((line) => {
        const [scanner, check, objects, scenarios, reason] = line.split("|").slice(1, -1).map((cell) => cell.trim().replace(/^`|`$/g, ""));
        return { scanner, check, objects, scenarios: scenarios.split(",").map((s) => s.trim()), reason };
    });
}

const glob = (pattern: string) => new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);

export function isAccepted(finding: Finding, row: AcceptedFinding, scenario: string): boolean {
    return row.scanner === finding.scanner && row.check === finding.check && row.scenarios.includes(scenario) && glob(row.objects).test(finding.object);
}

export interface Judgement {
    readonly objects: number;
    readonly findings: Finding[];
    /** Findings no row accepts: fix them, or list them with a reason. */
    readonly unlisted: string[];
    /** Rows of this scenario that match no finding any more: remove them. */
    readonly stale: string[];
}

/** Scans the objects with both scanners and judges the findings against docs/security.md for one scenario. */
export function judgeObjects(objects: readonly KubeObject[], scenario: string): Judgement {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshedge-scan-"));
    try {
        const file = path.join(dir, "objects.yaml");
        fs.writeFileSync(file, objects.map((o) => yaml.dump(o, { noRefs: true })).join("---\n"));
        const findings = [...runCheckov(file), ...runKubeScore(file)];
        const rows = acceptedFindings().filter((row) => row.scenarios.includes(scenario));
        const key = (f: Finding) => `${f.scanner} ${f.check} ${f.object}: ${f.message}`;
        return {
            objects: objects.length,
            findings,
            unlisted: findings.filter((f) => !rows.some((row) => isAccepted(f, row, scenario))).map(key).sort(),
            stale: rows.filter((row) => !findings.some((f) => isAccepted(f, row, scenario))).map((row) => `${row.scanner} ${row.check} ${row.objects}`),
        };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
