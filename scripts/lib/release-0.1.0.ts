// meshedge 0.1.0 (commit 296f963) built from this clone's history, for the upgrade fixture and test:
// a temporary git worktree at that commit, its own `npm ci`, its plugin tarball and Node SDK, and its
// TypeScript example with that SDK installed. remove() deletes the worktree.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { repoRoot } from "./repo-root";

/** The landed 0.1.0 (provider/schema.json "version": "0.1.0"). */
export const RELEASE_0_1_0 = { commit: "296f963", version: "0.1.0" } as const;

export interface PreviousRelease {
    readonly version: string;
    /** The worktree at the release commit. */
    readonly dir: string;
    /** Its plugin archive for `pulumi plugin install resource meshedge <version> --file`. */
    readonly pluginTarball: string;
    /** Its examples/typescript, with node_modules holding its SDK. */
    readonly programDir: string;
    remove(): void;
}

const NPM_QUIET = ["--no-audit", "--no-fund", "--loglevel=error"];

export function buildRelease010(): PreviousRelease {
    const root = repoRoot();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshedge-0.1.0-"));
    const git = (args: string[]) => execFileSync("git", args, { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
    git(["worktree", "add", "--detach", "--force", dir, RELEASE_0_1_0.commit]);
    const remove = () => {
        try {
            git(["worktree", "remove", "--force", dir]);
        } catch {
            fs.rmSync(dir, { recursive: true, force: true });
            git(["worktree", "prune"]);
        }
    };
    try {
        const run = (cwd: string, command: string, args: string[]) => execFileSync(command, args, { cwd, stdio: ["ignore", "ignore", "inherit"] });
        run(dir, "npm", ["ci", ...NPM_QUIET]);
        // 0.1.0's own scripts: scripts/build-plugin.ts and scripts/pack-sdk.ts (package.json build:plugin, pack:sdk).
        run(dir, "npm", ["run", "--silent", "build:plugin"]);
        run(dir, "npm", ["run", "--silent", "pack:sdk"]);
        const programDir = path.join(dir, "examples", "typescript");
        // 0.1.0's example lockfile records its SDK tarball's hash as built on the recording machine; drop
        // that one hash (the tarball was just rebuilt from the same source) and keep every other pin.
        const lockPath = path.join(programDir, "package-lock.json");
        const lock = JSON.parse(fs.readFileSync(lockPath, "utf8"));
        for (const [key, entry] of Object.entries<any>(lock.packages ?? {})) if (key.endsWith("@meshedge/pulumi")) delete entry.integrity;
        fs.writeFileSync(lockPath, JSON.stringify(lock, null, 2));
        run(programDir, "npm", ["ci", ...NPM_QUIET]);
        const pluginTarball = path.join(dir, "dist", `pulumi-resource-meshedge-v${RELEASE_0_1_0.version}.tar.gz`);
        if (!fs.existsSync(pluginTarball)) throw new Error(`0.1.0's build:plugin made no ${path.basename(pluginTarball)}`);
        return { version: RELEASE_0_1_0.version, dir, pluginTarball, programDir, remove };
    } catch (err) {
        remove();
        throw err;
    }
}
