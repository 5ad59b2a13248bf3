// What examples/typescript imports as "@meshedge/pulumi", answered in this process: the provider's own
// component classes and rules instead of the SDK's remote ones. npm run bench runs the demo's program
// text against it (deriveTypeScriptExample in scripts/lib/prepare-examples.ts), so the two previews it compares cannot drift.
import { computeKongSizing, SizingInputs } from "../../../provider/src/rules/sizing";

// The schema's enums, with the names the SDK gives them (both generated from provider/schema.json).
export * from "../../../provider/src/generated/schema-types";
export { EdgeStack } from "../../../provider/src/components/edgeStack";

/** The SDK's invoke, computed here: the program reads only `.sizing`. */
export const computeKongSizingOutput = (inputs: SizingInputs) => ({ sizing: computeKongSizing(inputs) });
