// Collecting input problems. Validators add to a Problems at the property path of what they check
// (`problems.at("services[0]")`), so a child's checks report the path the user wrote at the top.
// Paths use the schema's names (TypeScript's; Go's with capitals); where Python spells a field
// differently, messages name both (sdkNames.ts): the provider cannot tell the caller's language.
import { pythonSpellingIfDifferent } from "./sdkNames";

/** One invalid input: its property path, the value it had, why that is wrong and how to fix it. */
export interface InputProblem {
    readonly field: string;
    readonly value: unknown;
    readonly problem: string;
    readonly fix: string;
}

export function describeValue(value: unknown): string {
    if (value === undefined) return "(unset)";
    return JSON.stringify(value) ?? String(value);
}

/** `field = value: problem. Fix: fix.`, then ` In Python: a.b_c.` where Python spells the field differently. */
export function formatProblem(p: InputProblem): string {
    return `${p.field} = ${describeValue(p.value)}: ${p.problem}. Fix: ${p.fix}.${pythonSpellingNote(p.field)}`;
}

/** The sentence naming a field's Python spelling where it differs (`In Python: a.b_c.`), else "". */
export function pythonSpellingNote(field: string): string {
    const python = pythonSpellingIfDifferent(field);
    return python === undefined ? "" : ` In Python: ${python}.`;
}

/** `a` + `b` -> `a.b`; `a` + `[0]` -> `a[0]`; an empty side drops out. */
export function joinPath(prefix: string, field: string): string {
    if (prefix === "") return field;
    if (field === "") return prefix;
    return field.startsWith("[") ? `${prefix}${field}` : `${prefix}.${field}`;
}

/** Every problem found in one validation pass, shared by the scoped views `at()` hands out. */
export class Problems {
    constructor(
        private readonly prefix = "",
        private readonly found: InputProblem[] = [],
    ) {}

    /** A view that records fields under `path`. */
    at(path: string): Problems {
        return new Problems(joinPath(this.prefix, path), this.found);
    }

    add(field: string, value: unknown, problem: string, fix: string): void {
        this.found.push({ field: joinPath(this.prefix, field), value, problem, fix });
    }

    /** Whether a problem was already reported at `field` (under this view's path). */
    has(field: string): boolean {
        const path = joinPath(this.prefix, field);
        return this.found.some((p) => p.field === path);
    }

    get list(): readonly InputProblem[] {
        return this.found;
    }
}

/** A value of a schema enum (the generated constant object), or a problem naming every allowed value; true when unset or allowed. */
export function checkOneOf(problems: Problems, field: string, value: unknown, allowed: Record<string, string>, what: string): boolean {
    const values = Object.values(allowed);
    if (value === undefined || values.includes(value as string)) return true;
    problems.add(field, value, `unknown ${what}`, `use ${values.map((v) => JSON.stringify(v)).join(", ")}`);
    return false;
}

/** `invalid <component> inputs (N problems, each with its fix)` */
export function problemsHeader(component: string, count: number): string {
    return `invalid ${component} inputs (${count} ${count === 1 ? "problem" : "problems"}, each with its fix)`;
}

/** The header and one `field = value: problem. Fix: fix.` line per problem. */
export function describeProblems(component: string, problems: readonly InputProblem[]): string {
    return [`${problemsHeader(component, problems.length)}:`, ...problems.map((p) => `  - ${formatProblem(p)}`)].join("\n");
}

/** The largest Kubernetes int32 (replicas, maxSkew, a PodDisruptionBudget's counts, UIDs and GIDs as meshedge writes them). */
export const INT32_MAX = 2147483647;

/** A whole number from min to max: the shape of every count, port, size and duration input. */
export function isWholeNumber(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): value is number {
    return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

/** A Kubernetes resource quantity (apimachinery resource.Quantity: decimal number, optional SI or binary suffix). */
export const QUANTITY = /^(?:\d+(?:\.\d*)?|\.\d+)(?:m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** A Kubernetes resource quantity greater than zero: a size or CPU amount a container or volume can have. */
export function isPositiveQuantity(value: unknown): value is string {
    return typeof value === "string" && QUANTITY.test(value) && /[1-9]/.test(value.replace(/[a-zA-Z]+$/, ""));
}
