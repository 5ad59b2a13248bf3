// The schema is the contract: the TypeScript types are generated from it, the components and the
// provider implement exactly what it declares, and every pin agrees with versions.json.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { generate, generatedPath, schemaPath } from "../../scripts/gen-types";
import { readVersions, repoRoot } from "../../scripts/lib/repo-root";
import { MeshedgeProvider } from "../../provider/src/provider";
import { ComputeKongSizingToken } from "../../provider/src/generated/schema-types";

const root = repoRoot();
const schema = JSON.parse(fs.readFileSync(schemaPath, "utf8"));
const versions = readVersions();

describe("schema contract", () => {
    it("the generated TypeScript types are up to date (npm run gen:types)", () => {
        expect(fs.readFileSync(generatedPath, "utf8"), "provider/src/generated/schema-types.ts is stale: run npm run gen:types").to.equal(generate(schema));
    });

    it("every property of every type, resource and function has a description", () => {
        const missing: string[] = [];
        const visit = (where: string, props: Record<string, { description?: string }> = {}) => {
            for (const [k, p] of Object.entries(props)) if (!p.description) missing.push(`${where}.${k}`);
        };
        for (const [t, spec] of Object.entries<any>(schema.types)) visit(t, spec.properties);
        for (const [r, spec] of Object.entries<any>(schema.resources)) {
            visit(`${r} input`, spec.inputProperties);
            visit(`${r} output`, spec.properties);
        }
        for (const [f, spec] of Object.entries<any>(schema.functions)) {
            visit(`${f} input`, spec.inputs.properties);
            visit(`${f} output`, spec.outputs.properties);
        }
        expect(missing).to.deep.equal([]);
    });

    it("declares the SDK package names the README and examples install", () => {
        expect(schema.name).to.equal("meshedge");
        expect(schema.language.nodejs.packageName).to.equal("@meshedge/pulumi");
        expect(schema.language.python.packageName).to.equal("pulumi_meshedge");
        expect(schema.language.go.importBasePath).to.equal("github.com/meshedge/pulumi-meshedge/sdk/go/meshedge");
    });

    it("refers to no other package's schema (outputs pointing at AWS are plain strings)", () => {
        const refs = JSON.stringify(schema).match(/"\$ref":\s*"[^"]+"/g) ?? [];
        const foreign = refs.filter((r) => !r.includes('"#/types/meshedge:index:') && !r.includes("pulumi.json#/Any"));
        expect(foreign).to.deep.equal([]);
    });

    it("the provider serves the schema and its version, and a construct entry for every component", async () => {
        const provider = new MeshedgeProvider();
        expect(JSON.parse(provider.schema)).to.deep.equal(schema);
        expect(provider.version).to.equal(schema.version);
        for (const token of Object.keys(schema.resources)) {
            // An unknown token fails fast; a known one gets as far as validating its (empty) inputs.
            const err = await provider.construct("x", token, {}, {}).catch((e: Error) => e);
            expect(String(err)).not.to.include("has no component");
        }
        const unknown = await provider.construct("x", "meshedge:index:Nope", {}, {}).catch((e: Error) => e);
        expect(String(unknown)).to.include("meshedge has no component meshedge:index:Nope");
    });

    it("the invoke returns the sizing for every language's callers", async () => {
        const result = await new MeshedgeProvider().invoke(ComputeKongSizingToken, { loadBalancerType: "alb" });
        expect(result.outputs.sizing).to.include({ mode: "horizontal", workersPerPod: 1, minReplicas: 2, maxReplicas: 10 });
    });

    it("npm pins equal versions.json (one visible place for versions)", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
        expect(pkg.dependencies["@pulumi/pulumi"]).to.equal(versions.pulumi.version);
        expect(pkg.overrides["@pulumi/pulumi"]).to.equal(versions.pulumi.version);
        expect(pkg.dependencies["@pulumi/kubernetes"]).to.equal(versions.pulumiKubernetes.version);
        const installed = JSON.parse(fs.readFileSync(path.join(root, "node_modules/@pulumi/pulumi/package.json"), "utf8"));
        expect(installed.version).to.equal(versions.pulumi.version);
    });
});
