// The plugin build's platform handling (scripts/lib/build-plugin.ts): Pulumi's archive name for the
// host, and one clear message for a platform that cannot be built here. Both refusals happen before
// anything is built, so these run in the fast tier; the engine tier runs the built executable.
import { expect } from "chai";
import * as path from "path";
import { buildPlugin, hostPlatform, pluginExecutable, pluginTarball, pluginVersion } from "../../scripts/lib/build-plugin";

describe("plugin build platforms", () => {
    it("names the host archive as Pulumi expects: pulumi-resource-meshedge-v<version>-<os>-<arch>.tar.gz", () => {
        const os = { linux: "linux", darwin: "darwin", win32: "windows" }[process.platform as string];
        const arch = { x64: "amd64", arm64: "arm64" }[process.arch as string];
        expect(hostPlatform()).to.equal(`${os}-${arch}`);
        expect(path.basename(pluginTarball)).to.equal(`pulumi-resource-meshedge-v${pluginVersion}-${os}-${arch}.tar.gz`);
        expect(path.basename(pluginExecutable)).to.equal(os === "windows" ? "pulumi-resource-meshedge.exe" : "pulumi-resource-meshedge");
    });

    it("refuses an unknown platform, naming it and how to build from source", async () => {
        const err = await buildPlugin("freebsd-amd64").then(() => undefined, (e: Error) => e);
        expect(err?.message).to.match(/^meshedge has no plugin for platform freebsd-amd64: .*linux-amd64, linux-arm64, darwin-amd64, darwin-arm64, windows-amd64, windows-arm64.*build from source .*npm run build:plugin$/);
    });

    it("refuses another supported platform than the host's: a single executable is built natively", async () => {
        const other = hostPlatform() === "linux-arm64" ? "windows-amd64" : "linux-arm64";
        const err = await buildPlugin(other).then(() => undefined, (e: Error) => e);
        expect(err?.message).to.equal(
            `cannot build the meshedge plugin for ${other} on ${hostPlatform()}: a single executable is the node binary of the machine that builds it; build from source on a ${other} machine: git clone, npm ci, npm run build:plugin`,
        );
    });
});
