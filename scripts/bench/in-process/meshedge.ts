// What examples/typescript imports as "@meshedge/pulumi", answered in this process: the provider's own
// component classes and rules instead of the SDK's remote ones. npm run bench runs the demo's program
// text against it (scripts/lib/in-process-program.ts), so the two previews it compares cannot drift.
import { computeKongSizing, SizingInputs } from "../../../provider/src/rules/sizing";

export * from "../../../sdk/nodejs/types/enums";
export { EdgeStack } from "../../../provider/src/components/edgeStack";

/** The SDK's invoke, computed here: the program reads only `.sizing`. */
export const computeKongSizingOutput = (inputs: SizingInputs) => ({ sizing: computeKongSizing(inputs) });
