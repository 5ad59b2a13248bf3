// Compiles the generated Node SDK and packs it as the tarball the TypeScript example installs
// (the stand-in for `npm install @meshedge/pulumi` from a registry). Run: npm run pack:sdk
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "./repo-root";

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

if (require.main === module) console.log(`packed ${path.relative(root, packNodeSdk())}`);
