// Turns the JSON printed by `pulumi preview --json` into a short Markdown summary for a pull request:
// counts by operation, the Kong sizing before and after (replicas, workers, CPU, memory and its
// mem_cache_size part, client connection recycling), the cluster-wide rate limits, the changed Helm values keys
// and annotations old -> new (secrets masked), the list of changed resources, and at the top a warning when a replace
// or delete touches what owns a load balancer, the Kong release or a CRD.
//
//   pulumi preview --json --stack dev > preview.json
//   node dist/tools/preview-summary.js preview.json > summary.md     (or: ... | node dist/tools/preview-summary.js -)
//
// The compiled file needs nothing but Node (>= 20) itself, so users can copy it into their own repository
// (see examples/github-actions/). Keep it that way: node builtins only, no imports from the rest of this repo.
//
// Input shape (Pulumi 3.x, `display.PreviewDigest` in sdk/go/common/display/json.go):
//   { config?, steps?: PreviewStep[], diagnostics?: [{ urn?, prefix?, message?, severity? }], duration?,
//     changeSummary?: { [op]: count }, maybeCorrupt? }
//   PreviewStep = { op, urn, provider?, oldState?, newState?, diffReasons?, replaceReasons?, detailedDiff? }
//   oldState/newState are `apitype.ResourceV3`: { urn, custom, type, inputs?, outputs?, parent?, ... }
// Every field is optional (Go's omitempty); secrets arrive as "[secret]" and values not known until the update
// as Pulumi's unknown sentinel. By default `same` steps are left out except the root stack's, and a replacement
// is one `replace` step (`--show-replacement-steps` adds `create-replacement` and `delete-replaced`).
import * as fs from "fs";

/** The distinguished string Pulumi writes for values that are only known after the update. */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const HELM_RELEASE_TYPE = "kubernetes:helm.sh/v3:Release";
export const KONG_GATEWAY_TYPE = "meshedge:index:KongGateway";
export const KONG_PLUGIN_TYPE = "kubernetes:configuration.konghq.com/v1:KongPlugin";
/** The single line printed when the preview changes nothing, so a workflow can skip the comment. */
export const NO_CHANGES = "No changes.";
/** Shown for a value that is not in the state at all: before a create, after a delete. */
export const ABSENT = "—";
/** Shown for a key the values leave to the chart. */
export const CHART_DEFAULT = "chart default";
/** Shown for a value that is unknown during the preview or unreadable. */
export const UNKNOWN = "?";
/** How `pulumi preview --json` prints a secret value (without --show-secrets); the summary never shows more. */
export const SECRET = "[secret]";
/** The first line of the warning a replace or delete of what owns a load balancer, the Kong release or a CRD puts at the top. */
export const DANGER_TITLE = "> **Replaces or deletes what owns a load balancer, the Kong release or a CRD.**";
/** The header of each table of changed values. */
export const VALUES_HEADER = "| Key | Old | New |";
/** Rows shown per resource before "... and N more". */
const MAX_VALUE_ROWS = 40;
/** Characters shown of one value before it is cut. */
const MAX_VALUE_CHARS = 120;
/** The Kong sizing table's header: Memory/pod includes two caches of mem_cache_size (Kong's core and plugin entity caches). */
export const SIZING_HEADER = "| Release | Op | Replicas | nginx workers/pod | CPU/pod | Memory/pod | mem_cache_size (x2 per pod) | Connection recycling |";

/** Operations that leave the stack as it is: no row in the resource list, and they alone make "No changes.". */
const UNCHANGING_OPS = new Set(["same", "read", "refresh"]);
/** The three faces of one replacement, counted once as "replace". */
const REPLACEMENT_OPS = new Set(["replace", "create-replacement", "delete-replaced"]);
const MAIN_OPS = ["create", "update", "replace", "delete", "same"] as const;

type Json = Record<string, unknown>;

export interface KongSizing {
    /** "2", or "HPA 2-10" when autoscaling is enabled. */
    readonly replicas: string;
    /** nginx worker processes per pod. */
    readonly workers: string;
    /** CPU request per pod. */
    readonly cpu: string;
    /** Memory request per pod. */
    readonly memory: string;
    /** Kong's `mem_cache_size` (`env.mem_cache_size`), the size of each of the two caches the pod's memory includes. */
    readonly memCacheSize: string;
    /** When Kong recycles client connections: "1000 requests / 300s" (`env.nginx_http_keepalive_requests` / `_time`). */
    readonly recycling: string;
}

export interface KongReleaseChange {
    readonly urn: string;
    /** The Pulumi resource name (the last part of the URN). */
    readonly name: string;
    /** The step's operation, with the replacement steps folded into "replace". */
    readonly op: string;
    /** Undefined when there is no old state (a create). */
    readonly before?: KongSizing;
    /** Undefined when there is no new state (a delete). */
    readonly after?: KongSizing;
}

export interface OperationCounts {
    readonly create: number;
    readonly update: number;
    readonly replace: number;
    readonly delete: number;
    readonly same: number;
    /** Any other operation seen (read, import, discard, ...), by name. */
    readonly other: Readonly<Record<string, number>>;
}

/** One resource of the preview: its steps folded together (a replacement may be up to three steps). */
interface ResourceChange {
    readonly urn: string;
    readonly op: string;
    readonly type: string;
    readonly name: string;
    readonly oldState?: Json;
    readonly newState?: Json;
    readonly diffReasons: string[];
    readonly replaceReasons: string[];
}

function isObject(v: unknown): v is Json {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
    return typeof v === "string" ? v : undefined;
}

function strings(v: unknown): string[] {
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function count(v: unknown): number {
    return typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0;
}

/** Follows a dotted path through nested objects; undefined as soon as a step is missing. */
function at(v: unknown, path: string): unknown {
    let cur: unknown = v;
    for (const key of path.split(".")) {
        if (!isObject(cur)) return undefined;
        cur = cur[key];
    }
    return cur;
}

/** A URN is urn:pulumi:<stack>::<project>::<parent types joined by $><type>::<name>. */
export function parseUrn(urn: string): { stack?: string; project?: string; typeChain: string[]; name: string } {
    const parts = urn.split("::");
    if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) return { typeChain: [], name: urn };
    return {
        stack: parts[0].slice("urn:pulumi:".length),
        project: parts[1],
        typeChain: parts[2].split("$"),
        name: parts.slice(3).join("::"),
    };
}

/** How a value from the preview reads in a table cell. */
function display(v: unknown): string {
    if (v === undefined || v === null) return CHART_DEFAULT;
    if (v === UNKNOWN_VALUE) return UNKNOWN;
    if (typeof v === "string") return v === "" ? '""' : v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    return JSON.stringify(v);
}

/** Which Kong chart a Release installs, from its `chart` input ("ingress", "kong/kong", "oci://.../ingress", "./ingress-0.24.0.tgz"). */
export function kongChartKind(chart: unknown): "ingress" | "kong" | undefined {
    if (typeof chart !== "string") return undefined;
    const last = chart.replace(/\/+$/, "").split("/").pop() ?? "";
    const base = last.replace(/\.tgz$/, "").replace(/-v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/, "");
    return base === "ingress" || base === "kong" ? base : undefined;
}

/** The part of the Helm values that configures the Kong gateway pods: `gateway` for kong/ingress, the top level for kong/kong. */
function gatewayValues(values: Json, chart: unknown): Json {
    const kind = kongChartKind(chart);
    if (kind === "kong") return values;
    if (kind === "ingress") return isObject(values.gateway) ? values.gateway : {};
    return isObject(values.gateway) ? values.gateway : values;
}

/**
 * Reads the Kong sizing from a Release's Helm `values`. `chart` (the Release's `chart` input) says where the
 * gateway values live; without it, a `gateway` object means the kong/ingress chart.
 */
export function extractKongSizing(values: unknown, chart?: unknown): KongSizing {
    if (!isObject(values)) {
        const shown = values === SECRET ? SECRET : UNKNOWN;
        return { replicas: shown, workers: shown, cpu: shown, memory: shown, memCacheSize: shown, recycling: shown };
    }
    const g = gatewayValues(values, chart);
    const enabled = at(g, "autoscaling.enabled");
    const autoscaling = enabled === true || enabled === "true";
    const replicas = autoscaling
        ? `HPA ${rangeEnd(at(g, "autoscaling.minReplicas"))}-${rangeEnd(at(g, "autoscaling.maxReplicas"))}`
        : display(at(g, "replicaCount"));
    return {
        replicas,
        workers: display(at(g, "env.nginx_worker_processes")),
        cpu: display(at(g, "resources.requests.cpu")),
        memory: display(at(g, "resources.requests.memory")),
        memCacheSize: display(at(g, "env.mem_cache_size")),
        recycling: recyclingText(at(g, "env.nginx_http_keepalive_requests"), at(g, "env.nginx_http_keepalive_time")),
    };
}

/** "1000 requests / 300s"; one cell of "chart default" when neither is set, as Kong's own limits then apply. */
function recyclingText(requests: unknown, time: unknown): string {
    if ((requests === undefined || requests === null) && (time === undefined || time === null)) return CHART_DEFAULT;
    return `${display(requests)} requests / ${display(time)}`;
}

function rangeEnd(v: unknown): string {
    return v === undefined || v === null ? UNKNOWN : display(v);
}

function hasWorkerSetting(values: unknown): boolean {
    return at(values, "gateway.env.nginx_worker_processes") !== undefined || at(values, "env.nginx_worker_processes") !== undefined;
}

function isKongRelease(r: ResourceChange): boolean {
    if (r.type !== HELM_RELEASE_TYPE) return false;
    if (r.urn.includes(`${KONG_GATEWAY_TYPE}$${HELM_RELEASE_TYPE}`)) return true;
    return hasWorkerSetting(stateInput(r.oldState, "values")) || hasWorkerSetting(stateInput(r.newState, "values"));
}

/** The preview's steps folded by URN, in the order Pulumi listed them. Malformed steps are skipped. */
function resourceChanges(preview: Json): ResourceChange[] {
    const byUrn = new Map<string, { ops: string[]; oldState?: Json; newState?: Json; diff: string[]; replace: string[] }>();
    const steps = Array.isArray(preview.steps) ? preview.steps : [];
    steps.forEach((step, i) => {
        if (!isObject(step)) return;
        const urn = str(step.urn) ?? str(at(step, "newState.urn")) ?? str(at(step, "oldState.urn")) ?? `(step ${i + 1} without a URN)`;
        let entry = byUrn.get(urn);
        if (!entry) {
            entry = { ops: [], diff: [], replace: [] };
            byUrn.set(urn, entry);
        }
        entry.ops.push(str(step.op) ?? "unknown");
        if (!entry.oldState && isObject(step.oldState)) entry.oldState = step.oldState;
        if (!entry.newState && isObject(step.newState)) entry.newState = step.newState;
        for (const k of strings(step.diffReasons)) if (!entry.diff.includes(k)) entry.diff.push(k);
        for (const k of strings(step.replaceReasons)) if (!entry.replace.includes(k)) entry.replace.push(k);
    });
    return [...byUrn.entries()].map(([urn, e]) => {
        const parsed = parseUrn(urn);
        const op = e.ops.some((o) => REPLACEMENT_OPS.has(o)) ? "replace" : e.ops.find((o) => !UNCHANGING_OPS.has(o)) ?? e.ops[0];
        const type = str(e.newState?.type) ?? str(e.oldState?.type) ?? parsed.typeChain[parsed.typeChain.length - 1] ?? "unknown";
        return { urn, op, type, name: parsed.name, oldState: e.oldState, newState: e.newState, diffReasons: e.diff, replaceReasons: e.replace };
    });
}

/** The Kong Helm releases in a preview (parsed `pulumi preview --json`), with their sizing before and after. */
export function kongReleaseChanges(preview: unknown): KongReleaseChange[] {
    if (!isObject(preview)) return [];
    return resourceChanges(preview)
        .filter(isKongRelease)
        .map((r) => ({
            urn: r.urn,
            name: r.name,
            op: r.op,
            before: r.oldState && r.op !== "create" ? extractKongSizing(stateInput(r.oldState, "values"), stateInput(r.oldState, "chart")) : undefined,
            after: r.newState && r.op !== "delete" ? extractKongSizing(stateInput(r.newState, "values"), stateInput(r.newState, "chart")) : undefined,
        }));
}

/** Kong's rate-limiting periods in order (kong 3.9.3 kong/plugins/rate-limiting/schema.lua). */
const RATE_LIMIT_PERIODS = ["second", "minute", "hour", "day", "month", "year"] as const;

/** The Kong pods a release runs: replicaCount, or the HPA's minReplicas..maxReplicas. Undefined when unknown. */
export function kongReplicaRange(values: unknown, chart?: unknown): { min: number; max: number } | undefined {
    if (!isObject(values)) return undefined;
    const g = gatewayValues(values, chart);
    const enabled = at(g, "autoscaling.enabled");
    const whole = (v: unknown) => (typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : undefined);
    if (enabled === true || enabled === "true") {
        const min = whole(at(g, "autoscaling.minReplicas"));
        const max = whole(at(g, "autoscaling.maxReplicas"));
        return min !== undefined && max !== undefined ? { min, max } : undefined;
    }
    const replicas = whole(at(g, "replicaCount"));
    return replicas !== undefined ? { min: replicas, max: replicas } : undefined;
}

export interface ClusterWideLimit {
    readonly period: string;
    readonly limit: number;
    readonly policy: string;
    /** Requests per period across the cluster at the fewest and the most Kong pods; undefined when the pods are unknown. */
    readonly minimum?: number;
    readonly maximum?: number;
}

/**
 * What a rate-limiting config admits across the cluster: the `local` policy counts in each pod, so limit x pods;
 * `redis` shares one counter. The same arithmetic as meshedge's clusterWideRateLimits (provider/src/rules/plugins.ts).
 */
export function clusterWideLimits(config: unknown, pods: { min: number; max: number } | undefined): ClusterWideLimit[] {
    if (!isObject(config)) return [];
    const policy = str(config.policy) ?? "local";
    return RATE_LIMIT_PERIODS.filter((p) => typeof config[p] === "number").map((period) => {
        const limit = config[period] as number;
        if (policy !== "local") return { period, limit, policy, minimum: limit, maximum: limit };
        return pods ? { period, limit, policy, minimum: limit * pods.min, maximum: limit * pods.max } : { period, limit, policy };
    });
}

export interface RateLimitChange {
    /** The KongPlugin's name (metadata.name, else the Pulumi name). */
    readonly name: string;
    readonly op: string;
    readonly limits: ClusterWideLimit[];
    readonly pods?: { min: number; max: number };
}

/**
 * The rate-limiting KongPlugins the preview creates or changes, with their cluster-wide limits at the Kong
 * release's new sizing, and, when the Kong release changes, the unchanged ones too (listed by `pulumi preview
 * --json --show-sames`). With several Kong releases in one preview the pods are unknown (a plugin's URN does
 * not say which Kong serves it); without one (Kong unchanged, no `--show-sames`), they are unknown.
 */
export function rateLimitChanges(preview: unknown): RateLimitChange[] {
    if (!isObject(preview)) return [];
    const resources = resourceChanges(preview);
    const releases = resources.filter(isKongRelease).filter((r) => r.newState && r.op !== "delete");
    const pods = releases.length === 1 ? kongReplicaRange(stateInput(releases[0].newState, "values"), stateInput(releases[0].newState, "chart")) : undefined;
    // An unchanged plugin matters when Kong's pods change: its cluster-wide limit changes with them.
    const kongChanges = releases.some((r) => !UNCHANGING_OPS.has(r.op));
    return resources
        .filter((r) => r.type === KONG_PLUGIN_TYPE && r.op !== "delete" && (!UNCHANGING_OPS.has(r.op) || (r.op === "same" && kongChanges)))
        .filter((r) => (at(r.newState, "inputs.plugin") ?? at(r.newState, "outputs.plugin")) === "rate-limiting")
        .map((r) => {
            const config = at(r.newState, "inputs.config") ?? at(r.newState, "outputs.config");
            return { name: str(at(r.newState, "inputs.metadata.name")) ?? r.name, op: r.op, limits: clusterWideLimits(config, pods), ...(pods ? { pods } : {}) };
        });
}

function podRange(p: { min: number; max: number }): string {
    return p.min === p.max ? `${p.min} ${p.min === 1 ? "pod" : "pods"}` : `${p.min}-${p.max} pods`;
}

/** One row of the rate limit table. */
export function rateLimitRow(r: RateLimitChange, l: ClusterWideLimit): string {
    const perPeriod = (n: number) => `${n}/${l.period}`;
    let cluster: string;
    if (l.policy !== "local") cluster = `${perPeriod(l.limit)} (shared counter)`;
    else if (l.minimum === undefined || l.maximum === undefined) cluster = `${perPeriod(l.limit)} x ${UNKNOWN} pods`;
    else cluster = `${l.minimum === l.maximum ? perPeriod(l.minimum) : `${l.minimum}-${perPeriod(l.maximum)}`} (${podRange(r.pods!)})`;
    return `| ${code(r.name)} | ${text(r.op)} | ${text(l.policy)} | ${perPeriod(l.limit)} | ${text(cluster)} |`;
}

/**
 * Counts by operation. `changeSummary` is Pulumi's own tally (and the only one that knows how many resources
 * are unchanged, since `same` steps are not listed by default); the steps are the fallback.
 */
export function countOperations(preview: unknown): OperationCounts {
    const tally = new Map<string, number>();
    const summary = isObject(preview) ? preview.changeSummary : undefined;
    if (isObject(summary) && Object.values(summary).some((v) => typeof v === "number")) {
        let replace = 0;
        for (const [op, n] of Object.entries(summary)) {
            if (REPLACEMENT_OPS.has(op)) replace = Math.max(replace, count(n));
            else tally.set(op, (tally.get(op) ?? 0) + count(n));
        }
        tally.set("replace", replace);
    } else if (isObject(preview)) {
        for (const r of resourceChanges(preview)) tally.set(r.op, (tally.get(r.op) ?? 0) + 1);
    }
    const other: Record<string, number> = {};
    for (const [op, n] of tally) if (!(MAIN_OPS as readonly string[]).includes(op) && n > 0) other[op] = n;
    return {
        create: tally.get("create") ?? 0,
        update: tally.get("update") ?? 0,
        replace: tally.get("replace") ?? 0,
        delete: tally.get("delete") ?? 0,
        same: tally.get("same") ?? 0,
        other,
    };
}

/** Text for a table cell or list item: no line breaks, no raw HTML, no column breaks. */
function text(s: string): string {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|").replace(/\s*[\r\n]+\s*/g, " ");
}

/** A code span for a table cell. */
function code(s: string): string {
    return "`" + s.replace(/`/g, "'").replace(/\|/g, "\\|").replace(/\s*[\r\n]+\s*/g, " ") + "`";
}

function beforeAfter(before: string | undefined, after: string | undefined): string {
    return `${text(before ?? ABSENT)} → ${text(after ?? ABSENT)}`;
}

/** One row of the Kong sizing table. */
export function kongSizingRow(r: KongReleaseChange): string {
    const cell = (k: keyof KongSizing) => beforeAfter(r.before?.[k], r.after?.[k]);
    return `| ${code(r.name)} | ${r.op} | ${cell("replicas")} | ${cell("workers")} | ${cell("cpu")} | ${cell("memory")} | ${cell("memCacheSize")} | ${cell("recycling")} |`;
}

/** A key for the values table: dotted, with inner keys that are not plain identifiers quoted (`podAnnotations["kuma.io/gateway"]`). */
function joinKey(prefix: string, key: string): string {
    // At the top (annotations), a key reads best as it is.
    if (prefix === "") return key;
    if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) return `${prefix}.${key}`;
    return `${prefix}[${JSON.stringify(key)}]`;
}

/** Leaves of nested objects by dotted key; arrays, scalars, secrets and empty objects are leaves. */
export function flattenValues(v: unknown, prefix = "", out: Map<string, unknown> = new Map()): Map<string, unknown> {
    if (isObject(v) && Object.keys(v).length > 0) {
        for (const [k, x] of Object.entries(v)) flattenValues(x, joinKey(prefix, k), out);
    } else {
        out.set(prefix, v);
    }
    return out;
}

/** Whether key is inside the value at ancestor (`a.b` is inside `a`; `a.bc` is not). */
function isUnder(key: string, ancestor: string): boolean {
    if (ancestor === "") return true;
    return key.startsWith(ancestor) && (key[ancestor.length] === "." || key[ancestor.length] === "[");
}

export interface ValueChange {
    /** Dotted path of the key (`gateway.env.log_level`); "" for the whole value. */
    readonly key: string;
    /** As shown: the value, ABSENT when not set, SECRET for a secret, UNKNOWN when known only after the update. */
    readonly old: string;
    readonly new: string;
}

/** One value as a table cell shows it; a secret never shows more than SECRET. */
function shownValue(v: unknown): string {
    if (v === undefined) return ABSENT;
    if (v === SECRET) return SECRET;
    if (v === UNKNOWN_VALUE) return UNKNOWN;
    const s = typeof v === "string" ? (v === "" ? '""' : v) : JSON.stringify(v);
    return s.length > MAX_VALUE_CHARS ? s.slice(0, MAX_VALUE_CHARS - 3) + "..." : s;
}

/**
 * The keys whose value differs between two nested objects (Helm values, annotations), old -> new. A key that is a
 * secret on either side, or lies inside one, is one row of SECRET on both sides (ABSENT where it is not set), so
 * neither the old nor the new value of a secret is printed. Two secrets cannot be compared from the preview;
 * `changedSecrets` (the paths of the step's detailedDiff) says which changed, and without it a secret present on both
 * sides is listed as possibly changed.
 */
export function valueChanges(oldValue: unknown, newValue: unknown, changedSecrets?: (key: string) => boolean): ValueChange[] {
    if (oldValue === SECRET || newValue === SECRET || !isObject(oldValue) || !isObject(newValue)) {
        if (JSON.stringify(oldValue) === JSON.stringify(newValue) && oldValue !== SECRET) return [];
        const masked = oldValue === SECRET || newValue === SECRET;
        const side = (v: unknown) => (v === undefined ? ABSENT : masked ? SECRET : shownValue(v));
        if (masked && oldValue === SECRET && newValue === SECRET && changedSecrets && !changedSecrets("")) return [];
        return [{ key: "", old: side(oldValue), new: side(newValue) }];
    }
    const before = flattenValues(oldValue);
    const after = flattenValues(newValue);
    const keys = [...new Set([...after.keys(), ...before.keys()])];
    const secretKeys = keys.filter((k) => before.get(k) === SECRET || after.get(k) === SECRET);
    const rows: ValueChange[] = [];
    const done = new Set<string>();
    for (const key of keys) {
        const secret = secretKeys.find((s) => s === key || isUnder(key, s));
        if (secret !== undefined) {
            if (done.has(secret)) continue;
            done.add(secret);
            const has = (m: Map<string, unknown>) => [...m.keys()].some((k) => k === secret || isUnder(k, secret));
            const o = has(before) ? SECRET : ABSENT;
            const n = has(after) ? SECRET : ABSENT;
            const bothSecretLeaves = before.get(secret) === SECRET && after.get(secret) === SECRET;
            if (bothSecretLeaves && changedSecrets && !changedSecrets(secret)) continue;
            rows.push({ key: secret, old: o, new: bothSecretLeaves && !changedSecrets ? `${SECRET} (may have changed)` : n });
            continue;
        }
        const o = before.get(key);
        const n = after.get(key);
        if (JSON.stringify(o) === JSON.stringify(n)) continue;
        rows.push({ key, old: shownValue(o), new: shownValue(n) });
    }
    return rows;
}

/** The step's detailedDiff paths, in the dotted form of valueChanges, below `root`; undefined without a detailedDiff. */
function diffPaths(detailedDiff: unknown, root: string): ((key: string) => boolean) | undefined {
    if (!isObject(detailedDiff)) return undefined;
    const paths = Object.keys(detailedDiff)
        .filter((p) => p === root || p.startsWith(root + ".") || p.startsWith(root + "["))
        .map((p) => p.slice(root.length).replace(/^\./, "").replace(/\["([^"]*)"\]/g, (_m, k: string) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`)).replace(/^\./, ""));
    return (key: string) => paths.some((p) => p === key || isUnder(p, key) || isUnder(key, p));
}

export interface ResourceValueChanges {
    readonly name: string;
    readonly type: string;
    readonly op: string;
    /** "Helm values", "annotations" or "pod template annotations". */
    readonly what: string;
    readonly changes: ValueChange[];
}

/** A resource's input at path, or its output where the preview recorded no input (a read or an import). */
function stateInput(state: Json | undefined, path: string): unknown {
    if (!state) return undefined;
    const fromInputs = at(state, `inputs.${path}`);
    return fromInputs !== undefined ? fromInputs : at(state, `outputs.${path}`);
}

/**
 * For each updated or replaced resource: its changed Helm values keys (a Helm Release) or annotations (any other
 * Kubernetes object: metadata, and the pod template's), old -> new, secrets masked.
 */
export function valueChangesOf(preview: unknown): ResourceValueChanges[] {
    if (!isObject(preview)) return [];
    const detailedDiffs = new Map<string, unknown>();
    for (const step of Array.isArray(preview.steps) ? preview.steps : []) {
        if (isObject(step) && typeof step.urn === "string" && isObject(step.detailedDiff)) detailedDiffs.set(step.urn, step.detailedDiff);
    }
    const out: ResourceValueChanges[] = [];
    for (const r of resourceChanges(preview)) {
        if ((r.op !== "update" && r.op !== "replace") || !r.oldState || !r.newState) continue;
        const parts: [string, string][] =
            r.type === HELM_RELEASE_TYPE ? [["Helm values", "values"]] : r.type.startsWith("kubernetes:") ? [["annotations", "metadata.annotations"], ["pod template annotations", "spec.template.metadata.annotations"]] : [];
        for (const [what, path] of parts) {
            const before = stateInput(r.oldState, path);
            const after = stateInput(r.newState, path);
            if (before === undefined && after === undefined) continue;
            const changes = valueChanges(before ?? {}, after ?? {}, diffPaths(detailedDiffs.get(r.urn), path));
            if (changes.length > 0) out.push({ name: r.name, type: r.type, op: r.op, what, changes });
        }
    }
    return out;
}

/** Why replacing or deleting a resource is dangerous; undefined when it is not. */
function dangerOf(r: ResourceChange): string | undefined {
    const either = (path: string) => [r.oldState, r.newState].map((s) => stateInput(s, path)).filter((v) => v !== undefined);
    if (isKongRelease(r)) return "Kong Helm release: its pods, and with an NLB the proxy Service that owns the NLB";
    if (r.type === "kubernetes:core/v1:Service" && either("spec.type").includes("LoadBalancer")) return "Service of type LoadBalancer: owns an NLB, whose address changes";
    if (r.type === "kubernetes:networking.k8s.io/v1:Ingress") {
        const alb =
            either("spec.ingressClassName").includes("alb") ||
            either("metadata.annotations").some((a) => isObject(a) && (a["kubernetes.io/ingress.class"] === "alb" || Object.keys(a).some((k) => k.startsWith("alb.ingress.kubernetes.io/"))));
        if (alb) return "ALB Ingress: owns the ALB, whose address changes";
    }
    if (/^kubernetes:apiextensions\.k8s\.io\/v1(beta1)?:CustomResourceDefinition$/.test(r.type)) return "CustomResourceDefinition: deleting it deletes every object of its kind";
    return undefined;
}

export interface DangerousChange {
    readonly name: string;
    readonly type: string;
    /** "replace" or "delete". */
    readonly op: string;
    readonly why: string;
}

/** The replaces and deletes of what owns a load balancer (LoadBalancer Service, ALB Ingress), of the Kong release and of CRDs. */
export function dangerousChanges(preview: unknown): DangerousChange[] {
    if (!isObject(preview)) return [];
    return resourceChanges(preview)
        .filter((r) => r.op === "replace" || r.op === "delete")
        .flatMap((r) => {
            const why = dangerOf(r);
            return why ? [{ name: r.name, type: r.type, op: r.op, why }] : [];
        });
}

function diagnosticCounts(preview: Json): { errors: string[]; warnings: number } {
    const errors: string[] = [];
    let warnings = 0;
    for (const d of Array.isArray(preview.diagnostics) ? preview.diagnostics : []) {
        if (!isObject(d)) continue;
        if (d.severity === "error") errors.push(`${str(d.prefix) ?? ""}${str(d.message) ?? ""}`.trim());
        else if (d.severity === "warning") warnings += 1;
    }
    return { errors, warnings };
}

function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function notAPreview(why: string): string {
    return ["## Pulumi preview", "", `**Could not summarize the preview:** ${why}`, ""].join("\n");
}

/** Whether the summary describes a preview (false: the input was unreadable and the summary says why). */
function describe(json: unknown): { markdown: string; ok: boolean } {
    if (!isObject(json)) {
        const got = json === null ? "null" : Array.isArray(json) ? "an array" : typeof json;
        return { ok: false, markdown: notAPreview(`expected the JSON object printed by \`pulumi preview --json\`, got ${got}.`) };
    }
    if (!Array.isArray(json.steps) && !isObject(json.changeSummary)) {
        const hint = json.diagnostics !== undefined ? ` ${plural(diagnosticCounts(json).errors.length, "error")} reported.` : "";
        return { ok: false, markdown: notAPreview(`the JSON has neither \`steps\` nor \`changeSummary\`; is it the output of \`pulumi preview --json\`?${hint}`) };
    }

    const resources = resourceChanges(json);
    const changed = resources.filter((r) => !UNCHANGING_OPS.has(r.op));
    const counts = countOperations(json);
    const changingOthers = Object.keys(counts.other).filter((op) => !UNCHANGING_OPS.has(op));
    const { errors, warnings } = diagnosticCounts(json);
    const anyChange = changed.length > 0 || counts.create + counts.update + counts.replace + counts.delete > 0 || changingOthers.length > 0;
    if (!anyChange && errors.length === 0 && json.maybeCorrupt !== true) return { ok: true, markdown: NO_CHANGES + "\n" };

    const lines: string[] = [];
    const where = resources.map((r) => parseUrn(r.urn)).find((u) => u.stack !== undefined);
    lines.push(where ? `## Pulumi preview: ${code(`${where.project}/${where.stack}`)}` : "## Pulumi preview", "");

    const dangers = dangerousChanges(json);
    if (dangers.length > 0) {
        lines.push("> [!WARNING]", DANGER_TITLE + " A replaced load balancer gets a new address, Kong drops traffic while its release is replaced, and a deleted CRD takes every object of its kind with it.", ">");
        for (const d of dangers) lines.push(`> - **${d.op}** ${code(d.name)} (${text(d.why)})`);
        lines.push("");
    }

    if (json.maybeCorrupt === true) lines.push("> **Warning:** Pulumi reports that one or more resources may be corrupt.", "");
    if (errors.length > 0 || warnings > 0) {
        lines.push(`**Diagnostics:** ${plural(errors.length, "error")}, ${plural(warnings, "warning")}.`, "");
        for (const e of errors.slice(0, 5)) lines.push(`- ${text(e.length > 300 ? e.slice(0, 297) + "..." : e)}`);
        if (errors.length > 5) lines.push(`- ... and ${errors.length - 5} more`);
        if (errors.length > 0) lines.push("");
    }

    lines.push("| Operation | Count |", "| --- | ---: |");
    for (const op of MAIN_OPS) lines.push(`| ${op} | ${counts[op]} |`);
    for (const [op, n] of Object.entries(counts.other)) lines.push(`| ${text(op)} | ${n} |`);
    lines.push("");

    const kong = kongReleaseChanges(json);
    if (kong.length > 0) {
        lines.push("### Kong sizing", "");
        lines.push(SIZING_HEADER, "| --- | --- | --- | --- | --- | --- | --- | --- |");
        for (const r of kong) lines.push(kongSizingRow(r));
        lines.push("");
    }

    const rateLimits = rateLimitChanges(json).filter((r) => r.limits.length > 0);
    if (rateLimits.length > 0) {
        lines.push("### Rate limits (cluster-wide)", "");
        lines.push("`local` counts in each Kong pod, so the cluster admits up to the limit x the pods; `redis` shares one counter.", "");
        lines.push("| KongPlugin | Op | Policy | Limit | Cluster-wide |", "| --- | --- | --- | --- | --- |");
        for (const r of rateLimits) for (const l of r.limits) lines.push(rateLimitRow(r, l));
        lines.push("");
    }

    const values = valueChangesOf(json);
    if (values.length > 0) {
        lines.push("### Changed values (old → new)", "");
        for (const v of values) {
            lines.push(`${code(v.name)} ${code(v.type)} (${v.op}), ${v.what}:`, "");
            lines.push(VALUES_HEADER, "| --- | --- | --- |");
            for (const c of v.changes.slice(0, MAX_VALUE_ROWS)) lines.push(`| ${code(c.key === "" ? "(all)" : c.key)} | ${text(c.old)} | ${text(c.new)} |`);
            if (v.changes.length > MAX_VALUE_ROWS) lines.push(`| ... and ${v.changes.length - MAX_VALUE_ROWS} more | | |`);
            lines.push("");
        }
    }

    if (changed.length > 0) {
        lines.push("<details>", `<summary>${plural(changed.length, "changed resource")}</summary>`, "");
        lines.push("| Op | Type | Name | Changed properties |", "| --- | --- | --- | --- |");
        for (const r of changed) {
            const keys = r.op === "replace" && r.replaceReasons.length > 0 ? r.replaceReasons : r.diffReasons;
            const shown = keys.slice(0, 8).map(code).join(", ") + (keys.length > 8 ? `, +${keys.length - 8} more` : "");
            lines.push(`| ${text(r.op)} | ${code(r.type)} | ${code(r.name)} | ${shown} |`);
        }
        lines.push("", "</details>", "");
    }
    return { ok: true, markdown: lines.join("\n") };
}

/** The Markdown summary of a parsed `pulumi preview --json` document ("No changes." when nothing changes). */
export function summarizePreview(json: unknown): string {
    return describe(json).markdown;
}

/**
 * Summarizes the text printed by `pulumi preview --json`. `ok` is false when the text is empty or not a preview
 * (the Markdown then says so). Tolerates stray lines around the JSON object.
 */
export function summarizePreviewText(input: string): { markdown: string; ok: boolean } {
    const trimmed = input.replace(/^\uFEFF/, "").trim();
    if (trimmed === "") return { ok: false, markdown: notAPreview("the input is empty; did `pulumi preview --json` fail before printing anything?") };
    let parsed: unknown;
    try {
        parsed = JSON.parse(trimmed);
    } catch (e) {
        const start = trimmed.search(/^\{/m);
        const end = trimmed.lastIndexOf("}");
        let recovered = false;
        if (start >= 0 && end > start) {
            try {
                parsed = JSON.parse(trimmed.slice(start, end + 1));
                recovered = true;
            } catch {
                // fall through to the report below
            }
        }
        if (!recovered) return { ok: false, markdown: notAPreview(`the input is not valid JSON (${text((e as Error).message)}).`) };
    }
    return describe(parsed);
}

const USAGE = "usage: preview-summary [preview.json | -]\n  Reads `pulumi preview --json` output (a file, or stdin for - or no argument) and prints a Markdown summary.\n";

/** The command: returns the exit code (0 summarized, 1 unreadable input, 2 usage). */
export function main(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
    const args = argv.filter((a) => a !== "--");
    if (args.some((a) => a === "-h" || a === "--help")) {
        out(USAGE);
        return 0;
    }
    if (args.length > 1) {
        err(USAGE);
        return 2;
    }
    const source = args[0] ?? "-";
    if (source === "-" && args.length === 0 && process.stdin.isTTY) {
        err(USAGE);
        return 2;
    }
    let input: string;
    try {
        input = fs.readFileSync(source === "-" ? 0 : source, "utf8");
    } catch (e) {
        const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? `${source} does not exist` : (e as Error).message;
        out(notAPreview(`could not read the input: ${text(why)}.`));
        err(`preview-summary: ${why}\n`);
        return 1;
    }
    const { markdown, ok } = summarizePreviewText(input);
    out(markdown.endsWith("\n") ? markdown : markdown + "\n");
    if (!ok) err("preview-summary: the input is not `pulumi preview --json` output; the summary says why\n");
    return ok ? 0 : 1;
}

if (require.main === module) {
    process.exitCode = main(
        process.argv.slice(2),
        (s) => process.stdout.write(s),
        (s) => process.stderr.write(s),
    );
}
