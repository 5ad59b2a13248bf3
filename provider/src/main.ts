// Entry point of the pulumi-resource-meshedge plugin. The engine waits for the gRPC port before it
// sends anything, so start-up loads only Pulumi's provider server and the schema; provider.ts (and
// with it @pulumi/pulumi's SDK, the rules and the generated types) loads on the first construct or
// invoke, and each component's resource SDKs on its first construct.
import type * as pulumi from "@pulumi/pulumi";
import { main, type Provider } from "@pulumi/pulumi/provider";
import schemaJson from "../schema.json";
import type { MeshedgeProvider } from "./provider";

let loaded: MeshedgeProvider | undefined;
const implementation = (): MeshedgeProvider => (loaded ??= new (require("./provider") as typeof import("./provider")).MeshedgeProvider());

const startup: Provider = {
    version: schemaJson.version,
    schema: JSON.stringify(schemaJson),
    construct: (name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions) => implementation().construct(name, type, inputs, options),
    invoke: (token: string, inputs: pulumi.Inputs) => implementation().invoke(token, inputs),
};

if (process.env.MESHEDGE_PLUGIN_CODE_CACHE_PASS === "1") {
    // The build's code-cache pass (scripts/lib/build-plugin.ts): compile everything a construct runs, serve nothing.
    implementation().loadComponents();
} else {
    main(startup, process.argv.slice(2)).catch((err) => {
        console.error(err instanceof Error ? err.message : err);
        process.exit(1);
    });
}
