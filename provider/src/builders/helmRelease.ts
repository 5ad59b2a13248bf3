// The one way meshedge creates a Helm release: chart resolution (pinned upstream, or the user's
// source), Helm's release-name limit, skip-await, and the values merge in which the rules' typed
// values win over the user's free-form ones (the habit of pulumi-go-helmbase's base.go).
import * as pulumi from "@pulumi/pulumi";
import * as cloud from "../cloud";
import { HelmReleaseSpec, resolveChart } from "../rules/chartSource";
import { deepMerge } from "../rules/deepMerge";
import { helmReleaseName } from "../rules/names";

/** The merged values a release gets: the user's, then the rules' on top; known at preview when the user's are plain. */
function releaseValues({ values, userValues }: Pick<HelmReleaseSpec, "values" | "userValues">): pulumi.Input<Record<string, unknown>> {
    if (userValues === undefined) return values;
    if (pulumi.Output.isInstance(userValues) || userValues instanceof Promise) return pulumi.output(userValues).apply((user) => deepMerge(user ?? {}, values));
    return deepMerge(userValues, values);
}

export function helmRelease(name: string, args: HelmReleaseSpec, opts: pulumi.CustomResourceOptions): cloud.Release {
    const chart = resolveChart(args.chart, args.chartSource);
    return new cloud.Release(
        name,
        {
            name: helmReleaseName(args.releaseName),
            namespace: args.namespace,
            chart: chart.chart,
            version: chart.version,
            repositoryOpts: chart.repositoryOpts,
            values: releaseValues(args),
            skipAwait: !args.waitForReady,
        },
        opts,
    );
}
