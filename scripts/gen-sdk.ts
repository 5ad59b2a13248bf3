// Regenerates sdk/nodejs, sdk/python and sdk/go from provider/schema.json with
// `pulumi package gen-sdk` (the language hosts of the pinned toolchain). Run: npm run gen:sdk
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { repoRoot } from "./lib/repo-root";
import { ensureToolchain, pulumiEnv } from "./lib/toolchain";

export const SDK_LANGUAGES = ["nodejs", "python", "go"] as const;

/** Hand-maintained files under sdk/ that gen-sdk does not produce (the Go module file). */
export const SDK_KEEP = ["go.mod", "go.sum"];

/**
 * Pulumi 3.192's Node codegen writes the root-relative imports of `types/*.ts` as if those files
 * sat at the package root ("./types/input", "./utilities"), so the SDK does not compile. Re-root
 * them; everything else stays exactly as generated.
 */
export function repairNodeTypeImports(nodeSdkDir: string): void {
    const typesDir = path.join(nodeSdkDir, "types");
    for (const file of fs.readdirSync(typesDir).filter((f) => f.endsWith(".ts"))) {
        const full = path.join(typesDir, file);
        const source = fs.readFileSync(full, "utf8");
        fs.writeFileSync(full, source.replace(/from "\.\/types\//g, 'from "../types/').replace(/from "\.\/utilities"/g, 'from "../utilities"'));
    }
}

/** Writes freshly generated SDKs into `outDir/<language>`. */
export function generateSdks(outDir: string): void {
    const toolchain = ensureToolchain();
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "meshedge-gen-sdk-"));
    try {
        for (const language of SDK_LANGUAGES) {
            execFileSync("pulumi", ["package", "gen-sdk", path.join(repoRoot(), "provider", "schema.json"), "--language", language, "--out", outDir], {
                env: pulumiEnv(toolchain, home),
                stdio: ["ignore", "ignore", "inherit"],
            });
        }
        repairNodeTypeImports(path.join(outDir, "nodejs"));
    } finally {
        fs.rmSync(home, { recursive: true, force: true });
    }
}

if (require.main === module) {
    const sdkDir = path.join(repoRoot(), "sdk");
    for (const language of SDK_LANGUAGES) fs.rmSync(path.join(sdkDir, language), { recursive: true, force: true });
    generateSdks(sdkDir);
    console.log(`regenerated ${SDK_LANGUAGES.map((l) => `sdk/${l}`).join(", ")}`);
}
