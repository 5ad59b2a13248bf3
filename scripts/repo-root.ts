import * as fs from "fs";
import * as path from "path";

/** The repository root: the nearest ancestor holding versions.json (works from sources and from dist/). */
export function repoRoot(from: string = __dirname): string {
    for (let dir = from; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "versions.json"))) return dir;
        if (path.dirname(dir) === dir) throw new Error(`no versions.json above ${from}`);
    }
}
