// Tools the tests install on first use into the toolchain cache (outside the repository), each at the
// version pinned in versions.json: Python packages from PyPI into a venv of their own, Go commands
// from the module proxy. An install that fails says which command to run by hand.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PYTHON3, PYTHON3_VENV, requirePrerequisites } from "./system-prerequisites";

/** ~/.cache/meshedge/toolchain, or MESHEDGE_TOOLCHAIN_DIR. */
export function toolchainCacheRoot(): string {
    return process.env.MESHEDGE_TOOLCHAIN_DIR ?? path.join(os.homedir(), ".cache", "meshedge", "toolchain");
}

export interface PythonTool {
    /** <cache>/<name>-<version>/venv */
    readonly venv: string;
    readonly python: string;
}

/**
 * A venv holding `requirement`; `probe` is Python that prints the installed version (and fails when a
 * needed module is missing). Absent, another version, or half-built by an interrupted run: rebuilt.
 */
export function ensurePythonTool(name: string, version: string, requirement: string, probe: string): PythonTool {
    const venv = path.join(toolchainCacheRoot(), `${name}-${version}`, "venv");
    const python = path.join(venv, "bin", "python");
    const installed = () => {
        try {
            return execFileSync(python, ["-c", probe], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
        } catch {
            return undefined;
        }
    };
    if (installed() !== version) {
        requirePrerequisites(PYTHON3, PYTHON3_VENV);
        fs.rmSync(venv, { recursive: true, force: true });
        fs.mkdirSync(path.dirname(venv), { recursive: true });
        const command = `python3 -m venv ${venv} && ${python} -m pip install '${requirement}'`;
        try {
            execFileSync("python3", ["-m", "venv", venv], { stdio: ["ignore", "inherit", "inherit"] });
            execFileSync(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", requirement], { stdio: ["ignore", "inherit", "inherit"] });
        } catch (err) {
            throw new Error(`${name} ${version} did not install (${(err as Error).message.split("\n")[0]}); install it with: ${command}`);
        }
        const got = installed();
        if (got !== version) throw new Error(`${name} ${version} did not install into ${venv} (found ${got ?? "nothing"}); install it with: ${command}`);
    }
    return { venv, python };
}

/** A Go command built from the module proxy into <cache>/<name>-<version>/ on first use; returns its path. */
export function ensureGoTool(name: string, module: string, version: string): string {
    const dir = path.join(toolchainCacheRoot(), `${name}-${version}`);
    const binary = path.join(dir, name);
    if (!fs.existsSync(binary)) {
        const command = `GOBIN=${dir} go install ${module}@${version}`;
        try {
            execFileSync("go", ["install", `${module}@${version}`], { env: { ...process.env, GOBIN: dir, GOFLAGS: "-mod=mod" }, stdio: ["ignore", "inherit", "inherit"] });
        } catch (err) {
            throw new Error(`${name} ${version} did not build (${(err as Error).message.split("\n")[0]}); build it with: ${command}`);
        }
        if (!fs.existsSync(binary)) throw new Error(`${name} ${version}: ${binary} is missing after the build; build it with: ${command}`);
    }
    return binary;
}
