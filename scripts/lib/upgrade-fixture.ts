// The upgrade fixture: `pulumi stack export` of meshedge 0.1.0's TypeScript example after `up` on the
// local API server, with what names the recording machine taken out (scrub) and put back for the
// machine that imports it (restore). Nothing in the repository may name a machine path, and the
// recording cluster's kubeconfig (its port and bearer token) means nothing elsewhere.
import * as fs from "fs";
import * as path from "path";
import { repoRoot, sharedDir } from "./repo-root";

export const UPGRADE_FIXTURE = path.join(repoRoot(), "tests", "fixtures", "upgrade", "meshedge-0.1.0-typescript-example.json");
/** Passphrase of the fixture's secrets provider (its salt is in the fixture): the engine tests' passphrase. */
export const UPGRADE_FIXTURE_PASSPHRASE = "meshedge-engine-tests";
/** Stands for the directory of the pinned chart files (../shared/charts) in chart paths. */
export const SHARED_CHARTS_TOKEN = "$MESHEDGE_SHARED_CHARTS";
/** Stands for the `kubeconfig` secret of the example's explicit kubernetes provider. */
export const KUBECONFIG_TOKEN = "$MESHEDGE_KUBECONFIG";
/** Pulumi's marker of a secret value in exported state (sdk/go/common/resource/sig.Secret). */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

type Json = any;

function mapStrings(value: Json, f: (s: string) => string): Json {
    if (typeof value === "string") return f(value);
    if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)]));
    return value;
}

function chartsDirs(): string[] {
    const dir = path.join(sharedDir(), "charts");
    return [...new Set([fs.realpathSync(dir), path.resolve(dir)])].sort((a, b) => b.length - a.length);
}

function isKubernetesProvider(r: Json): boolean {
    return typeof r.type === "string" && r.type === "pulumi:providers:kubernetes";
}

/** The export with chart paths and the provider's kubeconfig replaced by tokens; throws if a machine path is left. */
export function scrubExport(exported: Json, machinePaths: readonly string[]): Json {
    let out = mapStrings(exported, (s) => chartsDirs().reduce((acc, dir) => acc.split(dir).join(SHARED_CHARTS_TOKEN), s));
    for (const r of out.deployment.resources ?? []) {
        // Where the program registered it, relative to the recording machine's temp dirs; only for display.
        delete r.sourcePosition;
        if (!isKubernetesProvider(r)) continue;
        for (const bag of [r.inputs, r.outputs]) if (bag && "kubeconfig" in bag) bag.kubeconfig = KUBECONFIG_TOKEN;
    }
    const text = JSON.stringify(out);
    // Temp dirs also by their own name: relative paths (../../meshedge-record-xyz/...) name them that way.
    const tempNames = machinePaths.map((m) => path.basename(m)).filter((b) => b.startsWith("meshedge-"));
    for (const p of [...machinePaths, ...tempNames]) if (text.includes(p)) throw new Error(`the export still names ${p}`);
    return out;
}

/** The fixture for this machine: chart paths under its ../shared/charts, the given kubeconfig as a secret. */
export function restoreExport(fixture: Json, kubeconfig: string): Json {
    const charts = path.resolve(sharedDir(), "charts");
    const out = mapStrings(fixture, (s) => s.split(SHARED_CHARTS_TOKEN).join(charts));
    for (const r of out.deployment.resources ?? []) {
        if (!isKubernetesProvider(r)) continue;
        // A secret given as plaintext: `pulumi stack import` encrypts it with the stack's secrets provider.
        for (const bag of [r.inputs, r.outputs]) if (bag?.kubeconfig === KUBECONFIG_TOKEN) bag.kubeconfig = { [SECRET_SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(kubeconfig) };
    }
    return out;
}

export function readUpgradeFixture(): Json {
    return JSON.parse(fs.readFileSync(UPGRADE_FIXTURE, "utf8"));
}
