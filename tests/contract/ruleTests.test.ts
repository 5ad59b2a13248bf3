// Every rule file has its test beside it: provider/src/rules/<rule>.ts -> tests/unit/rules/<rule>.test.ts.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "../../scripts/lib/repo-root";

describe("rules: a test file beside every rule file", () => {
    it("tests/unit/rules/<rule>.test.ts exists for each provider/src/rules/<rule>.ts, and no test is orphaned", () => {
        const root = repoRoot();
        const rules = fs.readdirSync(path.join(root, "provider", "src", "rules")).filter((f) => f.endsWith(".ts")).map((f) => f.slice(0, -3));
        const tests = fs.readdirSync(path.join(root, "tests", "unit", "rules")).filter((f) => f.endsWith(".test.ts")).map((f) => f.slice(0, -".test.ts".length));
        expect(rules.length).to.be.greaterThan(10);
        expect(rules.filter((r) => !tests.includes(r)), "rules without a test").to.deep.equal([]);
        expect(tests.filter((t) => !rules.includes(t)), "tests without a rule").to.deep.equal([]);
    });
});
