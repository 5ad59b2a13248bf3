// Runs the examples through the real Pulumi CLI (Automation API) with the meshedge plugin, a local
// file backend and passphrase secrets: no cloud account, no cluster.
import { ConfigMap, EngineEvent, LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { installPlugins, linkExampleModules, preparePythonExample, prepareTypeScriptExample } from "../../scripts/lib/prepare-examples";
import { repoRoot } from "../../scripts/lib/repo-root";
import { ensureToolchain, pulumiEnv, Toolchain } from "../../scripts/lib/toolchain";

const root = repoRoot();

export interface Engine {
    readonly toolchain: Toolchain;
    readonly pulumiHome: string;
    readonly backendDir: string;
    readonly env: Record<string, string>;
    readonly command: PulumiCommand;
}

let prepared: Promise<Engine> | undefined;

/** Everything an engine run needs: toolchain, plugin, SDKs installed into each example, plugin cache (once per test run). */
export function prepareEngine(): Promise<Engine> {
    prepared ??= prepare();
    return prepared;
}

async function prepare(): Promise<Engine> {
    const toolchain = ensureToolchain();
    await prepareTypeScriptExample();
    const engine = await newEngine(toolchain, fs.mkdtempSync(path.join(os.tmpdir(), "meshedge-engine-")));

    installPlugins(toolchain, engine.env);
    linkExampleModules(path.join(root, "tests", "engine", "fixtures", "bad-input-typescript"));

    preparePythonExample();
    return engine;
}

/**
 * An engine with an empty plugin cache (`work/home`) and its own file backend (`work/state`);
 * `changes` set (or, with undefined, remove) variables of the toolchain's offline environment.
 */
export async function newEngine(toolchain: Toolchain, work: string, changes: Record<string, string | undefined> = {}): Promise<Engine> {
    const pulumiHome = path.join(work, "home");
    const backendDir = path.join(work, "state");
    fs.mkdirSync(backendDir, { recursive: true });
    const env: Record<string, string> = {};
    const all: Record<string, string | undefined> = {
        ...pulumiEnv(toolchain, pulumiHome),
        PULUMI_BACKEND_URL: `file://${backendDir}`,
        PULUMI_CONFIG_PASSPHRASE: "meshedge-engine-tests",
        ...changes,
    };
    for (const [k, v] of Object.entries(all)) if (v !== undefined) env[k] = v;
    const command = await PulumiCommand.get({ root: path.dirname(toolchain.bin) });
    return { toolchain, pulumiHome, backendDir, env, command };
}

export interface PlannedResource {
    readonly type: string;
    readonly inputs: Record<string, unknown>;
}

export interface PolicyViolation {
    readonly policyName: string;
    readonly enforcementLevel: string;
    readonly message: string;
}

export interface PreviewPlan {
    /** Resources by URN without the stack and project, so plans of differently named projects compare. */
    readonly resources: Map<string, PlannedResource>;
    readonly outputs: Record<string, unknown>;
    readonly errors: string[];
    readonly policyViolations: PolicyViolation[];
    /** True when the preview ended in an error (a bad input, a mandatory policy violation). */
    readonly failed: boolean;
    readonly warnings: string[];
    /** What the CLI printed (stdout and stderr, interleaved as they arrived). */
    readonly output: string;
    readonly seconds: number;
}

/** Policy packs (directories) and their config files (JSON) to run the preview with, as `--policy-pack` / `--policy-pack-config`. */
export interface PolicyOptions {
    readonly policyPacks?: string[];
    readonly policyPackConfigs?: string[];
}

/** `stack::project::type$type::name` -> `type$type::name` */
export function projectIndependentUrn(urn: string): string {
    return urn.split("::").slice(2).join("::");
}

/** The stack `stackName` of the project in workDir on the engine's backend, with config set. */
export async function selectStack(engine: Engine, workDir: string, stackName: string, config: ConfigMap = {}): Promise<Stack> {
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName, workDir },
        { pulumiCommand: engine.command, pulumiHome: engine.pulumiHome, envVars: engine.env },
    );
    await stack.setAllConfig(config);
    return stack;
}

export async function previewProject(engine: Engine, workDir: string, stackName: string, config: ConfigMap = {}, policy: PolicyOptions = {}): Promise<PreviewPlan> {
    const stack = await selectStack(engine, workDir, stackName, config);
    const resources = new Map<string, PlannedResource>();
    const errors: string[] = [];
    const policyViolations: PolicyViolation[] = [];
    const warnings: string[] = [];
    let output = "";
    let outputs: Record<string, unknown> = {};
    const onEvent = (event: EngineEvent) => {
        const step = event.resourcePreEvent?.metadata;
        if (step?.new) resources.set(projectIndependentUrn(step.urn), { type: step.type, inputs: step.new.inputs });
        const out = event.resOutputsEvent?.metadata;
        if (out?.type === "pulumi:pulumi:Stack" && out.new?.outputs) outputs = out.new.outputs;
        if (event.diagnosticEvent?.severity === "error") errors.push(event.diagnosticEvent.message);
        const violation = event.policyEvent;
        if (violation) policyViolations.push({ policyName: violation.policyName, enforcementLevel: violation.enforcementLevel, message: violation.message });
        if (event.diagnosticEvent?.severity === "warning") warnings.push(event.diagnosticEvent.message);
    };
    const print = (text: string) => void (output += text);
    const started = Date.now();
    let failed = false;
    try {
        await stack.preview({ onEvent, onOutput: print, onError: print, ...policy });
    } catch (err) {
        failed = true;
        if (errors.length === 0 && policyViolations.length === 0) throw err;
    }
    return { resources, outputs, errors, warnings, output, policyViolations, failed, seconds: (Date.now() - started) / 1000 };
}
