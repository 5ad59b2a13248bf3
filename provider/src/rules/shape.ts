// The shape of the inputs, checked against provider/schema.json before any rule runs. Typed SDKs
// send the right types, but the engine passes whatever a raw Construct call, a YAML program or an
// untyped language sends: a string where the schema says integer, an object for an array, null, NaN,
// a misspelt key. The rules assume the schema's types, so a value of the wrong shape is reported
// here, with its path, and the rules do not run on it. Driven by the schema itself, so a new field is
// covered the day it is added.
import schemaJson from "../../schema.json";
import { Problems } from "./errors";

/** The parts of a schema property spec read here. */
export interface PropertySpec {
    readonly type?: string;
    readonly $ref?: string;
    readonly items?: PropertySpec;
    readonly additionalProperties?: PropertySpec | boolean;
    readonly plain?: boolean;
}
interface ObjectSpec {
    readonly properties?: Record<string, PropertySpec>;
    readonly required?: readonly string[];
}
interface TypeSpec extends ObjectSpec {
    readonly type: string;
    readonly enum?: readonly { readonly value: string }[];
}

const schema = schemaJson as unknown as {
    readonly types: Record<string, TypeSpec>;
    readonly resources: Record<string, { readonly inputProperties: Record<string, PropertySpec>; readonly requiredInputs?: readonly string[] }>;
    readonly functions: Record<string, { readonly inputs: ObjectSpec }>;
};

const ANY = "pulumi.json#/Any";

/** `#/types/meshedge:index:Foo` -> its type spec. */
function refType(ref: string): TypeSpec {
    const spec = schema.types[ref.replace(/^#\/types\//, "")];
    if (!spec) throw new Error(`schema.json: unknown type ${ref}`);
    return spec;
}

/** Outputs (a secret, or a value that depends on a resource) reach inputs the schema does not mark plain; their values are known only later. */
function isEventual(value: unknown): boolean {
    return typeof value === "object" && value !== null && ((value as { __pulumiOutput?: unknown }).__pulumiOutput === true || typeof (value as { then?: unknown }).then === "function");
}

/** A JSON-like object: not a list, an Output, or an asset, archive or resource the engine deserialized from its wire form. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value) || isEventual(value)) return false;
    const proto = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
}

/** How a value of this spec is written, for the fix: `a whole number`, `"nlb" or "alb"`, ... */
export function expected(spec: PropertySpec): string {
    if (spec.$ref === ANY) return "any JSON value";
    if (spec.$ref) {
        const type = refType(spec.$ref);
        if (type.enum) return `one of ${type.enum.map((e) => JSON.stringify(e.value)).join(", ")}`;
        return `an object with ${Object.keys(type.properties ?? {}).join(", ")}`;
    }
    switch (spec.type) {
        case "string":
            return "a string";
        case "integer":
            return "a whole number";
        case "number":
            return "a finite number";
        case "boolean":
            return "true or false";
        case "array":
            return `a list of ${spec.items ? plural(expected(spec.items)) : "values"}`;
        case "object":
            return `a map of names to ${typeof spec.additionalProperties === "object" ? plural(expected(spec.additionalProperties)) : "values"}`;
        default:
            throw new Error(`schema.json: no shape for ${JSON.stringify(spec)}`);
    }
}

function plural(what: string): string {
    return what.replace(/^an? (\w+)/, "$1s").replace(/^one of /, "values among ");
}

/** A JSON value kind, for the problem text. */
function kindOf(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "a list";
    if (typeof value === "number") return Number.isNaN(value) ? "NaN" : Number.isFinite(value) ? (Number.isInteger(value) ? "a whole number" : "a fraction") : "an infinite number";
    if (typeof value === "object") {
        const marked = value as Record<string, unknown>;
        if (marked.__pulumiAsset) return "an asset";
        if (marked.__pulumiArchive) return "an archive";
        if (marked.__pulumiResource) return "a resource reference";
        return isPlainObject(value) ? "an object" : `a ${value.constructor?.name ?? "special"} value`;
    }
    return `a ${typeof value}`;
}

/** A known name that differs only in case, underscores or dashes (a Python or YAML spelling): the likely intent. */
function likelyMeant(key: string, known: readonly string[]): string | undefined {
    const norm = (s: string) => s.toLowerCase().replace(/[_-]/g, "");
    return known.find((k) => norm(k) === norm(key));
}

/**
 * What the shape check found. `fatal`: a value the rules cannot read (another JS type, null, NaN, an
 * unknown key, a missing nested object); the rules do not run. `soft`: a string that is not one of an
 * enum's values, a finite number that is not a safe whole number, or a missing top-level required input: the rules run and say it in their own words,
 * and a soft problem is reported only when no rule reported that field.
 */
class Found {
    readonly fatal: Problems = new Problems();
    readonly soft: Problems = new Problems();
}

function wrong(problems: Found, field: string, value: unknown, spec: PropertySpec, into = problems.fatal): void {
    into.add(field, value, `is ${kindOf(value)}, not ${expected(spec)}`, `set ${field === "" ? "it" : field} to ${expected(spec)}, or leave it unset for its default`);
}

function shape(problems: Found, field: string, value: unknown, spec: PropertySpec): void {
    if (value === undefined) return;
    if (isEventual(value) && !spec.plain) return;
    if (spec.$ref === ANY) return anyValue(problems, field, value);
    if (spec.$ref) {
        const type = refType(spec.$ref);
        if (type.enum) {
            if (!type.enum.some((e) => e.value === value)) (typeof value === "string" ? problems.soft : problems.fatal).add(field, value, `is not ${expected(spec)}`, `use ${type.enum.map((e) => JSON.stringify(e.value)).join(", ")}`);
            return;
        }
        if (!isPlainObject(value)) return wrong(problems, field, value, spec);
        return objectShape(problems, field, value, type);
    }
    switch (spec.type) {
        case "string":
            if (typeof value !== "string") wrong(problems, field, value, spec);
            return;
        case "integer":
            // A finite number out of range or with a fraction: the rule that reads it words the range.
            if (typeof value === "number" && Number.isFinite(value) && !Number.isSafeInteger(value)) wrong(problems, field, value, spec, problems.soft);
            else if (typeof value !== "number" || !Number.isSafeInteger(value)) wrong(problems, field, value, spec);
            return;
        case "number":
            if (typeof value !== "number" || !Number.isFinite(value)) wrong(problems, field, value, spec);
            return;
        case "boolean":
            if (typeof value !== "boolean") wrong(problems, field, value, spec);
            return;
        case "array":
            if (!Array.isArray(value)) return wrong(problems, field, value, spec);
            value.forEach((item, i) => {
                // A hole or an explicit undefined in a list has no meaning for any rule.
                if (item === undefined || item === null) problems.fatal.add(`${field}[${i}]`, item ?? null, "is an empty list item", `remove it, or set it to ${expected(spec.items!)}`);
                else shape(problems, `${field}[${i}]`, item, spec.items!);
            });
            return;
        case "object": {
            if (!isPlainObject(value)) return wrong(problems, field, value, spec);
            const items = typeof spec.additionalProperties === "object" ? spec.additionalProperties : { $ref: ANY };
            // Free-form maps (Helm values) read as dotted paths; labels and annotations keep their keys quoted.
            const at = (key: string) => (items.$ref === ANY ? `${field}.${key}` : `${field}[${JSON.stringify(key)}]`);
            for (const [key, item] of Object.entries(value)) {
                if (items.$ref === ANY) anyValue(problems, at(key), item);
                else if (item === undefined || item === null) problems.fatal.add(at(key), item ?? null, "has no value", `remove ${JSON.stringify(key)}, or set it to ${expected(items)}`);
                else shape(problems, at(key), item, items);
            }
            return;
        }
        default:
            throw new Error(`schema.json: no shape for ${JSON.stringify(spec)}`);
    }
}

/** Free-form values (Helm values) become YAML and JSON: only values JSON can carry. */
function anyValue(problems: Found, field: string, value: unknown): void {
    if (value === undefined || value === null || typeof value === "string" || typeof value === "boolean" || isEventual(value)) return;
    if (typeof value === "number") {
        if (!Number.isFinite(value)) problems.fatal.add(field, value, `is ${kindOf(value)}, which YAML and JSON cannot carry`, "use a finite number, or a string");
        return;
    }
    if (Array.isArray(value)) return value.forEach((item, i) => anyValue(problems, `${field}[${i}]`, item));
    if (isPlainObject(value)) {
        for (const [key, item] of Object.entries(value)) if (item !== undefined) anyValue(problems, `${field}.${key}`, item);
        return;
    }
    problems.fatal.add(field, String(value), `is ${kindOf(value)}, which YAML and JSON cannot carry`, "use a string, number, boolean, list or map");
}

function objectShape(problems: Found, field: string, value: Record<string, unknown>, type: ObjectSpec, topLevel = false): void {
    const properties = type.properties ?? {};
    const known = Object.keys(properties);
    for (const [key, item] of Object.entries(value)) {
        // An explicit undefined is an unset field (the engine never sends one).
        if (item === undefined) continue;
        const path = field === "" ? key : `${field}.${key}`;
        const spec = properties[key];
        if (!spec) {
            const meant = likelyMeant(key, known);
            problems.fatal.add(path, item, `is not a field of ${field === "" ? "these inputs" : field}`, meant ? `rename it to ${meant}` : `remove it; the fields are ${known.join(", ")}`);
            continue;
        }
        if (item === null) {
            problems.fatal.add(path, null, "is null", `set ${path} to ${expected(spec)}, or leave it out for its default`);
            continue;
        }
        shape(problems, path, item, spec);
    }
    for (const key of type.required ?? []) {
        if (value[key] === undefined) {
            const path = field === "" ? key : `${field}.${key}`;
            (topLevel ? problems.soft : problems.fatal).add(path, undefined, "is required", `set ${path} to ${expected(properties[key])}`);
        }
    }
}

/**
 * Checks a component's inputs against its schema (`resourceToken`), then runs `rules` when every
 * value has a shape they can read. Rules get the first word on enum values and required inputs.
 */
export function checkInputShape(problems: Problems, resourceToken: string, args: unknown, rules: () => void): void {
    const resource = schema.resources[resourceToken];
    if (!resource) throw new Error(`schema.json: unknown resource ${resourceToken}`);
    withShape(problems, args, { properties: resource.inputProperties, required: resource.requiredInputs }, rules);
}

/** Checks a function's inputs against its schema (`functionToken`), then runs `rules` as checkInputShape does. */
export function checkFunctionInputShape(problems: Problems, functionToken: string, args: unknown, rules: () => void): void {
    const fn = schema.functions[functionToken];
    if (!fn) throw new Error(`schema.json: unknown function ${functionToken}`);
    withShape(problems, args, fn.inputs, rules);
}

function withShape(problems: Problems, args: unknown, type: ObjectSpec, rules: () => void): void {
    const found = new Found();
    if (!isPlainObject(args)) found.fatal.add("", args, `is ${kindOf(args)}, not an object of inputs`, `pass an object with ${Object.keys(type.properties ?? {}).join(", ")}`);
    else objectShape(found, "", args, type, true);
    if (found.fatal.list.length > 0) {
        for (const p of [...found.fatal.list, ...found.soft.list]) problems.add(p.field, p.value, p.problem, p.fix);
        return;
    }
    rules();
    for (const p of found.soft.list) if (!problems.has(p.field)) problems.add(p.field, p.value, p.problem, p.fix);
}
