// A small Kubernetes REST client (bearer token) for reading back what `pulumi up` created on the local cluster.
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
