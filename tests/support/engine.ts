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
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "meshedge-engine-"));
    const pulumiHome = path.join(work, "home");
    const backendDir = path.join(work, "state");
    fs.mkdirSync(backendDir, { recursive: true });
    const env = pulumiEnv(toolchain, pulumiHome);

    installPlugins(toolchain, env);
    linkExampleModules(path.join(root, "tests", "engine", "fixtures", "bad-input-typescript"));

    preparePythonExample();

    const envVars: Record<string, string> = {};
    for (const [k, v] of Object.entries(env)) if (v !== undefined) envVars[k] = v;
    envVars.PULUMI_BACKEND_URL = `file://${backendDir}`;
    envVars.PULUMI_CONFIG_PASSPHRASE = "meshedge-engine-tests";
    const command = await PulumiCommand.get({ root: path.dirname(toolchain.bin) });
    return { toolchain, pulumiHome, backendDir, env: envVars, command };
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
    let outputs: Record<string, unknown> = {};
    const onEvent = (event: EngineEvent) => {
        const step = event.resourcePreEvent?.metadata;
        if (step?.new) resources.set(projectIndependentUrn(step.urn), { type: step.type, inputs: step.new.inputs });
        const out = event.resOutputsEvent?.metadata;
        if (out?.type === "pulumi:pulumi:Stack" && out.new?.outputs) outputs = out.new.outputs;
        if (event.diagnosticEvent?.severity === "error") errors.push(event.diagnosticEvent.message);
        const violation = event.policyEvent;
        if (violation) policyViolations.push({ policyName: violation.policyName, enforcementLevel: violation.enforcementLevel, message: violation.message });
    };
    const started = Date.now();
    let failed = false;
    try {
        await stack.preview({ onEvent, ...policy });
    } catch (err) {
        failed = true;
        if (errors.length === 0 && policyViolations.length === 0) throw err;
    }
    return { resources, outputs, errors, policyViolations, failed, seconds: (Date.now() - started) / 1000 };
}
