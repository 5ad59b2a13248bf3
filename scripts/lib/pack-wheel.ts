// Builds the Python SDK's wheel, the file `pip install pulumi_meshedge` will fetch from PyPI after a
// release (and what a user installs before one). Run: npm run pack:python
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { repoRoot } from "./repo-root";
import { ensureVenv, PYTHON3, PYTHON3_VENV, requirePrerequisites } from "./system-prerequisites";

const root = repoRoot();
const sdkDir = path.join(root, "sdk", "python");
const wheelDir = path.join(root, "dist", "python");
/** A venv outside sdk/ whose pip builds the wheel (pip builds in isolation: setuptools comes from PyPI). */
const buildVenv = path.join(root, "dist", "python-build-venv");

/**
 * Builds dist/python/pulumi_meshedge-<version>-py3-none-any.whl from a copy of sdk/python. The generated
 * pyproject names `readme = "README.md"` beside it while codegen writes the README (the schema's
 * language.python.readme) into the package directory; as Pulumi's own providers do before building,
 * the copy gets that README at its root, so it becomes the package's long description on PyPI.
 * sdk/ itself is never written (no build/ or egg-info left behind).
 */
export function buildPythonWheel(): string {
    requirePrerequisites(PYTHON3, PYTHON3_VENV);
    const stage = fs.mkdtempSync(path.join(os.tmpdir(), "meshedge-wheel-"));
    try {
        const src = path.join(stage, "python");
        fs.cpSync(sdkDir, src, { recursive: true, filter: (p) => !/(^|[\\/])(build|__pycache__|[^\\/]*\.egg-info)$/.test(p) });
        fs.copyFileSync(path.join(src, "pulumi_meshedge", "README.md"), path.join(src, "README.md"));
        const python = ensureVenv(buildVenv);
        fs.rmSync(wheelDir, { recursive: true, force: true });
        fs.mkdirSync(wheelDir, { recursive: true });
        execFileSync(python, ["-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps", "--wheel-dir", wheelDir, src], {
            stdio: ["ignore", "ignore", "inherit"],
        });
        const wheels = fs.readdirSync(wheelDir).filter((f) => f.endsWith(".whl"));
        if (wheels.length !== 1) throw new Error(`expected one wheel in ${wheelDir}, found: ${wheels.join(", ") || "none"}`);
        return path.join(wheelDir, wheels[0]);
    } finally {
        fs.rmSync(stage, { recursive: true, force: true });
    }
}

if (require.main === module) console.log(`built ${path.relative(root, buildPythonWheel())}`);
