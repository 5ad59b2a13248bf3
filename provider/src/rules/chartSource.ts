// Where a Helm chart comes from: the pinned upstream repository by default, or a mirror, an OCI
// registry or a local file for air-gapped installs and tests.
import type * as pulumi from "@pulumi/pulumi";
import type { ChartSource } from "../generated/schema-types";
import { joinPath, Problems } from "./errors";

export interface PinnedChart {
    readonly repository: string;
    readonly chart: string;
    readonly version: string;
}

/** What a Helm release is made of; builders/helmRelease.ts turns it into a helm.v3.Release. */
export interface HelmReleaseSpec {
    /** Helm's release name (cut to Helm's 53 characters). */
    readonly releaseName: string;
    readonly namespace: string;
    /** The version-pinned chart (defaults.ts) and the user's override of where it comes from. */
    readonly chart: PinnedChart;
    readonly chartSource?: ChartSource;
    /** What the rules computed; these keys always win. */
    readonly values: Record<string, unknown>;
    /** The user's extra values, merged under the typed ones (an Output when they carry secrets or dependencies). */
    readonly userValues?: pulumi.Input<Record<string, unknown>>;
    /** false: do not wait for the release's resources to become ready. */
    readonly waitForReady: boolean;
}

/** The shape helm.v3.Release takes: `chart` + `version` + optional `repositoryOpts.repo`. */
export interface ResolvedChart {
    readonly chart: string;
    readonly version?: string;
    readonly repositoryOpts?: { readonly repo: string };
}

export function checkChartSource(problems: Problems, field: string, source: ChartSource | undefined): void {
    if (!source) return;
    const set = (["repository", "oci", "path"] as const).filter((k) => source[k] !== undefined);
    if (set.length > 1) {
        problems.add(field, source, `sets ${set.join(" and ")}; a chart comes from exactly one place`, "keep only one of repository, oci and path");
        return;
    }
    if (source.repository !== undefined && !/^https?:\/\/[^\s]+$/.test(source.repository)) {
        problems.add(joinPath(field, `repository`), source.repository, "is not an http(s) URL", 'use the repository URL, e.g. "https://charts.konghq.com"; for OCI registries use "oci"');
    }
    if (source.oci !== undefined && !/^oci:\/\/[^\s/]+\/[^\s]+$/.test(source.oci)) {
        problems.add(joinPath(field, `oci`), source.oci, "is not an oci:// chart reference", 'use "oci://<registry>/<path>/<chart>"');
    }
    if (source.path !== undefined && (source.path.trim() === "" || /^[a-z]+:\/\//.test(source.path))) {
        problems.add(joinPath(field, `path`), source.path, "is not a local file path", "point at a packaged .tgz chart or an unpacked chart directory; use repository or oci for remote charts");
    }
    if (source.version !== undefined && !/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(source.version)) {
        problems.add(joinPath(field, `version`), source.version, "is not a semantic version", 'use an exact chart version such as "0.24.0"');
    }
}

export function resolveChart(pinned: PinnedChart, source: ChartSource | undefined): ResolvedChart {
    if (source?.path !== undefined) return { chart: source.path };
    const version = source?.version ?? pinned.version;
    if (source?.oci !== undefined) return { chart: source.oci, version };
    return { chart: pinned.chart, version, repositoryOpts: { repo: source?.repository ?? pinned.repository } };
}
