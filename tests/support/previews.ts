// Recorded `pulumi preview --json` documents kept as fixtures: without the machine's paths.
import * as os from "os";
import { repoRoot, sharedDir } from "../../scripts/lib/repo-root";

/** The preview with this machine's directories replaced by names that say what they were. */
export function sanitizePreview(preview: unknown): unknown {
    const replacements: [string, string][] = [
        [sharedDir(), "<shared>"],
        [repoRoot(), "<repo>"],
        [os.tmpdir(), "<tmp>"],
        [os.homedir(), "<home>"],
    ];
    const clean = (v: unknown): unknown => {
        if (typeof v === "string") return replacements.reduce((s, [from, to]) => s.split(from).join(to), v);
        if (Array.isArray(v)) return v.map(clean);
        if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [clean(k) as string, clean(x)]));
        return v;
    };
    return clean(preview);
}
