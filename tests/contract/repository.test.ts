// Nothing in the repository depends on the machine it was written on: a committed symlink dangles
// on any other checkout path, and an absolute path names a directory only that machine has.
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { repoRoot } from "../../scripts/lib/repo-root";

const root = repoRoot();
const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8", maxBuffer: 64 << 20 });

/** Files git tracks plus untracked files it does not ignore (the next commit's candidates). */
function repositoryFiles(): string[] {
    return git("ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0").filter((f) => f !== "");
}

function isLink(file: string): boolean {
    try {
        return fs.lstatSync(path.join(root, file)).isSymbolicLink();
    } catch {
        return false;
    }
}

/** Roots of machine-specific directories: home directories, this workplace's checkouts, the checkout itself. */
function machinePathPatterns(): RegExp[] {
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const own = [root, path.dirname(root), os.homedir()].filter((p) => p.split(path.sep).filter(Boolean).length > 0);
    return [
        /(?:^|[\s"'`=(:,])(?:\/home\/[\w.-]+\/|\/Users\/[\w.-]+\/|\/root\/|\/work\/)/m,
        /[A-Za-z]:\\Users\\/,
        ...own.map((p) => new RegExp(`${escape(p)}(?=[/"'\\s]|$)`, "m")),
    ];
}

describe("repository: independent of the machine it was written on", () => {
    it("commits no symlink (git mode 120000) and has none waiting to be committed", () => {
        const tracked = git("ls-files", "-s", "-z").split("\0").filter((l) => l.startsWith("120000 ")).map((l) => l.split("\t")[1]);
        expect(tracked, "symlinks in the index: git rm --cached them and create them at run time").to.deep.equal([]);
        expect(repositoryFiles().filter(isLink), "untracked symlinks not ignored: add them to .gitignore").to.deep.equal([]);
    });

    it("names no absolute path of a machine in any file", () => {
        const patterns = machinePathPatterns();
        const offenders: string[] = [];
        for (const file of repositoryFiles()) {
            const full = path.join(root, file);
            if (!fs.lstatSync(full, { throwIfNoEntry: false })?.isFile()) continue; // deleted, or a link (the test above)
            const bytes = fs.readFileSync(full);
            if (bytes.includes(0)) continue; // binary
            const text = bytes.toString("utf8");
            for (const pattern of patterns) {
                const match = pattern.exec(text);
                if (match) offenders.push(`${file}: ${match[0].trim()}`);
            }
        }
        expect(offenders, "machine paths: make them relative to the repository root or $HOME").to.deep.equal([]);
    });
});
