// A small Kubernetes REST client for reading back what `pulumi up` created on the local cluster.
import * as https from "https";

export interface KubeResponse {
    readonly status: number;
    readonly body: string;
}

export type KubeObject = Record<string, any>;

export interface KubeEndpoint {
    readonly server: string;
    readonly token: string;
}

export class KubeClient {
    private readonly plurals = new Map<string, Map<string, { name: string; namespaced: boolean }>>();

    constructor(private readonly endpoint: KubeEndpoint) {}

    request(method: string, urlPath: string, body?: unknown): Promise<KubeResponse> {
        return new Promise((resolve, reject) => {
            const payload = body === undefined ? undefined : JSON.stringify(body);
            const headers: Record<string, string> = { Authorization: `Bearer ${this.endpoint.token}`, Accept: "application/json" };
            if (payload !== undefined) headers["Content-Type"] = "application/json";
            const req = https.request(`${this.endpoint.server}${urlPath}`, { method, headers, rejectUnauthorized: false, timeout: 10_000 }, (res) => {
                let text = "";
                res.setEncoding("utf8");
                res.on("data", (chunk: string) => (text += chunk));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
            });
            req.on("timeout", () => req.destroy(new Error(`${method} ${urlPath}: timeout`)));
            req.on("error", reject);
            if (payload !== undefined) req.write(payload);
            req.end();
        });
    }

    /** The object at urlPath, or undefined when the API server answers 404. */
    async get(urlPath: string): Promise<KubeObject | undefined> {
        const res = await this.request("GET", urlPath);
        if (res.status === 404) return undefined;
        if (res.status !== 200) throw new Error(`GET ${urlPath}: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
        return JSON.parse(res.body);
    }

    /** Like get, but the object must exist. */
    async must(urlPath: string): Promise<KubeObject> {
        const found = await this.get(urlPath);
        if (found === undefined) throw new Error(`GET ${urlPath}: not found`);
        return found;
    }

    async list(urlPath: string): Promise<KubeObject[]> {
        return (await this.must(urlPath)).items;
    }

    /** The REST path of an object, resolving the kind's plural through API discovery (CRDs included). */
    async objectPath(apiVersion: string, kind: string, name: string, namespace?: string): Promise<string> {
        const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
        let kinds = this.plurals.get(base);
        if (!kinds) {
            const discovery = await this.must(base);
            kinds = new Map();
            for (const r of discovery.resources as { name: string; kind: string; namespaced: boolean }[]) {
                if (!r.name.includes("/")) kinds.set(r.kind, { name: r.name, namespaced: r.namespaced });
            }
            this.plurals.set(base, kinds);
        }
        const resource = kinds.get(kind);
        if (!resource) throw new Error(`${apiVersion} has no kind ${kind}`);
        const scope = resource.namespaced ? `/namespaces/${namespace ?? "default"}` : "";
        return `${base}${scope}/${resource.name}/${name}`;
    }
}

/** Kubernetes quantities as numbers (cores, bytes), so "2048Mi" equals "2Gi" and "1000m" equals "1". */
export function quantity(value: string | number): number {
    if (typeof value === "number") return value;
    const m = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(value.trim());
    if (!m) throw new Error(`not a Kubernetes quantity: ${value}`);
    const scale: Record<string, number> = { "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
    return Number(m[1]) * scale[m[2] ?? ""];
}

/**
 * Where `actual` differs from what `expected` asks for: every field of expected must be in actual with the
 * same value (quantities compared by amount); fields only in actual are fine (API defaults, chart additions).
 */
export function missingFrom(expected: unknown, actual: unknown, at = ""): string[] {
    if (expected === null || expected === undefined) return [];
    if (Array.isArray(expected)) {
        if (!Array.isArray(actual) || actual.length !== expected.length) return [`${at || "."}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
        return expected.flatMap((e, i) => missingFrom(e, actual[i], `${at}[${i}]`));
    }
    if (typeof expected === "object") {
        if (typeof actual !== "object" || actual === null) return [`${at || "."}: expected an object, got ${JSON.stringify(actual)}`];
        return Object.entries(expected as Record<string, unknown>).flatMap(([k, v]) => missingFrom(v, (actual as Record<string, unknown>)[k], `${at}.${k}`));
    }
    if (expected === actual) return [];
    if (sameQuantity(expected, actual)) return [];
    return [`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

function sameQuantity(a: unknown, b: unknown): boolean {
    if ((typeof a !== "string" && typeof a !== "number") || (typeof b !== "string" && typeof b !== "number")) return false;
    try {
        return quantity(a) === quantity(b);
    } catch {
        return false;
    }
}
