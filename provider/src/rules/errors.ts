/** One invalid input: which field, what value it had, why that is wrong and how to fix it. */
export interface InputProblem {
    readonly field: string;
    readonly value: unknown;
    readonly problem: string;
    readonly fix: string;
}

export function describeValue(value: unknown): string {
    if (value === undefined) return "(unset)";
    return typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
}

export function formatProblem(p: InputProblem): string {
    return `${p.field} = ${describeValue(p.value)}: ${p.problem}. Fix: ${p.fix}.`;
}

/**
 * Thrown before any resource is registered when inputs are invalid. The message lists every
 * problem found, one per line, so a user fixes them all in one go.
 */
export class MeshedgeInputError extends Error {
    constructor(readonly component: string, readonly problems: readonly InputProblem[]) {
        super(
            `invalid ${component} inputs:\n` + problems.map((p) => `  - ${formatProblem(p)}`).join("\n"),
        );
        this.name = "MeshedgeInputError";
    }
}

/** Collects problems while the validators run; throws them together. */
export class Problems {
    private readonly found: InputProblem[] = [];

    add(field: string, value: unknown, problem: string, fix: string): void {
        this.found.push({ field, value, problem, fix });
    }

    get list(): readonly InputProblem[] {
        return this.found;
    }

    throwIfAny(component: string): void {
        if (this.found.length > 0) throw new MeshedgeInputError(component, this.found);
    }
}
