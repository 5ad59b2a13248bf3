// The committed SDKs are exactly what `npm run gen:sdk` produces from the schema, and the Go SDK
// builds and vets. (The Python SDK is pip-installed and the Node SDK compiled by the engine tests.)
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { generateSdks, SDK_LANGUAGES } from "../../scripts/gen-sdk";
import { repoRoot } from "../../scripts/lib/repo-root";
import { githubSourceURL, parseGithubDownloadURL, pluginDownloadURL } from "../../scripts/lib/plugin-release";

/** Build products that pip and tsc leave inside the SDK directories; they are not generated sources. */
const BUILD_PRODUCTS = /^(node_modules|bin|build|__pycache__|.*\.egg-info)$/;

function listFiles(dir: string, base = dir): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) return BUILD_PRODUCTS.test(e.name) ? [] : listFiles(full, base);
        return [path.relative(base, full)];
    });
}

describe("generated SDKs", function () {
    this.timeout(10 * 60 * 1000);
    const root = repoRoot();

    it("sdk/ is up to date with the schema (run npm run gen:sdk)", () => {
        const fresh = fs.mkdtempSync(path.join(os.tmpdir(), "meshedge-sdk-"));
        try {
            generateSdks(fresh);
            for (const language of SDK_LANGUAGES) {
                const committedDir = path.join(root, "sdk", language);
                const freshDir = path.join(fresh, language);
                const committed = listFiles(committedDir).sort();
                expect(committed, `sdk/${language} files differ; run npm run gen:sdk`).to.deep.equal(listFiles(freshDir).sort());
                const stale = committed.filter((f) => fs.readFileSync(path.join(committedDir, f), "utf8") !== fs.readFileSync(path.join(freshDir, f), "utf8"));
                expect(stale, `stale files in sdk/${language}; run npm run gen:sdk`).to.deep.equal([]);
            }
        } finally {
            fs.rmSync(fresh, { recursive: true, force: true });
        }
    });

    it("every SDK hands the engine the schema's pluginDownloadURL, the GitHub releases of the schema's repository", () => {
        const schema = JSON.parse(fs.readFileSync(path.join(root, "provider", "schema.json"), "utf8"));
        expect(pluginDownloadURL).to.equal(schema.pluginDownloadURL);
        // Pulumi's github source reads github://<host>/<owner>/<repo> and asks <host>/repos/<owner>/<repo>/releases.
        const release = parseGithubDownloadURL(pluginDownloadURL, schema.name);
        expect(release.host).to.equal("api.github.com");
        expect(`https://github.com/${release.owner}/${release.repo}`).to.equal(schema.repository);
        expect(githubSourceURL(release)).to.equal(pluginDownloadURL);
        const read = (file: string) => fs.readFileSync(path.join(root, "sdk", file), "utf8");
        // The language hosts read these to name the plugins a program needs before it runs ...
        expect(JSON.parse(read("nodejs/package.json")).pulumi).to.deep.equal({ resource: true, name: schema.name, version: schema.version, server: pluginDownloadURL });
        for (const file of ["python/pulumi_meshedge/pulumi-plugin.json", "go/meshedge/pulumi-plugin.json"]) {
            expect(JSON.parse(read(file)), file).to.deep.equal({ resource: true, name: schema.name, version: schema.version, server: pluginDownloadURL });
        }
        // ... and every resource and invoke carries it as an option, for the engine's install at registration.
        const quoted = JSON.stringify(pluginDownloadURL);
        expect(read("nodejs/utilities.ts")).to.include(`pluginDownloadURL: ${quoted}`);
        expect(read("python/pulumi_meshedge/_utilities.py")).to.match(new RegExp(`def get_plugin_download_url\\(\\):\\s+return ${quoted.replace(/[./]/g, "\\$&")}`));
        const goOptions = read("go/meshedge/internal/pulumiUtilities.go").match(/pulumi\.PluginDownloadURL\(("[^"]*")\)/g) ?? [];
        expect(goOptions, "resource and invoke defaults").to.deep.equal([`pulumi.PluginDownloadURL(${quoted})`, `pulumi.PluginDownloadURL(${quoted})`]);
    });

    it("the Go SDK builds and vets", () => {
        const env = { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" };
        execFileSync("go", ["build", "./..."], { cwd: path.join(root, "sdk"), env, stdio: ["ignore", "ignore", "inherit"] });
        execFileSync("go", ["vet", "./..."], { cwd: path.join(root, "sdk"), env, stdio: ["ignore", "ignore", "inherit"] });
    });
});
