// The plugin started by a Pulumi CLI older than the SDKs' (versions.json): a fake engine and resource
// monitor answer SupportsFeature as an old CLI's engine does, the real plugin process serves Construct,
// and the error the engine would print is the one clear message, not a gRPC failure later on. The
// same fake answering as a 3.192.0 engine gets past the check to input validation, and the real
// 3.192.0 CLI passes it in every preview of engine.test.ts.
import { expect } from "chai";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { REQUIRED_PULUMI, cliVersionOf } from "../../provider/src/cliCheck";
import { EdgeStackToken } from "../../provider/src/generated/schema-types";
import { ensureToolchain } from "../../scripts/lib/toolchain";
import { repoRoot } from "../../scripts/lib/repo-root";

/* eslint-disable @typescript-eslint/no-var-requires */
const grpc = require("@grpc/grpc-js");
const resourceGrpc = require("@pulumi/pulumi/proto/resource_grpc_pb");
const resourcePb = require("@pulumi/pulumi/proto/resource_pb");
const engineGrpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const providerGrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const providerPb = require("@pulumi/pulumi/proto/provider_pb");
const emptyPb = require("google-protobuf/google/protobuf/empty_pb");
const structPb = require("google-protobuf/google/protobuf/struct_pb");

/** The features a 3.192.0 engine answers true to (pkg/resource/deploy/source_eval.go SupportsFeature, v3.192.0). */
const ENGINE_3_192 = ["secrets", "resourceReferences", "outputValues", "aliasSpecs", "deletedWith", "transforms", "invokeTransforms", "parameterization", "resourceHooks"];

interface FakeEngine {
    address: string;
    asked: string[];
    stop(): void;
}

/** A resource monitor and engine on one loopback port; SupportsFeature says yes to `supported` only, or is UNIMPLEMENTED. */
async function fakeEngine(supported: string[] | "unimplemented"): Promise<FakeEngine> {
    const server = new grpc.Server();
    const asked: string[] = [];
    const unimplemented = (_call: unknown, cb: (err: unknown) => void) => cb({ code: grpc.status.UNIMPLEMENTED, details: "fake" });
    const monitor = Object.fromEntries(Object.keys(resourceGrpc.ResourceMonitorService).map((m) => [m, unimplemented]));
    monitor.supportsFeature = (call: any, cb: (err: unknown, resp?: unknown) => void) => {
        asked.push(call.request.getId());
        if (supported === "unimplemented") return cb({ code: grpc.status.UNIMPLEMENTED, details: "unknown method SupportsFeature" });
        cb(null, new resourcePb.SupportsFeatureResponse().setHassupport(supported.includes(call.request.getId())));
    };
    server.addService(resourceGrpc.ResourceMonitorService, monitor);
    const engine = Object.fromEntries(Object.keys(engineGrpc.EngineService).map((m) => [m, unimplemented]));
    engine.log = (_call: unknown, cb: (err: unknown, resp: unknown) => void) => cb(null, new emptyPb.Empty());
    server.addService(engineGrpc.EngineService, engine);
    const port: number = await new Promise((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err: Error | null, p: number) => (err ? reject(err) : resolve(p))),
    );
    return { address: `127.0.0.1:${port}`, asked, stop: () => server.forceShutdown() };
}

/** The built plugin entry point, started as the engine starts it (engine address as its argument); resolves its port. */
function startPlugin(engineAddress: string): Promise<{ child: ChildProcess; port: number }> {
    const child = spawn(process.execPath, [path.join(repoRoot(), "dist", "provider", "src", "main.js"), engineAddress], { stdio: ["ignore", "pipe", "inherit"] });
    return new Promise((resolve, reject) => {
        child.stdout!.once("data", (d: Buffer) => resolve({ child, port: Number(d.toString().trim()) }));
        child.once("exit", (code) => reject(new Error(`plugin exited with ${code}`)));
    });
}

/** Construct an EdgeStack with no inputs through the plugin; resolves the gRPC error's message (or "ok"). */
async function construct(engine: FakeEngine): Promise<string> {
    const { child, port } = await startPlugin(engine.address);
    try {
        const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        const req = new providerPb.ConstructRequest()
            .setProject("p")
            .setStack("s")
            .setDryrun(true)
            .setParallel(4)
            .setMonitorendpoint(engine.address)
            .setType(EdgeStackToken)
            .setName("edge")
            .setInputs(structPb.Struct.fromJavaScript({}));
        return await new Promise((resolve) => client.construct(req, (err: { details?: string } | null) => resolve(err ? String(err.details) : "ok")));
    } finally {
        child.kill();
    }
}

describe("a Pulumi CLI older than the SDKs'", function () {
    this.timeout(60_000);

    const cases: [string, string[] | "unimplemented", string[]][] = [
        // 3.181.x: every feature but resource hooks (added in 3.182.0, pulumi/pulumi#19874).
        ["3.181 (no resourceHooks)", ENGINE_3_192.filter((f) => f !== "resourceHooks"), ["resource hooks (resourceHooks, added in 3.182.0)", "older than 3.182.0"]],
        // An engine from before SupportsFeature: the SDK and the check read UNIMPLEMENTED as "no".
        ["one that predates SupportsFeature", "unimplemented", ["secrets (secrets)", "resource references"]],
    ];
    for (const [title, answers, expected] of cases) {
        it(`${title}: construct fails with one message naming ${REQUIRED_PULUMI} and the fix`, async () => {
            const engine = await fakeEngine(answers);
            try {
                const message = await construct(engine);
                expect(message).to.include(`meshedge needs Pulumi CLI ${REQUIRED_PULUMI} or newer (its SDKs were generated with Pulumi ${REQUIRED_PULUMI})`);
                expect(message).to.include(`Fix: upgrade the Pulumi CLI to ${REQUIRED_PULUMI} or newer`);
                for (const e of expected) expect(message).to.include(e);
                expect(message).not.to.include("    at "); // no stack trace
                expect(engine.asked).to.include("resourceHooks");
            } finally {
                engine.stop();
            }
        });
    }

    it("the same fake answering as a 3.192.0 engine passes the check: construct reaches input validation", async () => {
        const engine = await fakeEngine(ENGINE_3_192);
        try {
            const message = await construct(engine);
            expect(message).not.to.include("needs Pulumi CLI");
            expect(message).to.include('invalid EdgeStack "edge" inputs');
        } finally {
            engine.stop();
        }
    });

    it("PULUMI_DISABLE_OUTPUT_VALUES on a current CLI is named as such, not as an old CLI", async () => {
        const engine = await fakeEngine(ENGINE_3_192.filter((f) => f !== "outputValues"));
        const saved = process.env.PULUMI_DISABLE_OUTPUT_VALUES;
        process.env.PULUMI_DISABLE_OUTPUT_VALUES = "true"; // inherited by the plugin, as from the CLI
        try {
            const message = await construct(engine);
            expect(message).to.include("PULUMI_DISABLE_OUTPUT_VALUES turns off").and.include("Fix: unset PULUMI_DISABLE_OUTPUT_VALUES");
            expect(message).not.to.include("upgrade");
        } finally {
            if (saved === undefined) delete process.env.PULUMI_DISABLE_OUTPUT_VALUES;
            else process.env.PULUMI_DISABLE_OUTPUT_VALUES = saved;
            engine.stop();
        }
    });

    it(`the real CLI reports ${REQUIRED_PULUMI}, the version the message names when the plugin's parent is a pulumi binary`, () => {
        expect(cliVersionOf(path.join(ensureToolchain().bin, "pulumi"))).to.equal(`v${REQUIRED_PULUMI}`);
    });
});
