// Validate once, at the top. A component validates its args before registering anything and throws
// every problem at once as Pulumi's InputPropertiesError, which the engine prints per property path
// in every language. Args a composing component built from inputs it already validated are marked,
// and the child does not check them again.
import * as pulumi from "@pulumi/pulumi";
import { describeProblems, InputProblem, Problems, problemsHeader, pythonSpellingNote } from "../rules/errors";

/**
 * Invalid inputs: the engine shows each as `property <path> with value '<v>' has a problem: <reason>. Fix: <fix>.`
 * The engine reads the value at the path from the inputs (camelCase from every SDK), so the path stays
 * the schema's; the Python spelling, where different, ends the reason.
 */
export class MeshedgeInputError extends pulumi.InputPropertiesError {
    constructor(
        readonly component: string,
        readonly problems: readonly InputProblem[],
    ) {
        super({
            message: problemsHeader(component, problems.length),
            errors: problems.map((p) => ({ propertyPath: p.field, reason: `${p.problem}. Fix: ${p.fix}.${pythonSpellingNote(p.field)}` })),
        });
        this.name = "MeshedgeInputError";
    }

    /** The header and one `field = value: problem. Fix: fix.` line per problem (what invoke callers see). */
    describe(): string {
        return describeProblems(this.component, this.problems);
    }
}

const validated = new WeakSet<object>();

/** Marks args built from already-validated inputs, so the child component skips its own pass. */
export function prevalidated<T extends object>(args: T): T {
    validated.add(args);
    return args;
}

/** Runs `check` on args not marked prevalidated; throws every problem it finds. */
export function validateOnce<T extends object>(component: string, args: T, check: (problems: Problems, args: T) => void): void {
    if (validated.has(args)) return;
    const problems = new Problems();
    check(problems, args);
    if (problems.list.length > 0) throw new MeshedgeInputError(component, problems.list);
}
