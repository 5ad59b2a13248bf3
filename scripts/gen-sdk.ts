// Regenerates sdk/nodejs, sdk/python and sdk/go from provider/schema.json with
// `pulumi package gen-sdk` (the language hosts of the pinned toolchain). Run: npm run gen:sdk
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { repoRoot } from "./repo-root";
import { ensureToolchain, pulumiEnv } from "./toolchain";

export const SDK_LANGUAGES = ["nodejs", "python", "go"] as const;

/** Hand-maintained files under sdk/ that gen-sdk does not produce (the Go module file). */
export const SDK_KEEP = ["go.mod", "go.sum"];

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
