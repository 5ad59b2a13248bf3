// Golden snapshots of the computed Kong Helm values for the README scenarios: a sizing or wiring
// change shows up as a diff in review. Regenerate deliberately with UPDATE_GOLDEN=1 npm test.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { EdgeStack } from "../../provider/src/components/edgeStack";
import type { EdgeStackArgs } from "../../provider/src/generated/schema-types";
import { repoRoot } from "../../scripts/lib/repo-root";
import { albHorizontalKuma, nlbVerticalIstio } from "../../scripts/lib/scenarios";
import { one, render } from "../../scripts/lib/mock-runtime";

const scenarios: [string, EdgeStackArgs][] = [
    ["nlb-vertical-istio", nlbVerticalIstio],
    ["alb-horizontal-kuma", albHorizontalKuma],
];

describe("golden Helm values", () => {
    for (const [name, args] of scenarios) {
        it(`${name} matches tests/golden/${name}.values.json`, async () => {
            const resources = await render(() => new EdgeStack("edge", args));
            const values = one(resources, "kubernetes:helm.sh/v3:Release").inputs.values;
            const file = path.join(repoRoot(), "tests", "golden", `${name}.values.json`);
            const actual = JSON.stringify(values, null, 2) + "\n";
            if (process.env.UPDATE_GOLDEN === "1") fs.writeFileSync(file, actual);
            expect(fs.existsSync(file), `${file} is missing: run UPDATE_GOLDEN=1 npm test`).to.equal(true);
            expect(actual).to.equal(fs.readFileSync(file, "utf8"));
        });
    }
});
