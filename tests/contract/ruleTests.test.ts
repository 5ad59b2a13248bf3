// Every rule file has its test beside it: provider/src/rules/<rule>.ts -> tests/unit/rules/<rule>.test.ts,
// and the policy pack's policy/src/rules/<rule>.ts -> tests/unit/policy/<rule>.test.ts.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "../../scripts/lib/repo-root";

const root = repoRoot();
const stems = (dir: string, suffix: string) => fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith(suffix)).map((f) => f.slice(0, -suffix.length));

describe("rules: a test file beside every rule file", () => {
    for (const [rulesDir, testsDir, atLeast] of [["provider/src/rules", "tests/unit/rules", 10], ["policy/src/rules", "tests/unit/policy", 5]] as const) {
        it(`${testsDir}/<rule>.test.ts exists for each ${rulesDir}/<rule>.ts, and no test is orphaned`, () => {
            const rules = stems(rulesDir, ".ts");
            const tests = stems(testsDir, ".test.ts");
            expect(rules.length).to.be.greaterThan(atLeast);
            expect(rules.filter((r) => !tests.includes(r)), "rules without a test").to.deep.equal([]);
            expect(tests.filter((t) => !rules.includes(t)), "tests without a rule").to.deep.equal([]);
        });
    }
});
