// The committed SDKs are exactly what `npm run gen:sdk` produces from the schema, and the Go SDK
// builds and vets. (The Python SDK is pip-installed and the Node SDK compiled by the engine tests.)
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { generateSdks, SDK_LANGUAGES } from "../../scripts/gen-sdk";
import { repoRoot } from "../../scripts/lib/repo-root";

/** Build products that pip and tsc leave inside the SDK directories; they are not generated sources. */
const BUILD_PRODUCTS = /^(node_modules|bin|build|__pycache__|.*\.egg-info)$/;

function listFiles(dir: string, base = dir): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) return BUILD_PRODUCTS.test(e.name) ? [] : listFiles(full, base);
        return [path.relative(base, full)];
    });
}

describe("generated SDKs", function () {
    this.timeout(10 * 60 * 1000);
    const root = repoRoot();

    it("sdk/ is up to date with the schema (run npm run gen:sdk)", () => {
        const fresh = fs.mkdtempSync(path.join(os.tmpdir(), "meshedge-sdk-"));
        try {
            generateSdks(fresh);
            for (const language of SDK_LANGUAGES) {
                const committedDir = path.join(root, "sdk", language);
                const freshDir = path.join(fresh, language);
                const committed = listFiles(committedDir).sort();
                expect(committed, `sdk/${language} files differ; run npm run gen:sdk`).to.deep.equal(listFiles(freshDir).sort());
                const stale = committed.filter((f) => fs.readFileSync(path.join(committedDir, f), "utf8") !== fs.readFileSync(path.join(freshDir, f), "utf8"));
                expect(stale, `stale files in sdk/${language}; run npm run gen:sdk`).to.deep.equal([]);
            }
        } finally {
            fs.rmSync(fresh, { recursive: true, force: true });
        }
    });

    it("the Go SDK builds and vets", () => {
        const env = { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" };
        execFileSync("go", ["build", "./..."], { cwd: path.join(root, "sdk"), env, stdio: ["ignore", "ignore", "inherit"] });
        execFileSync("go", ["vet", "./..."], { cwd: path.join(root, "sdk"), env, stdio: ["ignore", "ignore", "inherit"] });
    });
});
