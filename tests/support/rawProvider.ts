// A raw gRPC client of the built meshedge plugin, the way the engine talks to it but with nothing in
// between: no SDK, no type conversion, so a test can send any protobuf value where the schema wants
// another. It starts the plugin from the release archive (scripts/lib/build-plugin.ts `pluginTarball`:
// the executable at the archive root), serves a fake engine (logs) and a fake resource monitor
// (registrations), and calls Construct. The gRPC and protobuf modules are the ones @pulumi/pulumi
// bundles, so the wire format is the SDK's own.
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildPlugin, pluginTarball } from "../../scripts/lib/build-plugin";

const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromPulumi = (id: string) => require(require.resolve(id, { paths: [pulumiDir] }));
const grpc = fromPulumi("@grpc/grpc-js");
const structproto = fromPulumi("google-protobuf/google/protobuf/struct_pb");
const emptyproto = fromPulumi("google-protobuf/google/protobuf/empty_pb");
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const enginerpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const resrpc = require("@pulumi/pulumi/proto/resource_grpc_pb");
const resproto = require("@pulumi/pulumi/proto/resource_pb");
const statusproto = require("@pulumi/pulumi/proto/status_pb");
const errorproto = require("@pulumi/pulumi/proto/errors_pb");

/** What Construct answered: the URN, or the gRPC error with the property errors it carries. */
export interface ConstructAnswer {
    readonly urn?: string;
    readonly code?: number;
    readonly message?: string;
    readonly propertyErrors: { readonly propertyPath: string; readonly reason: string }[];
}

export interface RawPlugin {
    /** Construct `type` named `name` with `inputs` (a protobuf Struct built from plain JSON, or a Struct you built). */
    construct(type: string, name: string, inputs: Record<string, unknown> | object): Promise<ConstructAnswer>;
    /** GetPluginInfo: proves the process still serves. */
    pluginVersion(): Promise<string>;
    /** The plugin process (exitCode stays null while it runs). */
    readonly process: ChildProcess;
    /** Everything the plugin wrote to stderr and logged through the engine. */
    readonly logs: string[];
    /** URNs the fake monitor registered. */
    readonly registered: string[];
    stop(): Promise<void>;
}

function serve(services: [unknown, Record<string, unknown>][]): Promise<{ server: any; address: string }> {
    const server = new grpc.Server();
    for (const [definition, implementation] of services) server.addService(definition, implementation);
    return new Promise((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err: Error | null, port: number) => (err ? reject(err) : resolve({ server, address: `127.0.0.1:${port}` }))),
    );
}

/** Builds the plugin archive, unpacks it, starts the plugin against a fake engine and monitor. */
export async function startRawPlugin(): Promise<RawPlugin> {
    await buildPlugin();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshedge-raw-plugin-"));
    execFileSync("tar", ["xzf", pluginTarball, "-C", dir]);
    const logs: string[] = [];
    const registered: string[] = [];

    const engine = await serve([
        [enginerpc.EngineService, {
            log: (call: any, cb: any) => {
                logs.push(call.request.getMessage());
                cb(null, new emptyproto.Empty());
            },
            getRootResource: (_: any, cb: any) => cb(null, new (require("@pulumi/pulumi/proto/engine_pb").GetRootResourceResponse)()),
            setRootResource: (_: any, cb: any) => cb(null, new (require("@pulumi/pulumi/proto/engine_pb").SetRootResourceResponse)()),
        }],
    ]);
    const monitor = await serve([
        [resrpc.ResourceMonitorService, {
            supportsFeature: (_: any, cb: any) => cb(null, new resproto.SupportsFeatureResponse().setHassupport(true)),
            registerResource: (call: any, cb: any) => {
                const urn = `urn:pulumi:raw::meshedge-raw::${call.request.getType()}::${call.request.getName()}`;
                registered.push(urn);
                const response = new resproto.RegisterResourceResponse();
                response.setUrn(urn);
                response.setObject(new structproto.Struct());
                cb(null, response);
            },
            registerResourceOutputs: (_: any, cb: any) => cb(null, new emptyproto.Empty()),
        }],
    ]);

    const child = spawn(path.join(dir, "pulumi-resource-meshedge"), [engine.address], { stdio: ["ignore", "pipe", "pipe"] });
    child.stderr!.on("data", (d: Buffer) => logs.push(d.toString()));
    const port = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout!.on("data", (d: Buffer) => {
            out += d.toString();
            const line = out.split("\n")[0].trim();
            if (out.includes("\n") && /^\d+$/.test(line)) resolve(line);
        });
        child.on("exit", (code) => reject(new Error(`the plugin exited with ${code} before serving: ${logs.join("")}`)));
    });
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

    return {
        process: child,
        logs,
        registered,
        construct(type, name, inputs) {
            const request = new provproto.ConstructRequest();
            request.setProject("meshedge-raw");
            request.setStack("raw");
            request.setOrganization("organization");
            request.setDryrun(true);
            request.setParallel(1);
            request.setMonitorendpoint(monitor.address);
            request.setType(type);
            request.setName(name);
            request.setInputs(inputs instanceof structproto.Struct ? inputs : structproto.Struct.fromJavaScript(inputs));
            return new Promise((resolve) =>
                client.construct(request, (err: any, response: any) => {
                    if (!err) return resolve({ urn: response.getUrn(), propertyErrors: [] });
                    resolve({ code: err.code, message: err.details, propertyErrors: propertyErrorsOf(err) });
                }),
            );
        },
        pluginVersion() {
            return new Promise((resolve, reject) => client.getPluginInfo(new emptyproto.Empty(), (err: Error | null, info: any) => (err ? reject(err) : resolve(info.getVersion()))));
        },
        async stop() {
            client.close();
            child.kill();
            await Promise.all([engine, monitor].map(({ server }) => new Promise((r) => server.tryShutdown(r))));
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}

/** The InputPropertiesError details the SDK's provider server packs into `grpc-status-details-bin`. */
function propertyErrorsOf(err: any): { propertyPath: string; reason: string }[] {
    const [bin] = err.metadata?.get("grpc-status-details-bin") ?? [];
    if (!bin) return [];
    const status = statusproto.Status.deserializeBinary(new Uint8Array(bin));
    return status
        .getDetailsList()
        .filter((any: any) => any.getTypeName() === "pulumirpc.InputPropertiesError")
        .flatMap((any: any) => errorproto.InputPropertiesError.deserializeBinary(any.getValue_asU8()).getErrorsList())
        .map((e: any) => ({ propertyPath: e.getPropertyPath(), reason: e.getReason() }));
}

/** A protobuf Value built by hand: for values Struct.fromJavaScript cannot express (NaN). */
export function structWith(fields: Record<string, unknown>, raw: Record<string, (v: any) => void>): object {
    const struct = structproto.Struct.fromJavaScript(fields);
    for (const [key, set] of Object.entries(raw)) {
        const value = new structproto.Value();
        set(value);
        struct.getFieldsMap().set(key, value);
    }
    return struct;
}
