// The old-CLI message: both versions, the features that date the CLI, and the fix; the exact CLI
// version when the plugin's parent is a pulumi binary.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import versions from "../../versions.json";
import { cliVersionOf, ENGINE_FEATURES, isOlder, oldCliMessage, REQUIRED_PULUMI } from "../../provider/src/cliCheck";

describe("cliCheck: the message for a Pulumi CLI older than the SDKs'", () => {
    it("requires the Pulumi version the SDKs were generated with (versions.json)", () => {
        expect(REQUIRED_PULUMI).to.equal(versions.pulumi.version);
    });

    it("asks about every feature the plugin's @pulumi/pulumi asks the monitor about before a construct", () => {
        // runtime/settings.js awaitFeatureSupport in @pulumi/pulumi 3.192.0 queries exactly this list.
        const source = fs.readFileSync(require.resolve("@pulumi/pulumi/runtime/settings.js"), "utf8");
        const list = source.slice(source.indexOf("async function awaitFeatureSupport"), source.indexOf("].map((feature) => monitorSupportsFeature"));
        const asked = [...list.matchAll(/^\s+"(\w+)",$/gm)].map((m) => m[1]);
        expect(asked.length).to.equal(9);
        expect(ENGINE_FEATURES.map((f) => f.id).sort()).to.deep.equal(asked.sort());
    });

    it("nothing missing: no message", () => {
        expect(oldCliMessage([], "v3.192.0", {})).to.equal(undefined);
    });

    it("names the CLI's own version when known, the required one, the missing feature and the fix", () => {
        const message = oldCliMessage(["resourceHooks"], "v3.150.0", {})!;
        expect(message).to.include(`meshedge needs Pulumi CLI ${REQUIRED_PULUMI} or newer`);
        expect(message).to.include("this Pulumi CLI (v3.150.0) is older:");
        expect(message).to.include("resource hooks (resourceHooks, added in 3.182.0)");
        expect(message).to.include(`--version ${REQUIRED_PULUMI}`).and.include("brew upgrade pulumi");
    });

    it("without the CLI's version, dates it by the newest missing feature", () => {
        expect(oldCliMessage(["resourceHooks", "parameterization"], undefined, {})).to.include("this Pulumi CLI is older than 3.182.0:");
        expect(oldCliMessage(["parameterization"], undefined, {})).to.include("this Pulumi CLI is older:");
    });

    it("features turned off by PULUMI_DISABLE_* on the CLI are named as such", () => {
        const message = oldCliMessage(["resourceReferences"], undefined, { PULUMI_DISABLE_RESOURCE_REFERENCES: "1" })!;
        expect(message).to.include("PULUMI_DISABLE_RESOURCE_REFERENCES turns off").and.not.include("upgrade");
        // Set but false, or another feature missing too: an old CLI after all.
        expect(oldCliMessage(["resourceReferences"], undefined, { PULUMI_DISABLE_RESOURCE_REFERENCES: "false" })).to.include("upgrade");
        expect(oldCliMessage(["resourceReferences", "resourceHooks"], undefined, { PULUMI_DISABLE_RESOURCE_REFERENCES: "true" })).to.include("upgrade");
    });

    it("a CLI whose version is not older is not called old (its monitor answered no for another reason)", () => {
        const message = oldCliMessage(["resourceHooks"], "v3.200.0", {})!;
        expect(message).to.include("this Pulumi CLI (v3.200.0) is new enough").and.not.include("is older");
        expect(isOlder("v3.181.0", "3.192.0")).to.equal(true);
        expect(isOlder("v3.192.0", "3.192.0")).to.equal(false);
        expect(isOlder("v3.192.1-alpha.1", "3.192.0")).to.equal(false);
        expect(isOlder("v3.99.0", "3.192.0")).to.equal(true);
        expect(isOlder("v4.0.0", "3.192.0")).to.equal(false);
    });

    it("cliVersionOf runs `pulumi version` only for a binary named pulumi", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshedge-cli-"));
        try {
            const fake = path.join(dir, "pulumi");
            fs.writeFileSync(fake, '#!/bin/sh\n[ "$1" = version ] && echo v3.150.0\n', { mode: 0o755 });
            expect(cliVersionOf(fake)).to.equal("v3.150.0");
            const other = path.join(dir, "node");
            fs.writeFileSync(other, "#!/bin/sh\necho v3.150.0\n", { mode: 0o755 });
            expect(cliVersionOf(other)).to.equal(undefined);
            fs.writeFileSync(fake, "#!/bin/sh\necho 'not a version'\n", { mode: 0o755 });
            expect(cliVersionOf(fake)).to.equal(undefined);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
