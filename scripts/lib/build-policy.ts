// Bundles the policy pack (policy/src, with the meshedge rules it imports from provider/src) into
// policy/bin/index.js, the `main` of @meshedge/policy; @pulumi/policy and @pulumi/pulumi stay
// dependencies the engine's analyzer shim resolves from the pack's directory. Run: npm run build:policy
import * as esbuild from "esbuild";
import * as path from "path";
import { repoRoot } from "./repo-root";

export const policyPackDir = path.join(repoRoot(), "policy");

export async function buildPolicyPack(): Promise<string> {
    const outfile = path.join(policyPackDir, "bin", "index.js");
    await esbuild.build({
        entryPoints: [path.join(policyPackDir, "src", "index.ts")],
        outfile,
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        external: ["@pulumi/policy", "@pulumi/pulumi"],
        legalComments: "none",
        logLevel: "warning",
    });
    return outfile;
}

if (require.main === module) {
    buildPolicyPack().then(
        (file) => console.log(`built ${path.relative(repoRoot(), file)}`),
        (err) => {
            console.error(err);
            process.exit(1);
        },
    );
}
