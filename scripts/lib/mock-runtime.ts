// Runs components in process against Pulumi's mock monitor and records every registered resource.
import * as pulumi from "@pulumi/pulumi";
// waitForRPCs is marked internal (absent from the typings) but is how the SDK drains registrations.
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

export interface Registered {
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    readonly inputs: Record<string, any>;
}

/** Builds resources under fresh mocks; resolves with everything registered, in registration order. */
export async function render(build: () => unknown): Promise<Registered[]> {
    const registered: Registered[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                registered.push({ type: args.type, name: args.name, custom: args.custom ?? true, inputs: args.inputs });
                const awsOutputs = args.type.startsWith("aws:") ? { arn: `arn:aws:iam::123456789012:mock/${args.name}`, name: args.name } : {};
                return { id: args.custom ? `${args.name}-id` : undefined, state: { ...args.inputs, ...awsOutputs } };
            },
            call: () => ({}),
        },
        "meshedge-unit",
        "unit",
        true,
    );
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
