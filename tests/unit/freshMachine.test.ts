// What a fresh machine or an interrupted earlier run leaves must not break the next run, and a
// missing system tool is named with its Debian package and install command.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { linkExampleModules } from "../../scripts/lib/prepare-examples";
import { repoRoot } from "../../scripts/lib/repo-root";
import { missingPrerequisite, requirePrerequisites } from "../../scripts/lib/system-prerequisites";

describe("fresh machine and leftovers", () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshedge-fresh-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const expectLinked = () => {
        const link = path.join(dir, "node_modules");
        expect(fs.lstatSync(link).isSymbolicLink()).to.equal(true);
        const target = fs.readlinkSync(link);
        expect(path.isAbsolute(target), "a relative link survives moving the checkout").to.equal(false);
        expect(path.resolve(dir, target)).to.equal(path.join(repoRoot(), "examples", "typescript", "node_modules"));
    };

    it("replaces a dangling node_modules link from another checkout path", () => {
        fs.symlinkSync("/nonexistent/checkout/examples/typescript/node_modules", path.join(dir, "node_modules"));
        linkExampleModules(dir);
        expectLinked();
    });

    it("replaces a node_modules directory a failed install left, and is idempotent", () => {
        fs.mkdirSync(path.join(dir, "node_modules", "half-installed"), { recursive: true });
        linkExampleModules(dir);
        linkExampleModules(dir);
        expectLinked();
    });

    it("names a missing tool's Debian package and install command, all at once", () => {
        const missing = { probe: ["meshedge-no-such-tool", "--version"] as [string, string], neededFor: "the test", debianPackage: "meshedge-pkg" };
        expect(missingPrerequisite(missing)).to.equal("meshedge-no-such-tool is not on PATH; it is needed for the test. Install it: sudo apt-get install -y meshedge-pkg");
        const failing = { probe: ["node", "-e", "process.exit(3)"] as [string, string, string], neededFor: "the other test", debianPackage: "nodejs" };
        expect(() => requirePrerequisites(missing, failing)).to.throw(/missing system prerequisites:\n  - meshedge-no-such-tool is not on PATH.*\n  - `node -e process.exit\(3\)` failed; .*apt-get install -y nodejs/);
        expect(missingPrerequisite({ probe: ["node", "--version"], neededFor: "x", debianPackage: "nodejs" })).to.equal(undefined);
    });
});
