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
