// The PR summary of `pulumi preview --json`: counts, the Kong sizing before and after, the changed resources,
// "No changes." for quiet previews and a clear message for input that is not a preview.
// Fixtures under tests/fixtures/previews/ follow Pulumi's PreviewDigest (sdk/go/common/display/json.go), with the
// Release values rendered by EdgeStack: first-preview (NLB, vertical 2 x 4 CPU), vertical-to-horizontal (an NLB stack
// moving to an HPA of 2-10 with acceptL4Imbalance; its old state is what meshedge rendered before mem_cache_size and
// connection recycling were set). The sizing parts of each new state are checked against the rules below.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { EdgeStack } from "../../provider/src/components/edgeStack";
import { servicesRateLimits } from "../../provider/src/rules/plugins";
import { render } from "../../scripts/lib/mock-runtime";
import {
    clusterWideLimits,
    countOperations,
    dangerousChanges,
    DANGER_TITLE,
    flattenValues,
    valueChanges,
    valueChangesOf,
    VALUES_HEADER,
    SECRET,
    extractKongSizing,
    kongChartKind,
    kongReleaseChanges,
    kongReplicaRange,
    kongSizingRow,
    rateLimitChanges,
    NO_CHANGES,
    SIZING_HEADER,
    summarizePreview,
    summarizePreviewText,
    UNKNOWN_VALUE,
} from "../../tools/preview-summary";
import { repoRoot } from "../../scripts/lib/repo-root";
import { KongChart, MeshKind, type EdgeStackArgs, type KongSizing } from "../../provider/src/generated/schema-types";
import { kongGatewayValues, kongSizingEnv } from "../../provider/src/rules/kongValues";
import { computeKongSizing } from "../../provider/src/rules/sizing";

const fixtureDir = path.join(repoRoot(), "tests", "fixtures", "previews");
const fixture = (name: string): any => JSON.parse(fs.readFileSync(path.join(fixtureDir, name), "utf8"));
const lines = (markdown: string): string[] => markdown.split("\n");

const STACK = "urn:pulumi:dev::edge-demo::";
const KONG_RELEASE_URN = `${STACK}meshedge:index:EdgeStack$meshedge:index:KongGateway$kubernetes:helm.sh/v3:Release::edge-kong`;
const RELEASE = "kubernetes:helm.sh/v3:Release";
const SIZING_RULE = "| --- | --- | --- | --- | --- | --- | --- | --- |";

function gateway(sizing: Record<string, unknown>): Record<string, unknown> {
    return { controller: { ingressController: { ingressClass: "kong" } }, gateway: sizing };
}
const verticalGateway = {
    autoscaling: { enabled: false },
    env: { nginx_worker_processes: "4" },
    replicaCount: 2,
    resources: { limits: { cpu: "4", memory: "2048Mi" }, requests: { cpu: "4", memory: "2048Mi" } },
};
const releaseState = (urn: string, values: unknown, chart: unknown = "ingress") => ({
    urn,
    custom: true,
    type: RELEASE,
    inputs: { chart, name: "edge-kong", namespace: "kong", values, version: "0.24.0" },
});

describe("preview summary", () => {
    describe("fixtures: each new Kong state carries the sizing values the rules give its stack", () => {
        const cases: [string, KongSizing][] = [
            ["first-preview.json", computeKongSizing({ loadBalancerType: "nlb", vertical: { cpu: 4, replicas: 2 } })],
            ["vertical-to-horizontal.json", computeKongSizing({ loadBalancerType: "nlb", scalingMode: "horizontal", acceptL4Imbalance: true })],
        ];
        for (const [name, sizing] of cases) {
            it(name, () => {
                const step = fixture(name).steps.find((s: any) => s.newState?.type === RELEASE);
                const gatewayValues = step.newState.inputs.values.gateway;
                const loadBalancer = { type: "nlb" as const, annotations: {} };
                const rules = kongGatewayValues({ chart: KongChart.Ingress, sizing, loadBalancer, eksAutoMode: false, meshKind: MeshKind.None, controllerResources: {}, ingressClassName: "kong" });
                for (const key of ["autoscaling", "replicaCount", "resources", "podDisruptionBudget"]) expect(gatewayValues[key], key).to.deep.equal(rules[key]);
                expect(gatewayValues.env).to.include(kongSizingEnv(sizing));
            });
        }
    });

    describe("first preview of a stack (everything created, vertical 2 x 4 workers)", () => {
        const preview = fixture("first-preview.json");
        const markdown = summarizePreview(preview);

        it("titles the summary with the project and stack", () => {
            expect(lines(markdown)[0]).to.equal("## Pulumi preview: `edge-demo/dev`");
        });

        it("counts the operations", () => {
            const out = lines(markdown);
            const start = out.indexOf("| Operation | Count |");
            expect(out.slice(start, start + 7)).to.deep.equal([
                "| Operation | Count |",
                "| --- | ---: |",
                "| create | 7 |",
                "| update | 0 |",
                "| replace | 0 |",
                "| delete | 0 |",
                "| same | 0 |",
            ]);
        });

        it("shows the Kong sizing with an empty before", () => {
            const out = lines(markdown);
            const start = out.indexOf("### Kong sizing");
            expect(start).to.be.greaterThan(0);
            expect(out.slice(start + 2, start + 5)).to.deep.equal([
                SIZING_HEADER,
                SIZING_RULE,
                "| `edge-kong` | create | — → 2 | — → 4 | — → 4 | — → 2560Mi | — → 128m | — → 10000 requests / 3600s |",
            ]);
        });

        it("lists every created resource in a collapsed block", () => {
            const out = lines(markdown);
            expect(out).to.include.members(["<details>", "<summary>7 changed resources</summary>", "</details>"]);
            expect(out).to.include("| create | `kubernetes:helm.sh/v3:Release` | `edge-kong` |  |");
            expect(out).to.include("| create | `meshedge:index:KongGateway` | `edge-kong` |  |");
            expect(out).to.include("| create | `pulumi:pulumi:Stack` | `edge-demo-dev` |  |");
            expect(out.filter((l) => l.startsWith("| create | `"))).to.have.length(7);
        });
    });

    describe("vertical to horizontal (Release update)", () => {
        const preview = fixture("vertical-to-horizontal.json");
        const markdown = summarizePreview(preview);

        it("counts one update and the unchanged resources from changeSummary", () => {
            const out = lines(markdown);
            const start = out.indexOf("| create | 0 |");
            expect(out.slice(start, start + 5)).to.deep.equal(["| create | 0 |", "| update | 1 |", "| replace | 0 |", "| delete | 0 |", "| same | 6 |"]);
        });

        it("shows replicas becoming an HPA range, the smaller pods, the explicit cache and the NLB's connection recycling", () => {
            expect(lines(markdown)).to.include("| `edge-kong` | update | 2 → HPA 2-10 | 4 → 1 | 4 → 1 | 2048Mi → 1024Mi | chart default → 128m | chart default → 1000 requests / 300s |");
        });

        it("extracts the sizing from oldState and newState", () => {
            const [release] = kongReleaseChanges(preview);
            expect(release.name).to.equal("edge-kong");
            expect(release.before).to.deep.equal({ replicas: "2", workers: "4", cpu: "4", memory: "2048Mi", memCacheSize: "chart default", recycling: "chart default" });
            expect(release.after).to.deep.equal({ replicas: "HPA 2-10", workers: "1", cpu: "1", memory: "1024Mi", memCacheSize: "128m", recycling: "1000 requests / 300s" });
        });

        it("lists only the changed resource, with its diff reasons, and leaves out same", () => {
            const out = lines(markdown);
            expect(out).to.include("<summary>1 changed resource</summary>");
            expect(out).to.include("| update | `kubernetes:helm.sh/v3:Release` | `edge-kong` | `values` |");
            expect(markdown).not.to.contain("pulumi:pulumi:Stack");
        });
    });

    describe("no changes", () => {
        it("prints the single line No changes.", () => {
            expect(summarizePreview(fixture("no-changes.json"))).to.equal("No changes.\n");
            expect(NO_CHANGES).to.equal("No changes.");
        });

        it("ignores read steps", () => {
            const preview = {
                steps: [{ op: "read", urn: `${STACK}aws:eks/cluster:Cluster::cluster`, newState: { type: "aws:eks/cluster:Cluster" } }],
                changeSummary: { same: 4 },
            };
            expect(summarizePreview(preview)).to.equal("No changes.\n");
        });

        it("does not hide errors behind No changes.", () => {
            const preview = {
                steps: [{ op: "same", urn: `${STACK}pulumi:pulumi:Stack::edge-demo-dev` }],
                changeSummary: { same: 1 },
                diagnostics: [{ urn: `${STACK}pulumi:pulumi:Stack::edge-demo-dev`, message: "error: EdgeStack \"edge\": vertical.cpu = 0 is out of range\n", severity: "error" }],
            };
            const out = lines(summarizePreview(preview));
            expect(out).to.include("**Diagnostics:** 1 error, 0 warnings.");
            expect(out).to.include('- error: EdgeStack "edge": vertical.cpu = 0 is out of range');
            expect(out).not.to.include("No changes.");
        });
    });

    describe("malformed and empty input", () => {
        it("reports empty input instead of claiming no changes", () => {
            const { markdown, ok } = summarizePreviewText("  \n");
            expect(ok).to.equal(false);
            expect(lines(markdown)).to.deep.equal([
                "## Pulumi preview",
                "",
                "**Could not summarize the preview:** the input is empty; did `pulumi preview --json` fail before printing anything?",
                "",
            ]);
        });

        it("reports text that is not JSON", () => {
            const { markdown, ok } = summarizePreviewText("error: no stack named 'dev' found");
            expect(ok).to.equal(false);
            expect(markdown).to.contain("**Could not summarize the preview:** the input is not valid JSON (");
        });

        it("reports JSON that is not a preview", () => {
            expect(summarizePreview(null)).to.contain("got null.");
            expect(summarizePreview([1, 2])).to.contain("got an array.");
            expect(summarizePreview("steps")).to.contain("got string.");
            expect(summarizePreview({})).to.contain("the JSON has neither `steps` nor `changeSummary`");
            expect(summarizePreviewText("{}").ok).to.equal(false);
        });

        it("finds the JSON object between stray lines", () => {
            const text = "warning: A new version of Pulumi is available.\n" + JSON.stringify(fixture("no-changes.json"), null, 4) + "\n";
            expect(summarizePreviewText(text)).to.deep.equal({ ok: true, markdown: "No changes.\n" });
        });

        it("survives steps with missing or wrong-typed fields and prints what is known", () => {
            const preview = {
                steps: [
                    null,
                    42,
                    { op: "create" },
                    { urn: `${STACK}kubernetes:core/v1:Namespace::edge-ns-kong` },
                    { op: "update", urn: KONG_RELEASE_URN, oldState: { inputs: "oops" }, newState: { type: RELEASE, inputs: { values: "[secret]" } } },
                    { op: "delete", urn: "not-a-urn", oldState: { type: 7 }, diffReasons: "values" },
                ],
                changeSummary: { create: "three", update: 1, delete: -1 },
            };
            const markdown = summarizePreview(preview);
            const out = lines(markdown);
            expect(out).to.include("| update | 1 |");
            expect(out).to.include("| create | 0 |");
            expect(out).to.include("| `edge-kong` | update | ? → [secret] | ? → [secret] | ? → [secret] | ? → [secret] | ? → [secret] | ? → [secret] |");
            expect(out).to.include("| create | `unknown` | `(step 3 without a URN)` |  |");
            expect(out).to.include("| unknown | `kubernetes:core/v1:Namespace` | `edge-ns-kong` |  |");
            expect(out).to.include("| delete | `unknown` | `not-a-urn` |  |");
        });
    });

    describe("operation counts", () => {
        const urn = `${STACK}meshedge:index:EdgeStack$kubernetes:core/v1:Namespace::edge-ns-kong`;

        it("counts the replacement steps of one resource once, as replace", () => {
            const steps = ["create-replacement", "replace", "delete-replaced"].map((op) => ({ op, urn }));
            const counts = countOperations({ steps });
            expect(counts).to.deep.equal({ create: 0, update: 0, replace: 1, delete: 0, same: 0, other: {} });
            const out = lines(summarizePreview({ steps }));
            expect(out).to.include("| replace | 1 |");
            expect(out).to.include("<summary>1 changed resource</summary>");
            expect(out).to.include("| replace | `kubernetes:core/v1:Namespace` | `edge-ns-kong` |  |");
        });

        it("counts replacements once from changeSummary too, and keeps other operations", () => {
            const counts = countOperations({ changeSummary: { replace: 2, "create-replacement": 2, "delete-replaced": 2, same: 5, read: 1 } });
            expect(counts).to.deep.equal({ create: 0, update: 0, replace: 2, delete: 0, same: 5, other: { read: 1 } });
        });

        it("shows the replace reasons of a replacement", () => {
            const steps = [{ op: "replace", urn, replaceReasons: ["metadata"], diffReasons: ["metadata"] }];
            expect(lines(summarizePreview({ steps }))).to.include("| replace | `kubernetes:core/v1:Namespace` | `edge-ns-kong` | `metadata` |");
        });
    });

    describe("Kong sizing extraction", () => {
        it("reads the gateway values of the kong/ingress chart", () => {
            expect(extractKongSizing(gateway(verticalGateway), "ingress")).to.deep.equal({ replicas: "2", workers: "4", cpu: "4", memory: "2048Mi", memCacheSize: "chart default", recycling: "chart default" });
        });

        it("reads the top-level values of the kong/kong chart", () => {
            const env = { nginx_worker_processes: "1", mem_cache_size: "64m", nginx_http_keepalive_requests: "1000", nginx_http_keepalive_time: "300s" };
            const values = { autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 12 }, env, resources: { requests: { cpu: "1", memory: "896Mi" } } };
            const sizing = { replicas: "HPA 3-12", workers: "1", cpu: "1", memory: "896Mi", memCacheSize: "64m", recycling: "1000 requests / 300s" };
            expect(extractKongSizing(values, "kong")).to.deep.equal(sizing);
            expect(extractKongSizing(values)).to.deep.equal(sizing);
        });

        it("knows the chart from repository, OCI and file references", () => {
            expect(kongChartKind("kong/ingress")).to.equal("ingress");
            expect(kongChartKind("oci://registry.example.com/charts/kong")).to.equal("kong");
            expect(kongChartKind("./charts/ingress-0.24.0.tgz")).to.equal("ingress");
            expect(kongChartKind("istiod")).to.equal(undefined);
            expect(kongChartKind(undefined)).to.equal(undefined);
        });

        it("says chart default for keys the values leave out, and ? for unknown values", () => {
            const defaults = { replicas: "chart default", workers: "chart default", cpu: "chart default", memory: "chart default", memCacheSize: "chart default", recycling: "chart default" };
            expect(extractKongSizing({ gateway: {} }, "ingress")).to.deep.equal(defaults);
            expect(extractKongSizing({ gateway: { env: { nginx_http_keepalive_time: "300s" } } }, "ingress").recycling).to.equal("chart default requests / 300s");
            expect(extractKongSizing({ gateway: { env: { mem_cache_size: UNKNOWN_VALUE, nginx_http_keepalive_requests: UNKNOWN_VALUE } } }, "ingress")).to.include({ memCacheSize: "?", recycling: "? requests / chart default" });
            expect(extractKongSizing({ gateway: { autoscaling: { enabled: true, maxReplicas: 10 }, resources: { requests: { cpu: UNKNOWN_VALUE } } } }).replicas).to.equal("HPA ?-10");
            expect(extractKongSizing({ gateway: { resources: { requests: { cpu: UNKNOWN_VALUE } } } }).cpu).to.equal("?");
            const unknown = { replicas: "?", workers: "?", cpu: "?", memory: "?", memCacheSize: "?", recycling: "?" };
            expect(extractKongSizing(UNKNOWN_VALUE)).to.deep.equal(unknown);
            expect(extractKongSizing(undefined)).to.deep.equal(unknown);
        });

        it("finds Kong releases by the KongGateway parent or by the worker setting, and skips other releases", () => {
            const byValues = `${STACK}kubernetes:helm.sh/v3:Release::my-kong`;
            const istiod = `${STACK}meshedge:index:EdgeStack$kubernetes:helm.sh/v3:Release::edge-istiod`;
            const preview = {
                steps: [
                    { op: "create", urn: KONG_RELEASE_URN, newState: releaseState(KONG_RELEASE_URN, {}) },
                    { op: "delete", urn: byValues, oldState: releaseState(byValues, { replicaCount: 2, env: { nginx_worker_processes: "2" } }, "kong/kong") },
                    { op: "create", urn: istiod, newState: releaseState(istiod, { pilot: { replicaCount: 2 } }, "istiod") },
                ],
            };
            const releases = kongReleaseChanges(preview);
            expect(releases.map((r) => r.name)).to.deep.equal(["edge-kong", "my-kong"]);
            expect(releases.map(kongSizingRow)).to.deep.equal([
                "| `edge-kong` | create | — → chart default | — → chart default | — → chart default | — → chart default | — → chart default | — → chart default |",
                "| `my-kong` | delete | 2 → — | 2 → — | chart default → — | chart default → — | chart default → — | chart default → — |",
            ]);
        });

        it("folds replacement steps of a release into one row", () => {
            const oldState = releaseState(KONG_RELEASE_URN, gateway(verticalGateway));
            const newState = releaseState(KONG_RELEASE_URN, gateway({ ...verticalGateway, replicaCount: 3 }));
            const preview = {
                steps: [
                    { op: "create-replacement", urn: KONG_RELEASE_URN, oldState, newState, replaceReasons: ["name"] },
                    { op: "replace", urn: KONG_RELEASE_URN, oldState, newState, replaceReasons: ["name"] },
                    { op: "delete-replaced", urn: KONG_RELEASE_URN, oldState },
                ],
            };
            expect(kongReleaseChanges(preview).map(kongSizingRow)).to.deep.equal(["| `edge-kong` | replace | 2 → 3 | 4 → 4 | 4 → 4 | 2048Mi → 2048Mi | chart default → chart default | chart default → chart default |"]);
        });

        it("leaves the Kong section out when no Kong release is in the preview", () => {
            const preview = { steps: [{ op: "create", urn: `${STACK}kubernetes:core/v1:Namespace::apps`, newState: { type: "kubernetes:core/v1:Namespace" } }] };
            expect(summarizePreview(preview)).not.to.contain("### Kong sizing");
        });
    });

    describe("cluster-wide rate limits", () => {
        // A first preview of what EdgeStack really registers: Kong under an HPA (2-10 pods), one service limited
        // per pod (local), one through Redis.
        const stack: EdgeStackArgs = {
            loadBalancer: { type: "nlb" },
            scalingMode: "horizontal",
            horizontal: { minReplicas: 2, maxReplicas: 10 },
            acceptL4Imbalance: true,
            services: [
                { name: "orders", namespace: "shop", paths: ["/shop.Orders/"], plugins: { rateLimiting: { second: 20, minute: 600 } } },
                { name: "search", namespace: "shop", paths: ["/shop.Search/"], plugins: { rateLimiting: { minute: 1000, policy: "redis", redis: { host: "redis.cache", password: "SECRET" } } } },
            ],
        };
        const previewOf = async (args: EdgeStackArgs) => {
            const resources = await render(() => new EdgeStack("edge", args));
            const steps = resources.map((r) => {
                const urn = `${STACK}${r.type}::${r.name}`;
                return { op: "create", urn, newState: { urn, custom: r.custom, type: r.type, inputs: r.inputs } };
            });
            return { steps, changeSummary: { create: steps.length } };
        };

        it("multiplies a local limit by the HPA range and leaves a Redis limit as it is", async () => {
            const out = lines(summarizePreview(await previewOf(stack)));
            const start = out.indexOf("### Rate limits (cluster-wide)");
            expect(start).to.be.greaterThan(0);
            expect(out.slice(start + 4, start + 9)).to.deep.equal([
                "| KongPlugin | Op | Policy | Limit | Cluster-wide |",
                "| --- | --- | --- | --- | --- |",
                "| `orders-rate-limiting` | create | local | 20/second | 40-200/second (2-10 pods) |",
                "| `orders-rate-limiting` | create | local | 600/minute | 1200-6000/minute (2-10 pods) |",
                "| `search-rate-limiting` | create | redis | 1000/minute | 1000/minute (shared counter) |",
            ]);
            expect(out.join("\n")).to.not.include("SECRET");
        });

        it("agrees with EdgeStack's rateLimits output (the provider's clusterWideRateLimits) for the same sizing", async () => {
            const fromSummary = rateLimitChanges(await previewOf(stack)).flatMap((r) => r.limits.map((l) => [r.name.replace(/-rate-limiting$/, ""), l.period, l.minimum, l.maximum]));
            const sizing = computeKongSizing({ loadBalancerType: "nlb", scalingMode: "horizontal", horizontal: { minReplicas: 2, maxReplicas: 10 }, acceptL4Imbalance: true });
            const fromProvider = servicesRateLimits(stack.services!, sizing).map((l) => [l.service.split("/")[1], l.period, l.minimum, l.maximum]);
            expect(fromSummary).to.deep.equal(fromProvider);
        });

        it("fixed replicas: limit x replicas; unknown pods say so instead of guessing", () => {
            expect(kongReplicaRange(gateway(verticalGateway), "ingress")).to.deep.equal({ min: 2, max: 2 });
            expect(kongReplicaRange(gateway({ autoscaling: { enabled: true, minReplicas: 3, maxReplicas: UNKNOWN_VALUE } }), "ingress")).to.equal(undefined);
            expect(clusterWideLimits({ minute: 5, policy: "local" }, { min: 2, max: 2 })).to.deep.equal([{ period: "minute", limit: 5, policy: "local", minimum: 10, maximum: 10 }]);
            const plugin = { op: "update", urn: `${STACK}kubernetes:configuration.konghq.com/v1:KongPlugin::edge-rl`, newState: { type: "kubernetes:configuration.konghq.com/v1:KongPlugin", inputs: { plugin: "rate-limiting", config: { hour: 100 }, metadata: { name: "orders-rate-limiting" } } } };
            expect(lines(summarizePreview({ steps: [plugin] }))).to.include("| `orders-rate-limiting` | update | local | 100/hour | 100/hour x ? pods |");
            const release = { op: "update", urn: KONG_RELEASE_URN, newState: releaseState(KONG_RELEASE_URN, gateway(verticalGateway)) };
            expect(lines(summarizePreview({ steps: [release, plugin] }))).to.include("| `orders-rate-limiting` | update | local | 100/hour | 200/hour (2 pods) |");
        });

        it("with --show-sames, an unchanged plugin is listed when Kong's pods change, since its cluster-wide limit does", () => {
            const plugin = { op: "same", urn: `${STACK}kubernetes:configuration.konghq.com/v1:KongPlugin::edge-rl`, newState: { type: "kubernetes:configuration.konghq.com/v1:KongPlugin", inputs: { plugin: "rate-limiting", config: { minute: 10 }, metadata: { name: "orders-rate-limiting" } } } };
            const hpa = gateway({ ...verticalGateway, autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 10 } });
            const release = (op: string) => ({ op, urn: KONG_RELEASE_URN, oldState: releaseState(KONG_RELEASE_URN, gateway(verticalGateway)), newState: releaseState(KONG_RELEASE_URN, hpa) });
            expect(lines(summarizePreview({ steps: [release("update"), plugin] }))).to.include("| `orders-rate-limiting` | same | local | 10/minute | 20-100/minute (2-10 pods) |");
            expect(rateLimitChanges({ steps: [release("same"), plugin] }), "Kong unchanged: nothing to show").to.deep.equal([]);
        });

        it("leaves the section out without rate-limiting plugin changes", () => {
            const other = { op: "create", urn: `${STACK}kubernetes:configuration.konghq.com/v1:KongPlugin::edge-cors`, newState: { type: "kubernetes:configuration.konghq.com/v1:KongPlugin", inputs: { plugin: "cors", config: { origins: ["*"] } } } };
            expect(summarizePreview({ steps: [other] })).to.not.include("Rate limits");
            expect(summarizePreview(fixture("vertical-to-horizontal.json"))).to.not.include("Rate limits");
        });
    });


    describe("changed values, old -> new, secrets masked", () => {
        it("flattens nested values to dotted keys, quoting keys that are not identifiers", () => {
            const flat = flattenValues({ gateway: { env: { log_level: "notice" }, podAnnotations: { "kuma.io/gateway": "enabled" }, args: ["a"], empty: {} } });
            expect([...flat.entries()]).to.deep.equal([
                ["gateway.env.log_level", "notice"],
                ['gateway.podAnnotations["kuma.io/gateway"]', "enabled"],
                ["gateway.args", ["a"]],
                ["gateway.empty", {}],
            ]);
        });

        it("lists changed, added and removed keys, and never a secret's old or new value", () => {
            const before = { gateway: { env: { log_level: "notice", pg_password: SECRET, gone: "x" }, replicaCount: 2 } };
            const after = { gateway: { env: { log_level: "debug", pg_password: SECRET, added: "y" }, replicaCount: 2, extra: { token: SECRET } } };
            expect(valueChanges(before, after, (k) => k === "gateway.env.pg_password")).to.deep.equal([
                { key: "gateway.env.log_level", old: "notice", new: "debug" },
                { key: "gateway.env.pg_password", old: SECRET, new: SECRET },
                { key: "gateway.env.added", old: "—", new: "y" },
                { key: "gateway.extra.token", old: "—", new: SECRET },
                { key: "gateway.env.gone", old: "x", new: "—" },
            ]);
            // Without a detailedDiff a secret on both sides cannot be compared: it is listed, masked.
            expect(valueChanges(before, after).find((c) => c.key === "gateway.env.pg_password")).to.deep.equal({ key: "gateway.env.pg_password", old: SECRET, new: `${SECRET} (may have changed)` });
            // detailedDiff says the secret did not change: no row.
            expect(valueChanges(before, after, () => false).map((c) => c.key)).to.not.include("gateway.env.pg_password");
        });

        it("a value that becomes a secret, or stops being one, shows no plaintext on either side", () => {
            expect(valueChanges({ env: { password: "plaintext-before" } }, { env: { password: SECRET } })).to.deep.equal([{ key: "env.password", old: SECRET, new: SECRET }]);
            expect(valueChanges({ env: SECRET }, { env: { password: "plaintext-after", level: "info" } })).to.deep.equal([{ key: "env", old: SECRET, new: SECRET }]);
            expect(valueChanges(SECRET, { gateway: { replicaCount: 2 } })).to.deep.equal([{ key: "", old: SECRET, new: SECRET }]);
        });

        it("shows unknown values as ? and cuts long ones", () => {
            const [unknown, long] = valueChanges({ a: "1", b: "x" }, { a: UNKNOWN_VALUE, b: "y".repeat(500) });
            expect(unknown).to.deep.equal({ key: "a", old: "1", new: "?" });
            expect(long.new).to.have.length(120).and.to.match(/\.\.\.$/);
        });

        it("reads annotations of Kubernetes objects and Helm values of releases, for updates and replaces only", () => {
            const ingress = (annotations: Record<string, string>) => ({ type: "kubernetes:networking.k8s.io/v1:Ingress", inputs: { metadata: { name: "edge-kong-alb", annotations }, spec: { ingressClassName: "alb" } } });
            const urn = `${STACK}kubernetes:networking.k8s.io/v1:Ingress::edge-kong-alb`;
            const preview = {
                steps: [
                    { op: "update", urn, oldState: ingress({ "alb.ingress.kubernetes.io/tags": "team=edge" }), newState: ingress({ "alb.ingress.kubernetes.io/tags": "team=core" }) },
                    { op: "create", urn: `${STACK}kubernetes:core/v1:Namespace::x`, newState: { type: "kubernetes:core/v1:Namespace", inputs: { metadata: { annotations: { a: "b" } } } } },
                ],
            };
            expect(valueChangesOf(preview)).to.deep.equal([
                { name: "edge-kong-alb", type: "kubernetes:networking.k8s.io/v1:Ingress", op: "update", what: "annotations", changes: [{ key: "alb.ingress.kubernetes.io/tags", old: "team=edge", new: "team=core" }] },
            ]);
            const out = lines(summarizePreview(preview));
            const start = out.indexOf("### Changed values (old → new)");
            expect(out.slice(start + 2, start + 7)).to.deep.equal([
                "`edge-kong-alb` `kubernetes:networking.k8s.io/v1:Ingress` (update), annotations:",
                "",
                VALUES_HEADER,
                "| --- | --- | --- |",
                "| `alb.ingress.kubernetes.io/tags` | team=edge | team=core |",
            ]);
        });
    });

    describe("warning for replaces and deletes of what owns a load balancer, the Kong release or a CRD", () => {
        const step = (op: string, type: string, name: string, inputs: Record<string, unknown>) => {
            const urn = `${STACK}${type}::${name}`;
            const state = { urn, type, inputs };
            return { op, urn, oldState: state, ...(op === "delete" ? {} : { newState: state }) };
        };
        const crd = step("delete", "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", "kongplugins.configuration.konghq.com", { metadata: { name: "kongplugins.configuration.konghq.com" } });
        const lb = step("replace", "kubernetes:core/v1:Service", "proxy", { spec: { type: "LoadBalancer" } });
        const clusterIp = step("replace", "kubernetes:core/v1:Service", "internal", { spec: { type: "ClusterIP" } });
        const customClassAlb = step("delete", "kubernetes:networking.k8s.io/v1:Ingress", "edge-alb", { metadata: { annotations: { "alb.ingress.kubernetes.io/scheme": "internet-facing" } }, spec: { ingressClassName: "auto-alb" } });
        const kongIngress = step("delete", "kubernetes:networking.k8s.io/v1:Ingress", "greeter", { spec: { ingressClassName: "kong" } });
        const kongUpdate = { op: "update", urn: KONG_RELEASE_URN, oldState: releaseState(KONG_RELEASE_URN, gateway(verticalGateway)), newState: releaseState(KONG_RELEASE_URN, gateway(verticalGateway)) };
        const kongDelete = { op: "delete", urn: KONG_RELEASE_URN, oldState: releaseState(KONG_RELEASE_URN, gateway(verticalGateway)) };

        it("names each dangerous step and why, and nothing else", () => {
            const found = dangerousChanges({ steps: [crd, lb, clusterIp, customClassAlb, kongIngress, kongDelete] });
            expect(found.map((d) => `${d.op} ${d.name}: ${d.why.split(":")[0]}`)).to.deep.equal([
                "delete kongplugins.configuration.konghq.com: CustomResourceDefinition",
                "replace proxy: Service of type LoadBalancer",
                "delete edge-alb: ALB Ingress",
                "delete edge-kong: Kong Helm release",
            ]);
        });

        it("puts the warning right under the title", () => {
            const out = lines(summarizePreview({ steps: [lb, kongDelete] }));
            expect(out[2]).to.equal("> [!WARNING]");
            expect(out[3].startsWith(DANGER_TITLE)).to.equal(true);
            expect(out.slice(5, 7)).to.deep.equal([
                "> - **replace** `proxy` (Service of type LoadBalancer: owns an NLB, whose address changes)",
                "> - **delete** `edge-kong` (Kong Helm release: its pods, and with an NLB the proxy Service that owns the NLB)",
            ]);
        });

        it("says nothing for updates and harmless replaces", () => {
            expect(summarizePreview({ steps: [clusterIp, kongUpdate, kongIngress] })).to.not.contain("[!WARNING]");
        });
    });


    describe("previews recorded by the cluster tier (tests/fixtures/previews/README.md)", () => {
        it("cluster-update: old -> new for the changed Helm values and the ALB annotation; the rotated secret masked, the sizing readable", () => {
            const preview = fixture("cluster-update.json");
            const out = lines(summarizePreview(preview));
            expect(out.join("\n")).to.not.contain("[!WARNING]");
            expect(out).to.include("| `edge-kong` | update | 2 → 2 | 2 → 4 | 2 → 4 | 1536Mi → 2560Mi | 128m → 128m | 10000 requests / 3600s → 10000 requests / 3600s |");
            const start = out.indexOf("`edge-kong` `kubernetes:helm.sh/v3:Release` (update), Helm values:");
            expect(out.slice(start + 2, start + 11)).to.deep.equal([
                VALUES_HEADER,
                "| --- | --- | --- |",
                "| `gateway.env.log_level` | notice | debug |",
                "| `gateway.env.nginx_worker_processes` | 2 | 4 |",
                "| `gateway.env.pg_password` | [secret] | [secret] |",
                "| `gateway.resources.limits.cpu` | 2 | 4 |",
                "| `gateway.resources.limits.memory` | 1536Mi | 2560Mi |",
                "| `gateway.resources.requests.cpu` | 2 | 4 |",
                "| `gateway.resources.requests.memory` | 1536Mi | 2560Mi |",
            ]);
            const alb = out.indexOf("`edge-kong-alb` `kubernetes:networking.k8s.io/v1:Ingress` (update), annotations:");
            expect(out.slice(alb + 4, alb + 6)).to.deep.equal(["| `alb.ingress.kubernetes.io/tags` | team=edge | team=edge,cost-center=1234 |", ""]);
        });

        it("cluster-update: the recorded detailedDiff is what tells a changed secret from an unchanged one", () => {
            const preview = fixture("cluster-update.json");
            const release = preview.steps.find((s: any) => s.urn.endsWith("::edge-kong"));
            expect(release.oldState.inputs.values.gateway.env.pg_password).to.equal(SECRET);
            expect(release.newState.inputs.values.gateway.env.pg_password).to.equal(SECRET);
            expect(Object.keys(release.detailedDiff)).to.include("values.gateway.env.pg_password");
            // Without the detailedDiff, the summary cannot tell and says so, still masked.
            const withoutDiff = { ...preview, steps: preview.steps.map((s: any) => ({ ...s, detailedDiff: null })) };
            expect(lines(summarizePreview(withoutDiff))).to.include("| `gateway.env.pg_password` | [secret] | [secret] (may have changed) |");
        });

        it("cluster-replace: the warning names the Kong release and the ALB Ingress, right under the title", () => {
            const out = lines(summarizePreview(fixture("cluster-replace.json")));
            expect(out[2]).to.equal("> [!WARNING]");
            expect(out[3].startsWith(DANGER_TITLE)).to.equal(true);
            expect(out.slice(5, 7)).to.deep.equal([
                "> - **replace** `edge-kong` (Kong Helm release: its pods, and with an NLB the proxy Service that owns the NLB)",
                "> - **replace** `edge-kong-alb` (ALB Ingress: owns the ALB, whose address changes)",
            ]);
            expect(dangerousChanges(fixture("cluster-replace.json")).map((d) => d.name)).to.deep.equal(["edge-kong", "edge-kong-alb"]);
        });
    });

    describe("command", () => {
        const script = path.resolve(__dirname, "../../tools/preview-summary.js");
        const run = (args: string[], input?: string) => spawnSync(process.execPath, [script, ...args], { input: input ?? "", encoding: "utf8" });

        it("summarizes a file", () => {
            const result = run([path.join(fixtureDir, "vertical-to-horizontal.json")]);
            expect(result.status).to.equal(0);
            expect(result.stdout).to.equal(summarizePreview(fixture("vertical-to-horizontal.json")));
        });

        it("reads stdin for - and prints No changes.", () => {
            const result = run(["-"], fs.readFileSync(path.join(fixtureDir, "no-changes.json"), "utf8"));
            expect(result.status).to.equal(0);
            expect(result.stdout).to.equal("No changes.\n");
        });

        it("exits 1 with a Markdown explanation for empty input or a missing file", () => {
            const empty = run([], "");
            expect(empty.status).to.equal(1);
            expect(empty.stdout).to.contain("**Could not summarize the preview:** the input is empty");
            const missing = run([path.join(fixtureDir, "does-not-exist.json")]);
            expect(missing.status).to.equal(1);
            expect(missing.stdout).to.contain("does-not-exist.json does not exist");
        });

        it("is one file that needs only node builtins, so users can copy it", () => {
            const source = fs.readFileSync(script, "utf8");
            const required = [...source.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
            expect(required).to.deep.equal(["fs"]);
        });
    });
});
