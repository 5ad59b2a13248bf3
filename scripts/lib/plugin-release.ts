// Where the engine looks for a published plugin, computed the way Pulumi 3.192.0 computes it
// (sdk/go/common/workspace/plugins.go), so the release, the loopback download server of the tests
// and the README name the same files.
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "./repo-root";

const schema = JSON.parse(fs.readFileSync(path.join(repoRoot(), "provider", "schema.json"), "utf8"));

/** The plugin's version: the schema's, which every SDK names too. */
export const pluginVersion: string = schema.version;

/** The schema's `pluginDownloadURL`: every SDK hands it to the engine with each meshedge resource. */
export const pluginDownloadURL: string = schema.pluginDownloadURL;

export interface GithubRelease {
    readonly host: string;
    readonly owner: string;
    readonly repo: string;
}

/**
 * `github://<host>/<owner>[/<repo>]` as newGithubSource reads it: a host, one or two path parts, and
 * the repository `pulumi-<name>` when only the owner is given.
 */
export function parseGithubDownloadURL(url: string, pluginName: string): GithubRelease {
    const match = /^github:\/\/([^/]+)\/([^/]+)(?:\/([^/]+))?\/?$/.exec(url);
    if (!match) throw new Error(`${url} is not github://<host>/<owner>[/<repo>] (Pulumi's github plugin source)`);
    return { host: match[1], owner: match[2], repo: match[3] ?? `pulumi-${pluginName}` };
}

/** The source URL the engine matches download overrides against (githubSource.URL()). */
export function githubSourceURL(release: GithubRelease): string {
    return `github://${release.host}/${release.owner}/${release.repo}`;
}

/** standardAssetName: `pulumi-resource-<name>-v<version>-<os>-<arch>.tar.gz`. */
export function pluginAssetName(name: string, version: string, os: string, arch: string): string {
    return `pulumi-resource-${name}-v${version}-${os}-${arch}.tar.gz`;
}

/** The platforms PluginSpec.Download names (it refuses any other GOOS or GOARCH before downloading). */
export const ENGINE_OSES = ["linux", "darwin", "windows"] as const;
export const ENGINE_ARCHES = ["amd64", "arm64"] as const;

/** Node's platform and arch as Go's GOOS and GOARCH, the names the engine puts in the asset name. */
export function goPlatform(platform: string = process.platform, arch: string = process.arch): { os: string; arch: string } {
    const goArch: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64", loong64: "loong64" };
    return { os: platform === "win32" ? "windows" : platform, arch: goArch[arch] ?? arch };
}

/**
 * A PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES value that sends every plugin the engine would fetch from
 * GitHub releases (`github://api.github.com/<owner>/<repo>`: meshedge's pluginDownloadURL, and the
 * fallback source of plugins without one, such as kubernetes) to `<mirror>/<owner>/<repo>/releases/download/v<version>/<asset>`,
 * GitHub's own download layout.
 *
 * The format is Pulumi 3.192.0's (sdk/go/common/workspace/plugins.go, parsePluginDownloadURLOverrides
 * and pluginDownloadOverrideArray.get): `regexp=URL` pairs joined by commas, the regexp matched
 * against the plugin source's URL, `${group}` in the URL replaced by the named group's match. The
 * result is an http source, which fills in `${VERSION}` and appends `/<asset name>`.
 */
export function githubMirrorOverride(mirror: string): string {
    if (/[=,]/.test(mirror)) throw new Error(`an override URL cannot hold '=' or ',': ${mirror}`);
    return `^github://api\\.github\\.com/(?P<owner>[^/]+)/(?P<repo>[^/]+)$=${mirror.replace(/\/$/, "")}/\${owner}/\${repo}/releases/download/v\${VERSION}`;
}

/** An override's Go regexp as a JavaScript RegExp (Go's `(?P<name>` is JavaScript's `(?<name>`), to check what it matches. */
export function downloadURLOverridesPattern(goRegexp: string): RegExp {
    return new RegExp(goRegexp.replace(/\(\?P</g, "(?<"));
}
