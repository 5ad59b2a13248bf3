// The system tools the examples and tests need beyond Node, checked before first use so that a fresh
// machine gets one line naming the Debian package and its install command instead of a stack trace.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface Prerequisite {
    /** What is run to prove the tool works (exit status 0). */
    readonly probe: readonly [string, ...string[]];
    /** What the tool is needed for, for the message. */
    readonly neededFor: string;
    /** The Debian package that provides it. */
    readonly debianPackage: string;
}

export const PYTHON3: Prerequisite = { probe: ["python3", "--version"], neededFor: "the Python example and SDK", debianPackage: "python3" };
/** Debian splits venv's ensurepip out of python3: `python3 -m venv` then fails half-way, leaving a venv without pip. */
export const PYTHON3_VENV: Prerequisite = { probe: ["python3", "-c", "import ensurepip, venv"], neededFor: "the Python example's virtualenv", debianPackage: "python3-venv" };

/** The message for a missing or broken tool, or undefined when its probe succeeds. */
export function missingPrerequisite(p: Prerequisite): string | undefined {
    const result = spawnSync(p.probe[0], p.probe.slice(1), { stdio: "ignore" });
    if (result.status === 0) return undefined;
    const found = result.error ? `${p.probe[0]} is not on PATH` : `\`${p.probe.join(" ")}\` failed`;
    return `${found}; it is needed for ${p.neededFor}. Install it: sudo apt-get install -y ${p.debianPackage}`;
}

/** Throws one error listing every missing tool. */
export function requirePrerequisites(...prerequisites: Prerequisite[]): void {
    const missing = prerequisites.map(missingPrerequisite).filter((m): m is string => m !== undefined);
    if (missing.length > 0) throw new Error(`missing system prerequisites:\n  - ${missing.join("\n  - ")}`);
}

/** True when `python` is a usable venv interpreter: an interrupted `python3 -m venv` leaves one without pip. */
export function venvWorks(python: string): boolean {
    return spawnSync(python, ["-c", "import pip"], { stdio: "ignore" }).status === 0;
}

/** venv's python, after (re)creating venv when it is absent or half-built by an interrupted run (no python, or no pip). */
export function ensureVenv(venv: string): string {
    const python = path.join(venv, "bin", "python");
    if (!venvWorks(python)) {
        fs.rmSync(venv, { recursive: true, force: true });
        execFileSync("python3", ["-m", "venv", venv], { stdio: ["ignore", "ignore", "inherit"] });
    }
    return python;
}
