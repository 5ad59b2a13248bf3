import * as pulumi from "@pulumi/pulumi";

/** Exposes each output as `component.<name>`: an Output, as the generated SDKs read them. */
export function exposeOutputs(component: pulumi.ComponentResource, outputs: object): void {
    for (const [key, value] of Object.entries(outputs)) {
        (component as unknown as Record<string, unknown>)[key] = pulumi.output(value);
    }
}
