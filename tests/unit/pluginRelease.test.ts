// The engine's view of a published plugin (Pulumi 3.192.0 sdk/go/common/workspace/plugins.go):
// the github:// source, the asset name, the platforms it downloads for, and the override format.
import { expect } from "chai";
import { downloadURLOverridesPattern, ENGINE_ARCHES, ENGINE_OSES, githubMirrorOverride, githubSourceURL, goPlatform, parseGithubDownloadURL, pluginAssetName } from "../../scripts/lib/plugin-release";

describe("plugin release locations (as the engine computes them)", () => {
    it("reads github://<host>/<owner>[/<repo>] like newGithubSource, the repository defaulting to pulumi-<name>", () => {
        expect(parseGithubDownloadURL("github://api.github.com/meshedge/pulumi-meshedge", "meshedge")).to.deep.equal({ host: "api.github.com", owner: "meshedge", repo: "pulumi-meshedge" });
        expect(parseGithubDownloadURL("github://api.github.com/meshedge", "meshedge")).to.deep.equal({ host: "api.github.com", owner: "meshedge", repo: "pulumi-meshedge" });
        expect(githubSourceURL(parseGithubDownloadURL("github://api.github.com/meshedge", "meshedge"))).to.equal("github://api.github.com/meshedge/pulumi-meshedge");
        for (const bad of ["https://github.com/meshedge/pulumi-meshedge", "github://api.github.com", "github://api.github.com/a/b/c"]) {
            expect(() => parseGithubDownloadURL(bad, "meshedge"), bad).to.throw("github://<host>/<owner>[/<repo>]");
        }
    });

    it("names assets like standardAssetName, with Go's OS and architecture names", () => {
        expect(pluginAssetName("meshedge", "0.2.0", "linux", "amd64")).to.equal("pulumi-resource-meshedge-v0.2.0-linux-amd64.tar.gz");
        expect(goPlatform("linux", "x64")).to.deep.equal({ os: "linux", arch: "amd64" });
        expect(goPlatform("win32", "arm64")).to.deep.equal({ os: "windows", arch: "arm64" });
        expect(goPlatform("darwin", "arm64")).to.deep.equal({ os: "darwin", arch: "arm64" });
        // PluginSpec.Download refuses every other GOOS/GOARCH before it downloads anything.
        expect([...ENGINE_OSES]).to.deep.equal(["linux", "darwin", "windows"]);
        expect([...ENGINE_ARCHES]).to.deep.equal(["amd64", "arm64"]);
    });

    it("the mirror override is one regexp=URL pair whose regexp matches GitHub-hosted plugin sources only", () => {
        const value = githubMirrorOverride("http://127.0.0.1:8080/");
        expect(value.split(",")).to.have.length(1);
        const [pattern, target] = value.split("=");
        expect(target).to.equal("http://127.0.0.1:8080/${owner}/${repo}/releases/download/v${VERSION}");
        const regexp = downloadURLOverridesPattern(pattern);
        expect(regexp.exec("github://api.github.com/meshedge/pulumi-meshedge")?.groups).to.deep.equal({ owner: "meshedge", repo: "pulumi-meshedge" });
        expect(regexp.test("github://api.github.com/pulumi/pulumi-kubernetes")).to.equal(true);
        expect(regexp.test("https://get.pulumi.com/releases/plugins")).to.equal(false);
        expect(regexp.test("github://api.github.com/meshedge/pulumi-meshedge/extra")).to.equal(false);
        expect(() => githubMirrorOverride("http://127.0.0.1:8080/?a=b")).to.throw("cannot hold");
    });
});
