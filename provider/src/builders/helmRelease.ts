// The one way meshedge creates a Helm release: chart resolution (pinned upstream, or the user's
// source), Helm's release-name limit, skip-await, and the values merge in which the rules' typed
// values win over the user's free-form ones (the habit of pulumi-go-helmbase's base.go).
import * as pulumi from "@pulumi/pulumi";
import * as cloud from "../cloud";
import { HelmReleaseSpec, resolveChart } from "../rules/chartSource";
import { deepMerge } from "../rules/deepMerge";
import { helmReleaseName } from "../rules/names";

/** Every leaf of a plain value wrapped as a secret (objects stay objects, so their keys stay readable). */
function secretLeaves(value: unknown): unknown {
    if (typeof value === "object" && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, secretLeaves(v)]));
    }
    return pulumi.secret(value);
}

/**
 * The merged values a release gets: the user's, then the rules' on top; known at preview when the user's are plain.
 * When the user's values are one secret Output (`pulumi.secret({...})`, or a whole `kong` input made secret by an
 * SDK), merging inside its apply would make the whole merged map one secret, and the preview, the state and the PR
 * summary would show the typed sizing values as `[secret]`. Instead the secret goes onto each of the user's leaves
 * and the typed values stay plain. (The kubernetes provider keeps per-leaf secrets of `values`: its Check recurses
 * into objects, pulumi-kubernetes v4 provider/pkg/provider/helm_release.go annotateSecrets. `valueYamlFiles` would
 * not do: Check merges the files into `values` without their secretness.)
 */
function releaseValues({ values, userValues }: Pick<HelmReleaseSpec, "values" | "userValues">): pulumi.Input<Record<string, unknown>> {
    if (userValues === undefined) return values;
    if (pulumi.Output.isInstance(userValues) || userValues instanceof Promise) {
        const user = pulumi.output(userValues);
        return pulumi.all([pulumi.unsecret(user), pulumi.output(pulumi.isSecret(user))]).apply(([plain, secret]) => deepMerge((secret ? secretLeaves(plain ?? {}) : plain ?? {}) as Record<string, unknown>, values));
    }
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
