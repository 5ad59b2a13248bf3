// Validates kubernetes objects the way the API server would: built-in kinds with kubernetes-models,
// custom resources (Istio, Kong, Kuma, Gateway API) with the openAPIV3Schema of their CRDs, read from
// the pinned charts and CRD files in ../shared (test data, never copied here).
import Ajv from "ajv";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import { sharedDir } from "../../scripts/lib/repo-root";


/** Built-in kinds, modelled by kubernetes-models. */
function modelModule(apiVersion: string): string | undefined {
    if (apiVersion === "v1" || /^(apps|networking\.k8s\.io|policy|autoscaling|rbac\.authorization\.k8s\.io)\//.test(apiVersion)) return `kubernetes-models/${apiVersion}`;
    return undefined;
}

type Validator = (object: unknown) => string[];
const crdValidators = new Map<string, Validator>();

function loadCrds(): void {
    if (crdValidators.size > 0) return;
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false, validateFormats: false });
    const documents: unknown[] = [];
    documents.push(...yaml.loadAll(fs.readFileSync(path.join(sharedDir(), "crds", "gateway-api-standard-v1.6.1.yaml"), "utf8")));
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "meshedge-crds-"));
    for (const [chart, dir] of [["kong-3.4.1.tgz", "kong/crds"], ["kuma-2.12.3.tgz", "kuma/crds"], ["base-1.30.3.tgz", "base/files"]]) {
        execFileSync("tar", ["xzf", path.join(sharedDir(), "charts", chart), "-C", tmp, dir]);
        const crdFiles = fs.readdirSync(path.join(tmp, dir)).filter((f) => dir !== "base/files" || f === "crd-all.gen.yaml");
        for (const file of crdFiles) documents.push(...yaml.loadAll(fs.readFileSync(path.join(tmp, dir, file), "utf8")));
    }
    fs.rmSync(tmp, { recursive: true, force: true });
    for (const doc of documents as any[]) {
        if (doc?.kind !== "CustomResourceDefinition") continue;
        for (const version of doc.spec.versions) {
            const validate = ajv.compile(version.schema.openAPIV3Schema);
            crdValidators.set(`${doc.spec.group}/${version.name}/${doc.spec.names.kind}`, (object) =>
                validate(object) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`),
            );
        }
    }
}

/** Problems the API server's schema validation would report for this object (empty when valid). */
export function schemaProblems(object: Record<string, any>): string[] {
    const module = modelModule(object.apiVersion);
    if (module) {
        const Model = require(module)[object.kind];
        if (!Model) throw new Error(`no model for ${object.apiVersion} ${object.kind}`);
        try {
            new Model(object).validate();
            return [];
        } catch (e) {
            return [(e as Error).message];
        }
    }
    loadCrds();
    const validator = crdValidators.get(`${object.apiVersion}/${object.kind}`);
    if (!validator) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
    return validator(object);
}

/**
 * What the API server rejects beyond the OpenAPI schema (apimachinery validation, written here
 * independently of the rules): label and annotation keys that are not qualified names, label values
 * that are not label values, integers of built-in kinds beyond int32, containers without an image.
 */
export function apiServerProblems(object: Record<string, any>): string[] {
    const found: string[] = [];
    const dnsSubdomain = (s: string) => s.length <= 253 && s.split(".").every((part) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(part));
    const qualifiedName = (key: string) => {
        const parts = key.split("/");
        if (parts.length > 2) return false;
        const name = parts[parts.length - 1];
        if (parts.length === 2 && (parts[0] === "" || !dnsSubdomain(parts[0]))) return false;
        return name.length >= 1 && name.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name);
    };
    // Built-in kinds type their integers int32 (a few int64 never reach 2^31 here); custom resources such as a
    // KongPlugin's free-form config carry JSON numbers, which Kong reads as doubles.
    const typedIntegers = modelModule(object.apiVersion) !== undefined;
    const walk = (value: unknown, at: string): void => {
        if (typedIntegers && typeof value === "number" && Number.isInteger(value) && Math.abs(value) > 2147483647) found.push(`${at} = ${value} does not fit an int32`);
        if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${at}[${i}]`));
        if (value === null || typeof value !== "object") return;
        const record = value as Record<string, any>;
        if (at.endsWith(".metadata") || at === ".metadata") {
            for (const kind of ["labels", "annotations"]) {
                for (const key of Object.keys(record[kind] ?? {})) if (!qualifiedName(key)) found.push(`${at}.${kind}: key ${JSON.stringify(key)} is not a qualified name`);
            }
            for (const [key, v] of Object.entries(record.labels ?? {})) {
                if (typeof v !== "string" || v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)) found.push(`${at}.labels[${JSON.stringify(key)}] = ${JSON.stringify(v)} is not a label value`);
            }
        }
        if (at.endsWith(".containers") === false && Array.isArray(record.containers)) {
            record.containers.forEach((c: any, i: number) => {
                if (typeof c?.image !== "string" || c.image.trim() === "") found.push(`${at}.containers[${i}] has no image`);
            });
        }
        for (const [k, v] of Object.entries(record)) walk(v, `${at}.${k}`);
    };
    walk(object, "");
    return found;
}
