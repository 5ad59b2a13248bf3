// Imports point down the layers of docs/architecture.md, never up:
//   provider/ (ships) <- tools/ and policy/ (ship) <- scripts/lib/ <- scripts/ (dev commands) <- tests/support/ <- tests/<tier>/
// A file may import its own layer and any layer below it.
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "../../scripts/lib/repo-root";

const root = repoRoot();

/** Layers from the bottom; a path belongs to the first layer whose prefix it starts with (most specific first). */
const LAYERS = ["provider/", "versions.json", "tools/", "policy/", "scripts/lib/", "scripts/", "tests/support/", "tests/"];
const LEVEL: Record<string, number> = { "provider/": 0, "versions.json": 0, "tools/": 1, "policy/": 1, "scripts/lib/": 2, "scripts/": 3, "tests/support/": 4, "tests/": 5 };

function layerOf(file: string): string | undefined {
    return [...LAYERS].sort((a, b) => b.length - a.length).find((prefix) => file.startsWith(prefix));
}

/** `import ... from "./x"` / `export ... from "./x"` statements and `require("./x")` calls. */
const RELATIVE_IMPORT = /(?:^(?:import|export)\b[^;]*?\bfrom\s+|\brequire\(\s*)["'](\.{1,2}\/[^"']+)["']/gm;

describe("layers: imports only point down", () => {
    it("no file imports a layer above its own", () => {
        const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "provider/src", "tools", "policy/src", "scripts", "tests"], { cwd: root, encoding: "utf8" })
            .split("\0")
            .filter((f) => f.endsWith(".ts") && !f.includes("/fixtures/") && fs.existsSync(path.join(root, f)));
        expect(files.length).to.be.greaterThan(40);
        const upward: string[] = [];
        for (const file of files) {
            const from = layerOf(file)!;
            for (const [, spec] of fs.readFileSync(path.join(root, file), "utf8").matchAll(RELATIVE_IMPORT)) {
                const target = path.relative(root, path.resolve(path.dirname(path.join(root, file)), spec));
                const to = layerOf(target);
                if (to === undefined || LEVEL[to] > LEVEL[from]) upward.push(`${file} -> ${target}`);
            }
        }
        expect(upward, "move the shared code down a layer (see docs/architecture.md)").to.deep.equal([]);
    });
});
