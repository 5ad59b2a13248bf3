// Every name the generated SDKs give a schema property reads naturally in its language, and the
// Python spelling the provider's messages use (rules/sdkNames.ts) is the one the Python SDK has.
//
// Conventions enforced (docs/decisions.md, "Plugin and SDKs"):
// - Python: snake_case of lowercase words of two or more characters (`memory_per_pod_mib`, `accept_l4_imbalance`);
//   a one-character word means codegen split a mixed-case unit or initialism (`memory_per_pod_mi_b`).
// - Go (and TypeScript, which Go capitalises): words of a capital and then lowercase letters or digits;
//   an initialism is one capitalised word (`VpcId`, `RoleArn`, `CpuPerPod`, `ClientIpMode`), as in
//   Pulumi's own Go SDKs. Two capitals in a row (`MiB`, `IPMode`, `VpcID`) are refused: codegen makes
//   the Go name from the TypeScript name, so all-caps initialisms would need `vpcID` in TypeScript,
//   and a leading one (`tlsVerify`) cannot be all caps at all.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { pythonName } from "../../provider/src/rules/sdkNames";
import { repoRoot } from "../../scripts/lib/repo-root";

const root = repoRoot();
const schema = JSON.parse(fs.readFileSync(path.join(root, "provider", "schema.json"), "utf8"));

/** Every property name in the schema: resource inputs and outputs, object types, function inputs and outputs. */
function schemaPropertyNames(): Set<string> {
    const names = new Set<string>();
    const add = (props: Record<string, unknown> | undefined) => Object.keys(props ?? {}).forEach((n) => names.add(n));
    for (const r of Object.values<any>(schema.resources)) (add(r.inputProperties), add(r.properties));
    for (const t of Object.values<any>(schema.types)) add(t.properties);
    for (const f of Object.values<any>(schema.functions ?? {})) (add(f.inputs?.properties), add(f.outputs?.properties));
    return names;
}

function sources(dir: string, ext: string): string[] {
    return fs.readdirSync(dir).filter((f) => f.endsWith(ext)).map((f) => fs.readFileSync(path.join(dir, f), "utf8"));
}

/** schema name -> Python name, read from the generated getters and function argument dicts. */
function generatedPythonNames(): Map<string, Set<string>> {
    const pairs = new Map<string, Set<string>>();
    const add = (schemaName: string, pyName: string) => pairs.set(schemaName, (pairs.get(schemaName) ?? new Set()).add(pyName));
    for (const src of sources(path.join(root, "sdk", "python", "pulumi_meshedge"), ".py")) {
        for (const m of src.matchAll(/@pulumi\.getter\(name="([^"]+)"\)\s*\n\s*def (\w+)\(/g)) add(m[1], m[2]);
        for (const m of src.matchAll(/@pulumi\.getter\s*\n\s*def (\w+)\(/g)) add(m[1], m[1]);
        for (const m of src.matchAll(/__args__\['([^']+)'\] = (\w+)/g)) add(m[1], m[2]);
    }
    return pairs;
}

/** schema name -> Go field name, read from the generated structs' `pulumi:"..."` tags. */
function generatedGoNames(): Map<string, Set<string>> {
    const pairs = new Map<string, Set<string>>();
    for (const src of sources(path.join(root, "sdk", "go", "meshedge"), ".go")) {
        for (const m of src.matchAll(/^\s+([A-Za-z_][A-Za-z0-9_]*)\s+[^`\n]+`pulumi:"([^"]+)"`/gm)) pairs.set(m[2], (pairs.get(m[2]) ?? new Set()).add(m[1]));
    }
    return pairs;
}

/** Go's exported identifiers the schema's types and enums produce: type names and enum constants. */
function generatedGoTypeAndEnumNames(): string[] {
    const names: string[] = [];
    for (const src of sources(path.join(root, "sdk", "go", "meshedge"), ".go")) {
        for (const m of src.matchAll(/^type ([A-Z]\w*) /gm)) names.push(m[1]);
        for (const m of src.matchAll(/^\s+([A-Z]\w*)\s+=\s+[A-Z]\w*\("/gm)) names.push(m[1]);
    }
    return names;
}

const PYTHON_NAME = /^[a-z][a-z0-9]+(_[a-z0-9]{2,})*$/;
const GO_NAME = /^([A-Z][a-z0-9]+)+$/;
const TS_NAME = /^[a-z][a-z0-9]+([A-Z][a-z0-9]+)*$/;
/** Generated Go wrapper suffixes around a schema type name (`KongSizingPtrOutput`, `ScalingModeArrayMapInput`). */
const GO_WRAPPERS = /(Ptr|Array|Map|Output|Input|Args)+$/;

describe("SDK names read naturally in every language", () => {
    const names = [...schemaPropertyNames()].sort();
    const python = generatedPythonNames();
    const go = generatedGoNames();

    it("the checks refuse the awkward spellings they exist for", () => {
        for (const bad of ["memory_per_pod_mi_b", "get_public_i_ps", "open_x_json_ser_de"]) expect(PYTHON_NAME.test(bad), bad).to.equal(false);
        for (const bad of ["MemoryPerPodMiB", "ClientIPMode", "VpcID", "RoleARN"]) expect(GO_NAME.test(bad), bad).to.equal(false);
        expect(TS_NAME.test("memoryPerPodMiB")).to.equal(false);
        for (const good of ["memory_per_pod_mib", "accept_l4_imbalance", "vpc_id"]) expect(PYTHON_NAME.test(good), good).to.equal(true);
        for (const good of ["MemoryPerPodMib", "AcceptL4Imbalance", "VpcId", "Http2"]) expect(GO_NAME.test(good), good).to.equal(true);
    });

    it(`every schema property (${names.length}) is found in the generated Python and Go SDKs`, () => {
        expect(names.length).to.be.greaterThan(100);
        expect(names.filter((n) => !python.has(n)), "not found in sdk/python").to.deep.equal([]);
        expect(names.filter((n) => !go.has(n)), "not found in sdk/go").to.deep.equal([]);
    });

    it("TypeScript (the schema names): camelCase words, no two capitals in a row", () => {
        expect(names.filter((n) => !TS_NAME.test(n))).to.deep.equal([]);
    });

    it("Python: snake_case words of two or more characters, and rules/sdkNames.ts pythonName spells each as the SDK does", () => {
        const awkward = [...python.values()].flatMap((s) => [...s]).filter((n) => !PYTHON_NAME.test(n));
        expect(awkward, "awkward Python names").to.deep.equal([]);
        const mismatched = [...python].filter(([schemaName, py]) => py.size !== 1 || !py.has(pythonName(schemaName))).map(([n, py]) => `${n}: SDK ${[...py]} vs ${pythonName(n)}`);
        expect(mismatched, "pythonName differs from the generated SDK").to.deep.equal([]);
    });

    it("Python: class names and enum members read naturally too", () => {
        const classes: string[] = [];
        const members: string[] = [];
        for (const src of sources(path.join(root, "sdk", "python", "pulumi_meshedge"), ".py")) {
            for (const m of src.matchAll(/^class ([A-Z]\w*)[(:]/gm)) classes.push(m[1]);
            for (const m of src.matchAll(/^ {4}([A-Z][A-Z0-9_]*) = "/gm)) members.push(m[1]);
        }
        expect(classes.length).to.be.greaterThan(30);
        expect(members.length).to.be.greaterThan(20);
        expect(classes.filter((c) => !GO_NAME.test(c)), "class names").to.deep.equal([]);
        expect(members.filter((m) => !/^[A-Z][A-Z0-9]+(_[A-Z0-9]{2,})*$/.test(m)), "enum members").to.deep.equal([]);
    });

    it("Go: fields are the capitalised schema names, with initialisms as one capitalised word", () => {
        const fields = [...go].flatMap(([schemaName, fs]) => [...fs].map((f) => [schemaName, f] as const));
        expect(fields.filter(([n, f]) => f !== n[0].toUpperCase() + n.slice(1)).map(([n, f]) => `${n} -> ${f}`), "codegen's Title").to.deep.equal([]);
        expect(fields.map(([, f]) => f).filter((f) => !GO_NAME.test(f)), "Go fields").to.deep.equal([]);
    });

    it("Go: type names and enum constants follow the same convention", () => {
        const ids = generatedGoTypeAndEnumNames().map((n) => n.replace(GO_WRAPPERS, "") || n);
        expect(ids.length).to.be.greaterThan(50);
        expect(ids.filter((n) => !GO_NAME.test(n)), "Go types and enum constants").to.deep.equal([]);
    });
});
