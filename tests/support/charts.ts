// Files of the pinned charts in ../shared/charts, and of the charts they bundle, read without unpacking.
import { execFileSync } from "child_process";
import * as path from "path";
import { sharedDir } from "../../scripts/lib/repo-root";

/** One file of a pinned chart archive, e.g. chartMember("kong-3.4.1.tgz", "kong/values.yaml"). */
export function chartMember(archive: string, member: string): string {
    return execFileSync("tar", ["-xzf", path.join(sharedDir(), "charts", archive), "-O", member], { encoding: "utf8", maxBuffer: 64 << 20 });
}

/** One file of a chart bundled inside a pinned chart, e.g. the kong 3.2.0 chart inside ingress 0.24.0. */
export function bundledChartMember(archive: string, bundled: string, member: string): string {
    const inner = new Uint8Array(execFileSync("tar", ["-xzf", path.join(sharedDir(), "charts", archive), "-O", bundled], { maxBuffer: 64 << 20 }));
    return execFileSync("tar", ["-xzf", "-", "-O", member], { input: inner, encoding: "utf8", maxBuffer: 64 << 20 });
}
