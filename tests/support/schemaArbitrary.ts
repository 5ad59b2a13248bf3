// fast-check arbitraries generated from provider/schema.json: for any input type, values the schema
// and its descriptions allow (enum members, the documented ranges and defaults, well-formed names,
// paths and ARNs) mixed with mutations (wrong types, null, NaN, Infinity, huge and negative numbers,
// empty and unicode strings, unknown keys). A field added to the schema is generated the day it is added.
import * as fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { INPUT_DEFAULTS } from "../../provider/src/defaults";
import { repoRoot } from "../../scripts/lib/repo-root";
import { CERT, OIDC } from "../../scripts/lib/scenarios";

interface Spec {
    readonly type?: string;
    readonly $ref?: string;
    readonly items?: Spec;
    readonly additionalProperties?: Spec | boolean;
    readonly description?: string;
    readonly properties?: Record<string, Spec>;
    readonly required?: readonly string[];
    readonly enum?: readonly { readonly value: string }[];
}

const schema = JSON.parse(fs.readFileSync(path.join(repoRoot(), "provider", "schema.json"), "utf8")) as {
    readonly types: Record<string, Spec>;
    readonly resources: Record<string, { readonly inputProperties: Record<string, Spec>; readonly requiredInputs?: readonly string[] }>;
};
const ANY = "pulumi.json#/Any";
const typeName = (ref: string) => ref.replace(/^#\/types\/meshedge:index:/, "");
const refSpec = (ref: string) => schema.types[ref.replace(/^#\/types\//, "")];

/** Strings a rendered manifest must never contain: a sign that undefined, NaN or an object leaked into a template. */
export const LEAK = /undefined|NaN|\[object Object\]/;

const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/);
const pkgService = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/), fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,8}$/));

/** Well-formed values for string fields whose format the rules check, by property name. */
const STRINGS: Record<string, fc.Arbitrary<string>> = {
    name: label,
    namespace: label,
    username: label,
    meshName: label,
    ingressClassName: label,
    revision: label,
    gatewayName: label,
    gatewayNamespace: label,
    clusterName: label,
    paths: fc.oneof(pkgService.map(([p, s]) => `/${p}.${s}/`), pkgService.map(([p, s]) => `/${p}.${s}/Get`)),
    hosts: fc.constantFrom("grpc.example.com", "api.example.org", "*.example.com"),
    image: fc.constantFrom("ghcr.io/example/greeter:1.4.2", "registry.example.com/orders@sha256:" + "a".repeat(64), "nginx:1.27"),
    certificateArn: fc.constant(CERT),
    oidcProviderArn: fc.constant(OIDC),
    policyArn: fc.constant("arn:aws:iam::123456789012:policy/lbc"),
    region: fc.constantFrom("eu-west-1", "us-east-1"),
    vpcId: fc.constant("vpc-0123456789abcdef0"),
    repository: fc.constant("https://charts.example.com"),
    oci: fc.constant("oci://registry.example.com/charts/ingress"),
    path: fc.constant("./charts/ingress.tgz"),
    version: fc.constantFrom("1.2.3", "0.24.0"),
    origins: fc.constantFrom("https://app.example.com", "*"),
    host: fc.constantFrom("redis.example.com", "10.0.0.5"),
    cpu: fc.constantFrom("100m", "1", "250m"),
    memory: fc.constantFrom("128Mi", "1Gi"),
    healthCheckPath: fc.constantFrom("/grpc.health.v1.Health/Check", "/status/ready"),
    healthCheckSuccessCodes: fc.constantFrom("0,5,12", "200", "0-99"),
    sslPolicy: fc.constant("ELBSecurityPolicy-TLS13-1-2-2021-06"),
    vpcCidrs: fc.constantFrom("10.0.0.0/16", "192.168.0.0/24"),
};

/** The range a description documents: "1-65535", "from 8 to 65536", ">= 0", "a whole number >= 1". */
function documentedRange(description = ""): [number, number] | undefined {
    let m = /from (\d+) to (\d+)/.exec(description) ?? /\b(\d+)\s*-\s*(\d+)\b/.exec(description);
    if (m) return [Number(m[1]), Number(m[2])];
    m = />=\s*(\d+)/.exec(description);
    if (m) return [Number(m[1]), Number(m[1]) + 1000];
    return undefined;
}

function defaultOf(owner: string | undefined, key: string | undefined): unknown {
    if (!owner || !key) return undefined;
    return (INPUT_DEFAULTS as Record<string, Record<string, unknown> | undefined>)[owner]?.[key];
}

/** Values of the wrong kind, or the right kind at its edges: the inputs a typo, a YAML program or a raw gRPC call sends. */
export const mutant: fc.Arbitrary<unknown> = fc.oneof(
    fc.constantFrom(null, "", " ", "0", "true", "-1", Number.NaN, Infinity, -Infinity, -1, 0, 1.5, 2 ** 53, 1e308, -1e308, Number.MAX_SAFE_INTEGER, true, false, [], {}),
    fc.string({ unit: "grapheme", maxLength: 12 }).filter((s) => !LEAK.test(s)),
    fc.string({ unit: "binary", maxLength: 8 }).filter((s) => !LEAK.test(s)),
    fc.integer(),
    fc.double(),
    fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.constant(null)), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.constant(null)), { maxKeys: 3 }),
);

/** A plausible value of one property: what the schema and its description allow. */
function plausible(spec: Spec, owner: string | undefined, key: string | undefined, depth: number, mutationRate: number): fc.Arbitrary<unknown> {
    if (spec.$ref === ANY) return fc.jsonValue({ maxDepth: 2 });
    if (spec.$ref) {
        const type = refSpec(spec.$ref);
        if (type.enum) return fc.constantFrom(...type.enum.map((e) => e.value));
        return objectOf(type, typeName(spec.$ref), depth + 1, mutationRate);
    }
    const dflt = defaultOf(owner, key);
    switch (spec.type) {
        case "boolean":
            return fc.boolean();
        case "integer": {
            const range = documentedRange(spec.description);
            const choices: fc.Arbitrary<number>[] = [fc.integer({ min: 0, max: 100 })];
            if (range) choices.push(fc.integer({ min: range[0], max: range[1] }), fc.constantFrom(range[0], range[1], range[0] - 1, range[1] + 1));
            if (typeof dflt === "number") choices.push(fc.constant(dflt));
            return fc.oneof(...choices);
        }
        case "string": {
            const choices: fc.Arbitrary<string>[] = [fc.string({ maxLength: 10 }).filter((s) => !LEAK.test(s))];
            if (key && STRINGS[key]) choices.push(STRINGS[key], STRINGS[key]);
            if (typeof dflt === "string") choices.push(fc.constant(dflt));
            return fc.oneof(...choices);
        }
        case "array": {
            const items = spec.items!;
            const item = key && items.type === "string" && STRINGS[key] ? fc.oneof(STRINGS[key], valueOf(items, owner, key, depth + 1, mutationRate)) : valueOf(items, owner, key, depth + 1, mutationRate);
            return fc.array(item, { maxLength: depth === 0 ? 3 : 2 });
        }
        case "object": {
            const items = typeof spec.additionalProperties === "object" ? spec.additionalProperties : { $ref: ANY };
            const keys = fc.oneof(label, fc.constantFrom("cpu", "memory", "app.kubernetes.io/part-of", "example.com/team"), fc.string({ maxLength: 8 }));
            return fc.dictionary(keys, items.$ref === ANY ? fc.jsonValue({ maxDepth: 2 }) : valueOf(items, owner, key, depth + 1, mutationRate), { maxKeys: 3 });
        }
        default:
            throw new Error(`no arbitrary for ${JSON.stringify(spec)}`);
    }
}

/** A value of one property: plausible, or (at `mutationRate`) a mutant. */
function valueOf(spec: Spec, owner: string | undefined, key: string | undefined, depth: number, mutationRate: number): fc.Arbitrary<unknown> {
    const weight = Math.round(mutationRate * 1000);
    return fc.oneof({ weight: 1000 - weight, arbitrary: plausible(spec, owner, key, depth, mutationRate) }, { weight, arbitrary: mutant });
}

/** An object of a schema type: required keys always, each optional key now and then, rarely an unknown key. */
function objectOf(type: Spec, owner: string, depth: number, mutationRate: number): fc.Arbitrary<Record<string, unknown>> {
    if (depth > 4) return fc.constant({});
    const props = type.properties ?? {};
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    const required = type.required ?? [];
    // An optional field about a quarter of the time: inputs set a few fields, as users do.
    for (const [key, spec] of Object.entries(props)) {
        const value = valueOf(spec, owner, key, depth, mutationRate);
        model[key] = required.includes(key) ? value : fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: value });
    }
    const record = fc.record(model).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));
    const unknown = fc.dictionary(fc.constantFrom("bogus", "memory_per_worker_mib", "Type", "__proto__x", "émoji🙂"), mutant, { maxKeys: 1 });
    return fc.tuple(record, fc.oneof({ weight: 30, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: unknown })).map(([r, extra]) => ({ ...r, ...extra }));
}

/** Inputs of a component (`meshedge:index:EdgeStack`), generated from its schema. */
export function componentInputs(token: string, mutationRate: number): fc.Arbitrary<Record<string, unknown>> {
    const resource = schema.resources[token];
    return objectOf({ properties: resource.inputProperties, required: resource.requiredInputs }, token.split(":").pop()!, 0, mutationRate);
}

/** Every property path of a component's inputs (lists as [0]), with its spec and owning type, to mutate one at a time. */
export function propertyPaths(token: string): { path: (string | number)[]; spec: Spec; owner: string; key: string }[] {
    const out: { path: (string | number)[]; spec: Spec; owner: string; key: string }[] = [];
    const walk = (props: Record<string, Spec>, owner: string, prefix: (string | number)[], seen: string[]) => {
        for (const [key, spec] of Object.entries(props)) {
            const at = [...prefix, key];
            out.push({ path: at, spec, owner, key });
            const inner = spec.type === "array" ? spec.items! : spec;
            const innerPath = spec.type === "array" ? [...at, 0] : at;
            if (inner.$ref && inner.$ref !== ANY && !seen.includes(inner.$ref)) {
                const type = refSpec(inner.$ref);
                if (type.properties) walk(type.properties, typeName(inner.$ref), innerPath, [...seen, inner.$ref]);
            }
        }
    };
    walk(schema.resources[token].inputProperties, token.split(":").pop()!, [], []);
    return out;
}

/** One mutation of a valid input: a property set to a plausible or mutant value, removed, or joined by an unknown key. */
export function mutation(token: string): fc.Arbitrary<(input: Record<string, unknown>) => void> {
    const paths = propertyPaths(token);
    return fc.constantFrom(...paths).chain(({ path: at, spec, owner, key }) =>
        fc.oneof(
            { weight: 8, arbitrary: plausible(spec, owner, key, at.length, 0.02).map((v) => (input: Record<string, unknown>) => setPath(input, at, v)) },
            { weight: 2, arbitrary: mutant.map((v) => (input: Record<string, unknown>) => setPath(input, at, v)) },
            { weight: 1, arbitrary: fc.constant((input: Record<string, unknown>) => setPath(input, at, undefined)) },
            { weight: 1, arbitrary: mutant.map((v) => (input: Record<string, unknown>) => setPath(input, [...at.slice(0, -1), "unknownField"], v)) },
        ),
    );
}

/** Sets (or with undefined deletes) a nested value, creating the objects and lists on the way. */
function setPath(target: Record<string, unknown>, at: (string | number)[], value: unknown): void {
    let node: any = target;
    for (let i = 0; i < at.length - 1; i++) {
        const k = at[i];
        if (node[k] === null || typeof node[k] !== "object") node[k] = typeof at[i + 1] === "number" ? [] : {};
        node = node[k];
    }
    const last = at[at.length - 1];
    if (value === undefined) delete node[last];
    else node[last] = value;
}
