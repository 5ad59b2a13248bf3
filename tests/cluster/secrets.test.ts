// Tier 4: secrets stay secret, and the previews the PR summary is tested on.
// tests/cluster/fixtures/secrets takes every secret meshedge accepts (key-auth, JWT and HMAC credentials, the
// Redis password, a secret inside the Kong Helm `values`), with values generated for this run so that a search
// cannot miss them. After `up` on the local API server, none of them may appear, as text, base64 or JSON, in any
// file of the file backend, in `pulumi stack export`, in `pulumi preview --json` or in the PR summary. Then the test
// changes the plain config (Helm values, an ALB annotation, the sizing; the secrets rotated) and the Kong namespace
// (replacing the Kong release and the ALB Ingress) and checks the summaries of the recorded previews.
// RECORD_PREVIEWS=1 writes those previews to tests/fixtures/previews/cluster-*.json (see the README there).
import { Stack } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { linkExampleModules, sharedChartPath } from "../../scripts/lib/prepare-examples";
import { readVersions, repoRoot } from "../../scripts/lib/repo-root";
import { kongReleaseChanges, summarizePreview } from "../../tools/preview-summary";
import { Engine, prepareEngine } from "../support/engine";
import { sanitizePreview } from "../support/previews";
import { AppliedStack, upOnFreshCluster } from "../support/clusterStack";

const STACK = "cluster";
const SECRET_KEYS = ["keyAuthKey", "jwtSecret", "hmacSecret", "redisPassword", "valuesSecret"] as const;
type Secrets = Record<(typeof SECRET_KEYS)[number], string>;

/** Values no chart, default or fixture could contain by chance. */
function generateSecrets(round: string): Secrets {
    return Object.fromEntries(SECRET_KEYS.map((k) => [k, `meshedge-${round}-${k}-${randomBytes(12).toString("hex")}`])) as Secrets;
}

/** Every form a secret could leak in: as is, base64 (Secret `data`) and base64 of its JSON (the Redis password's form). */
function forms(value: string): string[] {
    const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
    return [value, b64(value), b64(JSON.stringify(value))];
}

/** The secrets (by config key, with the form) found in text. */
function leaks(text: string, secrets: Secrets): string[] {
    return Object.entries(secrets).flatMap(([key, value]) => forms(value).filter((f) => text.includes(f)).map((f) => `${key} (${f === value ? "plaintext" : "base64"})`));
}

/** Every file under dir, decompressed when gzipped (the file backend gzips with PULUMI_SELF_MANAGED_STATE_GZIP). */
function filesUnder(dir: string): { file: string; text: string }[] {
    return fs.readdirSync(dir, { recursive: true, encoding: "utf8" })
        .map((name) => path.join(dir, name))
        .filter((file) => fs.statSync(file).isFile())
        .map((file) => {
            const raw = fs.readFileSync(file);
            return { file, text: file.endsWith(".gz") ? zlib.gunzipSync(new Uint8Array(raw)).toString("utf8") : raw.toString("utf8") };
        });
}

describe("cluster: secrets stay secret in state, export, preview and the PR summary", function () {
    this.timeout(20 * 60 * 1000);
    const workDir = path.join(repoRoot(), "tests", "cluster", "fixtures", "secrets");
    const secrets = generateSecrets("first");
    const rotated = generateSecrets("rotated");
    const all = { ...secrets, ...Object.fromEntries(Object.entries(rotated).map(([k, v]) => [`${k} (rotated)`, v])) } as unknown as Secrets;
    let applied: AppliedStack;
    let stack: Stack;
    let engine: Engine;

    const pulumiCli = (args: string[]): string => execFileSync("pulumi", [...args, "--stack", STACK, "--non-interactive"], { cwd: workDir, env: engine.env, encoding: "utf8", maxBuffer: 64 << 20 });
    const previewJson = (): any => JSON.parse(pulumiCli(["preview", "--json"]));
    const secretConfig = (s: Secrets) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, { value: v, secret: true }]));
    /** Keeps a recorded preview as a fixture when RECORD_PREVIEWS=1. */
    const record = (name: string, preview: unknown) => {
        if (process.env.RECORD_PREVIEWS !== "1") return;
        const file = path.join(repoRoot(), "tests", "fixtures", "previews", name);
        fs.writeFileSync(file, JSON.stringify(sanitizePreview(preview), null, 4) + "\n");
        console.log(`      recorded ${path.relative(repoRoot(), file)}`);
    };

    before(async function () {
        engine = await prepareEngine();
        linkExampleModules(workDir);
        applied = await upOnFreshCluster("secrets", workDir, STACK, { kongChart: { value: sharedChartPath(readVersions().charts.kongIngress) }, ...secretConfig(secrets) });
        ({ stack } = applied);
    });

    after(async function () {
        await applied?.dispose();
    });

    it("the secrets reached the cluster (so the search below looks for values that were used)", async () => {
        const secretsIn = async (ns: string) => (await applied.kube.list(`/api/v1/namespaces/${ns}/secrets`)).map((s) => Object.values(s.data ?? {}).map((v) => Buffer.from(String(v), "base64").toString("utf8")).join("\n")).join("\n");
        const apps = await secretsIn("apps");
        for (const key of ["keyAuthKey", "jwtSecret", "hmacSecret", "redisPassword"] as const) expect(apps, key).to.contain(secrets[key]);
        // Helm keeps the release (and its values) in a Secret of the release namespace: the cluster's business, not the state's.
        const release = (await applied.kube.list("/api/v1/namespaces/kong/secrets")).find((s) => s.metadata.name.startsWith("sh.helm.release.v1.edge-kong."));
        expect(release, "Helm's release Secret").to.not.equal(undefined);
        const deployment = await applied.kube.must("/apis/apps/v1/namespaces/kong/deployments/edge-kong-gateway");
        const proxy = deployment.spec.template.spec.containers.find((c: any) => c.name === "proxy");
        expect(proxy.env.find((e: any) => e.name === "KONG_PG_PASSWORD")?.value).to.equal(secrets.valuesSecret);
    });

    it("no file of the file backend holds a secret: state, backups, history", () => {
        const files = filesUnder(engine.backendDir);
        expect(files.filter((f) => f.file.endsWith(".json")).length, "state files read").to.be.greaterThan(1);
        const found = files.flatMap((f) => leaks(f.text, all).map((l) => `${path.relative(engine.backendDir, f.file)}: ${l}`));
        expect(found).to.deep.equal([]);
    });

    it("`pulumi stack export` holds none, and holds each secret input as a ciphertext", () => {
        const exported = pulumiCli(["stack", "export"]);
        expect(leaks(exported, all)).to.deep.equal([]);
        const resources: any[] = JSON.parse(exported).deployment.resources;
        const ciphertexts = (r: any) => JSON.stringify(r.inputs ?? {}).split('"ciphertext"').length - 1;
        const credential = (type: string) => resources.filter((r) => r.type === "kubernetes:core/v1:Secret" && r.inputs?.metadata?.labels?.["konghq.com/credential"] === type);
        for (const type of ["key-auth", "jwt", "hmac-auth"]) {
            expect(credential(type), type).to.have.length(1);
            expect(ciphertexts(credential(type)[0]), type).to.be.greaterThan(0);
        }
        const release = resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release");
        expect(ciphertexts(release), "the Release's values").to.be.greaterThan(0);
    });

    it("the Kong sizing stays out of the secret: the Release's sizing values are plain in state and in the preview", async () => {
        const exported = JSON.parse(pulumiCli(["stack", "export"]));
        const release = exported.deployment.resources.find((r: any) => r.type === "kubernetes:helm.sh/v3:Release");
        expect(release.inputs.values.gateway.replicaCount).to.equal(2);
        expect(release.inputs.values.gateway.env.nginx_worker_processes).to.equal("2");
        // The user's secret is a secret leaf; the keys around it are readable.
        expect(release.inputs.values.gateway.env.pg_password).to.have.property("ciphertext");
        expect(release.inputs.values.gateway.env.log_level).to.equal("notice");
        await stack.setConfig("cpu", { value: "4" });
        try {
            const [kong] = kongReleaseChanges(previewJson());
            expect(kong.before).to.include({ replicas: "2", workers: "2", cpu: "2" });
            expect(kong.after).to.include({ replicas: "2", workers: "4", cpu: "4" });
        } finally {
            await stack.removeConfig("cpu");
        }
    });

    it("an update of values, an annotation and the sizing, with every secret rotated: neither old nor new secret in the preview or its summary", async () => {
        await stack.setAllConfig({ ...secretConfig(rotated), cpu: { value: "4" }, logLevel: { value: "debug" }, albTags: { value: "team=edge,cost-center=1234" } });
        const preview = previewJson();
        await stack.setAllConfig({ ...secretConfig(secrets) });
        for (const key of ["cpu", "logLevel", "albTags"]) await stack.removeConfig(key);
        record("cluster-update.json", preview);

        const text = JSON.stringify(preview);
        expect(leaks(text, all)).to.deep.equal([]);
        const changed = (preview.steps as any[]).filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn.split("::").pop()}`);
        // The kubernetes provider replaces a Secret whose data changes: the four credential and password Secrets.
        expect(changed).to.have.members([
            "update edge-kong",
            "update edge-kong-alb",
            "replace edge-apps-greeter-rate-limiting-secret",
            "replace edge-apps-greeter-key-client-key-auth",
            "replace edge-apps-greeter-jwt-client-jwt",
            "replace edge-apps-greeter-hmac-client-hmac-auth",
        ]);

        const markdown = summarizePreview(preview);
        expect(leaks(markdown, all)).to.deep.equal([]);
        expect(markdown).to.contain("| `gateway.env.log_level` | notice | debug |");
        expect(markdown).to.contain("| `gateway.env.nginx_worker_processes` | 2 | 4 |");
        expect(markdown).to.contain("| `gateway.env.pg_password` | [secret] | [secret] |");
        expect(markdown).to.contain("| `alb.ingress.kubernetes.io/tags` | team=edge | team=edge,cost-center=1234 |");
        expect(markdown).to.not.contain("Replaces or deletes");
    });

    it("moving Kong to another namespace replaces its release and the ALB Ingress: the summary warns first", async () => {
        await stack.setConfig("kongNamespace", { value: "edge-gateway" });
        const preview = previewJson();
        await stack.removeConfig("kongNamespace");
        record("cluster-replace.json", preview);

        expect(leaks(JSON.stringify(preview), all)).to.deep.equal([]);
        const replaced = (preview.steps as any[]).filter((s) => s.op === "replace").map((s) => s.urn.split("::").pop());
        expect(replaced).to.include.members(["edge-kong", "edge-kong-alb"]);
        const markdown = summarizePreview(preview);
        expect(leaks(markdown, all)).to.deep.equal([]);
        const top = markdown.split("\n").slice(0, 8).join("\n");
        expect(top).to.contain("Replaces or deletes");
        expect(top).to.contain("`edge-kong` (Kong Helm release");
        expect(top).to.contain("`edge-kong-alb` (ALB Ingress");
    });

    it("after the previews, the state still holds no secret, rotated or not", () => {
        const found = filesUnder(engine.backendDir).flatMap((f) => leaks(f.text, all).map((l) => `${path.relative(engine.backendDir, f.file)}: ${l}`));
        expect(found).to.deep.equal([]);
    });
});
