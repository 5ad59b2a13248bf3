import * as fs from "fs";
import * as path from "path";

/** The repository root: the nearest ancestor holding package.json and versions.json (dist/ has only a copy of the latter). */
export function repoRoot(from: string = __dirname): string {
    for (let dir = from; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "versions.json")) && fs.existsSync(path.join(dir, "package.json"))) return dir;
        if (path.dirname(dir) === dir) throw new Error(`no versions.json above ${from}`);
    }
}

/** versions.json: every pin outside package.json. */
export function readVersions(): any {
    return JSON.parse(fs.readFileSync(path.join(repoRoot(), "versions.json"), "utf8"));
}

/** The shared test data (charts, CRDs) beside the clone, or $MESHEDGE_SHARED_DIR. */
export function sharedDir(): string {
    return process.env.MESHEDGE_SHARED_DIR ?? path.join(repoRoot(), "..", "shared");
}
