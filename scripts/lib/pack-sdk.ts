// Compiles the generated Node SDK and packs it as the tarball the TypeScript example installs
// (the stand-in for `npm install @meshedge/pulumi` from a registry), and builds the Python SDK's
// wheel (the stand-in for `pip install pulumi_meshedge`). Run: npm run pack:sdk
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { repoRoot } from "./repo-root";
import { PYTHON3, requirePrerequisites } from "./system-prerequisites";

const root = repoRoot();
const sdkDir = path.join(root, "sdk", "nodejs");
export const sdkPackDir = path.join(root, "dist", "sdk");

export function packNodeSdk(): string {
    const bin = path.join(sdkDir, "bin");
    fs.rmSync(bin, { recursive: true, force: true });
    // The SDK compiles against the repository's pinned @pulumi/pulumi and TypeScript.
    execFileSync(path.join(root, "node_modules", ".bin", "tsc"), ["-p", sdkDir, "--skipLibCheck"], { stdio: "inherit" });
    for (const file of ["package.json", "README.md"]) fs.copyFileSync(path.join(sdkDir, file), path.join(bin, file));
    fs.mkdirSync(sdkPackDir, { recursive: true });
    const name = execFileSync("npm", ["pack", bin, "--pack-destination", sdkPackDir, "--silent"], { encoding: "utf8" }).trim().split("\n").pop()!;
    fs.rmSync(bin, { recursive: true, force: true });
    return path.join(sdkPackDir, name);
}

export const wheelDir = path.join(root, "dist", "wheel");

/**
 * Builds sdk/python's wheel into dist/wheel (pip fetches setuptools from PyPI for the isolated
 * build) and returns its path. The build runs on a copy: setuptools writes build/ and *.egg-info
 * beside the sources it builds.
 */
export function buildPythonWheel(): string {
    requirePrerequisites(PYTHON3);
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "meshedge-wheel-"));
    try {
        fs.cpSync(path.join(root, "sdk", "python"), copy, { recursive: true, filter: (src) => !/(__pycache__|\.egg-info|[\\/]build)$/.test(src) });
        fs.rmSync(wheelDir, { recursive: true, force: true });
        execFileSync("python3", ["-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps", "--wheel-dir", wheelDir, copy], { stdio: ["ignore", "ignore", "inherit"] });
    } finally {
        fs.rmSync(copy, { recursive: true, force: true });
    }
    const wheels = fs.readdirSync(wheelDir).filter((f) => f.endsWith(".whl"));
    if (wheels.length !== 1) throw new Error(`pip wheel left ${wheels.length} wheels in ${wheelDir}: ${wheels.join(", ")}`);
    return path.join(wheelDir, wheels[0]);
}

if (require.main === module) {
    console.log(`packed ${path.relative(root, packNodeSdk())}`);
    console.log(`built ${path.relative(root, buildPythonWheel())}`);
}
