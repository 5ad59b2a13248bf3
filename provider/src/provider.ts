// The multi-language provider: construct for each component, invoke for the sizing function.
// main.ts loads this module on the first construct or invoke; component modules load on first use.
import * as pulumi from "@pulumi/pulumi";
import * as provider from "@pulumi/pulumi/provider";
import schemaJson from "../schema.json";
import { checkCli } from "./cliCheck";
import {
    ComponentRegistry,
    ComputeKongSizingArgs,
    ComputeKongSizingResult,
    ComputeKongSizingToken,
    EdgeStackToken,
    GrpcServiceToken,
    isComponentToken,
    KongGatewayToken,
    LoadBalancerControllerToken,
    MeshNamespaceToken,
} from "./generated/schema-types";
import { describeProblems, Problems } from "./rules/errors";
import { checkFunctionInputShape } from "./rules/shape";
import { checkSizingInputs, computeKongSizing } from "./rules/sizing";

/** One loader per component token (the type fails to compile when one is missing); each loads its module only when constructed. */
const components: ComponentRegistry = {
    [EdgeStackToken]: () => (require("./components/edgeStack") as typeof import("./components/edgeStack")).EdgeStack,
    [KongGatewayToken]: () => (require("./components/kongGateway") as typeof import("./components/kongGateway")).KongGateway,
    [MeshNamespaceToken]: () => (require("./components/meshNamespace") as typeof import("./components/meshNamespace")).MeshNamespace,
    [GrpcServiceToken]: () => (require("./components/grpcService") as typeof import("./components/grpcService")).GrpcService,
    [LoadBalancerControllerToken]: () => (require("./components/loadBalancerController") as typeof import("./components/loadBalancerController")).LoadBalancerController,
};

interface PropertySpec {
    plain?: boolean;
    $ref?: string;
    items?: PropertySpec;
}
const resourceSpecs = schemaJson.resources as Record<string, { inputProperties: Record<string, PropertySpec>; properties: Record<string, PropertySpec> }>;
const typeSpecs = schemaJson.types as Record<string, { properties?: Record<string, PropertySpec> }>;

/**
 * A plain input that arrived as one secret (an SDK marks a whole object secret when one of its fields is, and the
 * SDK's deserializer hoists a nested secret to the top-level property) loses its secretness when it is unwrapped.
 * Each field the schema does not declare plain (free-form Helm `values`, credentials, passwords) becomes a secret
 * again, so nothing of it reaches state or the preview in plaintext; the plain, structural fields stay readable.
 */
export function secretNonPlainFields(value: unknown, spec: PropertySpec | undefined): unknown {
    if (value === undefined || value === null || spec === undefined) return value;
    if (Array.isArray(value)) return spec.items ? value.map((v) => secretNonPlainFields(v, spec.items)) : value;
    const ref = spec.$ref?.startsWith("#/types/") ? typeSpecs[spec.$ref.slice("#/types/".length)] : undefined;
    if (ref?.properties === undefined || typeof value !== "object") return value;
    const props = ref.properties;
    return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => {
            const prop = props[k];
            if (prop === undefined) return [k, v];
            return [k, prop.plain ? secretNonPlainFields(v, prop) : pulumi.secret(v)];
        }),
    );
}

/**
 * Plain (structural) inputs must be values the rules can check synchronously. The engine wraps a
 * top-level input in an Output when it carries a secret or a dependency; unwrap those, keeping secrets secret.
 */
async function plainInputs(token: string, inputs: pulumi.Inputs): Promise<pulumi.Inputs> {
    const specs = resourceSpecs[token].inputProperties;
    const result: pulumi.Inputs = { ...inputs };
    for (const [key, value] of Object.entries(inputs)) {
        if (specs[key]?.plain && pulumi.Output.isInstance(value)) {
            const output = value as unknown as pulumi.Output<unknown>;
            const plain = await (output as unknown as { promise(): Promise<unknown> }).promise();
            result[key] = (await pulumi.isSecret(output)) ? secretNonPlainFields(plain, specs[key]) : plain;
        }
    }
    return result;
}

export class MeshedgeProvider implements provider.Provider {
    readonly version = schemaJson.version;
    readonly schema = JSON.stringify(schemaJson);

    async construct(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions): Promise<provider.ConstructResult> {
        if (!isComponentToken(type)) throw new Error(`meshedge has no component ${type}; known: ${Object.keys(components).join(", ")}`);
        // A CLI older than the SDKs' gets one clear message before anything is registered.
        await checkCli();
        const Component = components[type]();
        // The engine's inputs are untyped until the component validates them, before it registers anything.
        const component = new Component(name, (await plainInputs(type, inputs)) as never, options);
        return { urn: component.urn, state: component.outputState() };
    }

    /** Loads every component module (the plugin build's code-cache pass). */
    loadComponents(): void {
        for (const load of Object.values(components)) load();
    }

    async invoke(token: string, inputs: pulumi.Inputs): Promise<provider.InvokeResult> {
        if (token !== ComputeKongSizingToken) throw new Error(`meshedge has no function ${token}`);
        // Invoke failures reach the user as their message alone, so it lists every problem.
        const args = inputs as ComputeKongSizingArgs;
        const problems = new Problems();
        checkFunctionInputShape(problems, token, inputs, () => checkSizingInputs(problems, args));
        if (problems.list.length > 0) throw new Error(describeProblems("computeKongSizing", problems.list));
        const result: ComputeKongSizingResult = { sizing: computeKongSizing(args) };
        return { outputs: result };
    }
}
