// Where a chart comes from: each malformed source reported at its own path, and what helm.v3.Release
// is given for the pinned upstream, a mirror, an OCI registry or a local chart.
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as yaml from "js-yaml";
import * as path from "path";
import { pinnedCharts } from "../../../provider/src/defaults";
import type { ChartSource } from "../../../provider/src/generated/schema-types";
import { checkChartSource, resolveChart } from "../../../provider/src/rules/chartSource";
import { Problems } from "../../../provider/src/rules/errors";
import { sharedDir } from "../../../scripts/lib/repo-root";

const F = "kong.chartSource";
const problemsOf = (source: ChartSource | undefined) => {
    const problems = new Problems();
    checkChartSource(problems, F, source);
    return problems.list.map((p) => [p.field, p.value, p.problem]);
};

describe("chartSource: checks", () => {
    const accepted: (ChartSource | undefined)[] = [
        undefined,
        {},
        { repository: "https://charts.example.com/kong" },
        { repository: "http://mirror.internal:8080" },
        { oci: "oci://registry.example.com/charts/ingress", version: "0.24.0" },
        { path: "./charts/ingress-0.24.0.tgz" },
        { path: "/opt/charts/ingress" },
        { version: "v1.30.3" },
        { version: "1.2.3-rc.1" },
        { version: "1.2.3+build.5" },
    ];
    it("accepts one origin or none, and exact versions", () => {
        for (const s of accepted) expect(problemsOf(s), JSON.stringify(s)).to.deep.equal([]);
    });

    // SemVer 2 (which Helm chart versions follow) allows a pre-release and build metadata together.
    it("accepts a version with both pre-release and build metadata (1.2.3-rc.1+build.5)", () => {
        expect(problemsOf({ version: "1.2.3-rc.1+build.5" })).to.deep.equal([]);
    });

    it("reports several origins once, at the source itself, naming them, and checks nothing else", () => {
        const s = { repository: "not a url", oci: "no", path: "", version: "latest" };
        expect(problemsOf(s)).to.deep.equal([[F, s, "sets repository and oci and path; a chart comes from exactly one place"]]);
        expect(problemsOf({ oci: "oci://r/c", path: "./c.tgz" })[0][2]).to.match(/^sets oci and path;/);
    });

    const rejected: [keyof ChartSource, string, string][] = [
        ["repository", "charts.konghq.com", "is not an http(s) URL"],
        ["repository", "oci://registry.example.com/charts", "is not an http(s) URL"],
        ["repository", "https://charts.example.com/a b", "is not an http(s) URL"],
        ["oci", "registry.example.com/kong/ingress", "is not an oci:// chart reference"],
        ["oci", "oci://registry.example.com", "is not an oci:// chart reference"], // a registry without the chart
        ["oci", "https://registry.example.com/kong/ingress", "is not an oci:// chart reference"],
        ["path", "", "is not a local file path"],
        ["path", "   ", "is not a local file path"],
        ["path", "https://charts.konghq.com/ingress-0.24.0.tgz", "is not a local file path"],
        ["version", "0.24", "is not a semantic version"],
        ["version", "latest", "is not a semantic version"],
        ["version", "~0.24.0", "is not a semantic version"], // a range, not one version
    ];
    for (const [key, value, problem] of rejected) {
        it(`rejects ${key} ${JSON.stringify(value)} at ${F}.${key}`, () => {
            expect(problemsOf({ [key]: value })).to.deep.equal([[`${F}.${key}`, value, problem]]);
        });
    }

    it("reports an origin and a version problem together", () => {
        expect(problemsOf({ repository: "charts.konghq.com", version: "0.24" }).map((p) => p[0])).to.deep.equal([`${F}.repository`, `${F}.version`]);
    });
});

describe("chartSource: resolveChart", () => {
    const pinned = pinnedCharts.kongIngress;
    it("uses the pinned repository, chart and version by default", () => {
        expect(resolveChart(pinned, undefined)).to.deep.equal({ chart: "ingress", version: "0.24.0", repositoryOpts: { repo: "https://charts.konghq.com" } });
        expect(resolveChart(pinned, {})).to.deep.equal(resolveChart(pinned, undefined));
    });
    it("a mirror replaces only the repository; a version replaces only the version", () => {
        expect(resolveChart(pinned, { repository: "https://mirror.example.com" })).to.deep.equal({ chart: "ingress", version: "0.24.0", repositoryOpts: { repo: "https://mirror.example.com" } });
        expect(resolveChart(pinned, { version: "0.23.1" })).to.deep.equal({ chart: "ingress", version: "0.23.1", repositoryOpts: { repo: pinned.repository } });
    });
    it("an OCI reference is the chart, with the pinned or given version and no repository", () => {
        expect(resolveChart(pinned, { oci: "oci://r.example.com/kong/ingress" })).to.deep.equal({ chart: "oci://r.example.com/kong/ingress", version: "0.24.0" });
        expect(resolveChart(pinned, { oci: "oci://r.example.com/kong/ingress", version: "0.25.0" })).to.deep.equal({ chart: "oci://r.example.com/kong/ingress", version: "0.25.0" });
    });
    it("a local path is the chart alone: its own Chart.yaml decides the version", () => {
        expect(resolveChart(pinned, { path: "./ingress.tgz", version: "9.9.9" })).to.deep.equal({ chart: "./ingress.tgz" });
    });
});

describe("chartSource: pins against the packaged upstream charts in ../shared/charts", () => {
    for (const [key, pin] of Object.entries(pinnedCharts)) {
        it(`${key}: ${pin.chart}-${pin.version}.tgz is that chart at that version, and the pin passes the checks`, () => {
            const tgz = path.join(sharedDir(), "charts", `${pin.chart}-${pin.version}.tgz`);
            const chartYaml = yaml.load(execFileSync("tar", ["-xzf", tgz, "-O", `${pin.chart}/Chart.yaml`], { encoding: "utf8" })) as Record<string, unknown>;
            expect(chartYaml).to.include({ name: pin.chart, version: pin.version });
            expect(problemsOf({ repository: pin.repository, version: pin.version })).to.deep.equal([]);
        });
    }
});
