// Kong's CRDs across chart versions. Helm installs a chart's `crds/` only on install and skips them on
// upgrade (https://helm.sh/docs/chart_best_practices/custom_resource_definitions/: "There is no support
// at this time for upgrading or deleting CRDs using Helm"), so a Kong chart bump whose CRDs changed leaves
// the old ones in the cluster. meshedge's decision (docs/decisions.md, "Helm and ordering"): a documented
// manual step, and this check, which fails on the bump itself when the pinned charts' CRDs change.
// Data: ../shared/charts ingress-0.24.0.tgz (bundles charts/kong-3.2.0.tgz) and kong-3.4.1.tgz, crds/.
import { expect } from "chai";
import * as crypto from "crypto";
import * as yaml from "js-yaml";
import { readVersions } from "../../scripts/lib/repo-root";
import { bundledChartMember, chartMember } from "../support/charts";

/** The `crds/` file of kong/kong 3.4.1 (versions.json charts.kong) and of the kong 3.2.0 subchart of kong/ingress 0.24.0 (charts.kongIngress). */
function kongCrds(): Record<"kongIngress" | "kong", string> {
    const v = readVersions().charts;
    const crds = "kong/crds/custom-resource-definitions.yaml";
    return {
        kongIngress: bundledChartMember(`ingress-${v.kongIngress.version}.tgz`, "ingress/charts/kong-3.2.0.tgz", crds),
        kong: chartMember(`kong-${v.kong.version}.tgz`, crds),
    };
}

/**
 * sha256 of the pinned charts' Kong CRDs (the files above). When a chart bump changes it, Helm will not
 * apply the new CRDs to existing clusters: update docs/decisions.md and the release notes with the
 * manual step, then this digest.
 */
const PINNED_KONG_CRDS_SHA256 = "dd6ee9e39a881c9c12d779a960ed66b3420be7c71ae72d925bcd7167ccbadd03";
const MANUAL_STEP = "kubectl apply --server-side --force-conflicts -f <chart>/crds/ before `pulumi up` (docs/decisions.md, Helm and ordering)";

describe("Kong CRDs across the pinned chart versions", () => {
    it("kong 3.2.0 (inside kong/ingress 0.24.0) and kong/kong 3.4.1 ship the same crds/: switching or bumping between them needs no CRD step", () => {
        const crds = kongCrds();
        const names = (text: string) => (yaml.loadAll(text) as any[]).filter((d) => d?.kind === "CustomResourceDefinition").map((d) => d.metadata.name).sort();
        expect(names(crds.kong)).to.have.length(12).and.to.include("kongplugins.configuration.konghq.com");
        expect(names(crds.kongIngress)).to.deep.equal(names(crds.kong));
        expect(crds.kongIngress === crds.kong, "the two charts' crds/ differ").to.equal(true);
    });

    it("a pinned Kong chart whose CRDs change fails here with the manual step Helm's upgrade skips", () => {
        for (const [chart, text] of Object.entries(kongCrds())) {
            const digest = crypto.createHash("sha256").update(text).digest("hex");
            expect(digest, `${chart}: the chart's crds/ changed and helm upgrade will not apply them; users must run ${MANUAL_STEP}`).to.equal(PINNED_KONG_CRDS_SHA256);
        }
    });
});
