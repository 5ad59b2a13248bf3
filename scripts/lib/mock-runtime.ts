// Runs components in process against Pulumi's mock monitor and records every registered resource.
import * as pulumi from "@pulumi/pulumi";
// waitForRPCs is marked internal (absent from the typings) but is how the SDK drains registrations.
const { waitForRPCs, getMonitor } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void>; getMonitor(): MockMonitor };

/** The parts of the SDK's mock monitor and its RegisterResourceRequest (protobuf) read here. */
interface RegisterRequest {
    getDependenciesList(): string[];
}
interface MockMonitor {
    registerResource(req: RegisterRequest, callback: (err: unknown, res?: { getUrn(): string }) => void): Promise<void>;
}

export interface Registered {
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    readonly inputs: Record<string, any>;
    /** The URN the mock monitor gave it. */
    readonly urn: string;
    /**
     * The URNs the SDK sent as its dependencies: what the engine waits for before creating it
     * (explicit `dependsOn`, with components expanded to their custom-resource children, and inputs' resources).
     */
    readonly dependencies: readonly string[];
}

/** Builds resources under fresh mocks; resolves with everything registered, in registration order. */
export async function render(build: () => unknown): Promise<Registered[]> {
    const registered: { -readonly [K in keyof Registered]: Registered[K] }[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                registered.push({ type: args.type, name: args.name, custom: args.custom ?? true, inputs: args.inputs, urn: "", dependencies: [] });
                const awsOutputs = args.type.startsWith("aws:") ? { arn: `arn:aws:iam::123456789012:mock/${args.name}`, name: args.name } : {};
                return { id: args.custom ? `${args.name}-id` : undefined, state: { ...args.inputs, ...awsOutputs } };
            },
            call: () => ({}),
        },
        "meshedge-unit",
        "unit",
        true,
    );
    // The mock monitor calls newResource synchronously at the start of registerResource, so the
    // record just pushed belongs to this request; its dependencies and URN are only in the request and response.
    const monitor = getMonitor();
    const registerResource = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
        const index = registered.length;
        return registerResource(req, (err, res) => {
            const record = registered[index];
            if (record) {
                record.dependencies = req.getDependenciesList();
                if (res) record.urn = res.getUrn();
            }
            callback(err, res);
        });
    };
    build();
    await waitForRPCs();
    return registered;
}

/** Builds under mocks and returns the thrown error (or fails if nothing was thrown), plus what got registered. */
export async function renderError(build: () => unknown): Promise<{ error: Error; registered: Registered[] }> {
    let error: Error | undefined;
    const registered = await render(() => {
        try {
            build();
        } catch (e) {
            error = e as Error;
        }
    });
    if (!error) throw new Error("expected the inputs to be rejected, but nothing was thrown");
    return { error, registered };
}

export function ofType(resources: readonly Registered[], type: string): Registered[] {
    return resources.filter((r) => r.type === type);
}

export function one(resources: readonly Registered[], type: string, name?: string): Registered {
    const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
    if (found.length !== 1) {
        throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${resources.map((r) => `${r.type}/${r.name}`).join(", ")}`);
    }
    return found[0];
}

/** The kubernetes object a resource would send to the API server (CustomResources carry apiVersion/kind in their inputs). */
export function kubernetesObject(r: Registered): Record<string, any> | undefined {
    const m = /^kubernetes:([^:]+):(.+)$/.exec(r.type);
    if (!m || r.type.startsWith("kubernetes:helm.sh")) return undefined;
    if (r.inputs.apiVersion && r.inputs.kind) return r.inputs;
    const [group, version] = m[1].split("/");
    return { apiVersion: group === "core" ? version : `${group}/${version}`, kind: m[2], ...r.inputs };
}

/** Every URN `r` waits for, directly or through its dependencies: the engine's creation order. */
export function waitsFor(resources: readonly Registered[], r: Registered): Set<string> {
    const byUrn = new Map(resources.map((x) => [x.urn, x]));
    const seen = new Set<string>();
    const pending = [...r.dependencies];
    while (pending.length) {
        const urn = pending.pop()!;
        if (seen.has(urn)) continue;
        seen.add(urn);
        pending.push(...(byUrn.get(urn)?.dependencies ?? []));
    }
    return seen;
}
