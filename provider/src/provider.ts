// The multi-language provider: construct for each component, invoke for the sizing function.
// Component modules load on first use, so the plugin starts without loading the resource SDKs.
import * as pulumi from "@pulumi/pulumi";
import * as provider from "@pulumi/pulumi/provider";
import schemaJson from "../schema.json";
import {
    ComputeKongSizingArgs,
    ComputeKongSizingResult,
    ComputeKongSizingToken,
    EdgeStackToken,
    GrpcServiceToken,
    KongGatewayToken,
    LoadBalancerControllerToken,
    MeshNamespaceToken,
} from "./generated/schema-types";
import { computeKongSizing } from "./rules/sizing";

type ComponentClass = new (name: string, args: any, opts: pulumi.ComponentResourceOptions) => pulumi.ComponentResource;

/** One entry per component token; each loads its module only when that component is constructed. */
const components: Record<string, () => ComponentClass> = {
    [EdgeStackToken]: () => require("./components/edgeStack").EdgeStack,
    [KongGatewayToken]: () => require("./components/kongGateway").KongGateway,
    [MeshNamespaceToken]: () => require("./components/meshNamespace").MeshNamespace,
    [GrpcServiceToken]: () => require("./components/grpcService").GrpcService,
    [LoadBalancerControllerToken]: () => require("./components/loadBalancerController").LoadBalancerController,
};

interface PropertySpec {
    plain?: boolean;
}
const resourceSpecs = schemaJson.resources as Record<string, { inputProperties: Record<string, PropertySpec>; properties: Record<string, PropertySpec> }>;

/**
 * Plain (structural) inputs must be values the rules can check synchronously. The engine wraps a
 * top-level input in an Output when it carries a secret or a dependency; unwrap those.
 */
async function plainInputs(token: string, inputs: pulumi.Inputs): Promise<pulumi.Inputs> {
    const specs = resourceSpecs[token].inputProperties;
    const result: pulumi.Inputs = { ...inputs };
    for (const [key, value] of Object.entries(inputs)) {
        if (specs[key]?.plain && pulumi.Output.isInstance(value)) {
            result[key] = await (value as unknown as { promise(): Promise<unknown> }).promise();
        }
    }
    return result;
}

export class MeshedgeProvider implements provider.Provider {
    readonly version = schemaJson.version;
    readonly schema = JSON.stringify(schemaJson);

    async construct(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions): Promise<provider.ConstructResult> {
        const load = components[type];
        if (!load) throw new Error(`meshedge has no component ${type}; known: ${Object.keys(components).join(", ")}`);
        const Component = load();
        const component = new Component(name, await plainInputs(type, inputs), options);
        const state: pulumi.Inputs = {};
        for (const key of Object.keys(resourceSpecs[type].properties)) {
            state[key] = (component as unknown as Record<string, unknown>)[key];
        }
        return { urn: component.urn, state };
    }

    async invoke(token: string, inputs: pulumi.Inputs): Promise<provider.InvokeResult> {
        if (token !== ComputeKongSizingToken) throw new Error(`meshedge has no function ${token}`);
        const result: ComputeKongSizingResult = { sizing: computeKongSizing(inputs as ComputeKongSizingArgs) };
        return { outputs: result };
    }
}

export function main(args: string[]): Promise<void> {
    return provider.main(new MeshedgeProvider(), args);
}
