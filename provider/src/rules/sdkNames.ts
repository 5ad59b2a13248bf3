// How the generated SDKs spell a schema property, so messages can name a field the way the user
// wrote it. Pulumi 3.192.0's codegen has no per-property name override: the Python name is
// codegen/python/python.go `PyName(prop.Name)` (keyword-safe via `EnsureKeywordSafe`), the Go name
// is codegen/go/gen.go `Title(prop.Name)` (codegen/go/utilities.go `fieldName`), and TypeScript
// uses the schema name itself. pythonName below follows PyName's state machine;
// tests/contract/sdkNames.test.ts checks it against every name in the generated Python SDK.

/** Names PyName keeps in its legacy spelling (codegen/python/python.go `useLegacyName`, v3.192.0). */
const LEGACY_NAMES = new Set(["openXJsonSerDe", "GetPublicIPs", "GetUptimeCheckIPs"]);

/** Python 2 and 3 keywords that get a trailing `_` (codegen/python/python.go `Keywords`, v3.192.0). */
const PYTHON_KEYWORDS = new Set(
    "False None True and as assert async await break class continue def del elif else except exec finally for from global if import in is lambda nonlocal not or pass print raise return try while with yield".split(" "),
);

const isUpper = (c: string) => c >= "A" && c <= "Z";
const isDigit = (c: string) => c >= "0" && c <= "9";

/**
 * The Python SDK's name for a schema name: `memoryPerPodMib` -> `memory_per_pod_mib`,
 * `clientIpMode` -> `client_ip_mode`, `podCIDRs` -> `pod_cidrs`. Schema names are ASCII; any other
 * character that is not a Python identifier character becomes `_`, as in PyName.
 */
export function pythonName(name: string): string {
    const legacy = LEGACY_NAMES.has(name);
    // PyName's states: after the first character, after one capital, inside a run of capitals
    // (an acronym), after a lowercase letter or digit.
    type State = "first" | "upper" | "acronym" | "lower";
    const words: string[] = [];
    let current = "";
    let state: State = "first";
    for (let c of name) {
        if (!/[A-Za-z0-9_]/.test(c)) c = "_";
        switch (state) {
            case "first":
                if (isDigit(c)) current += "_";
                current += c.toLowerCase();
                state = isUpper(c) ? "upper" : "lower";
                break;
            case "upper":
                current += c.toLowerCase();
                state = isUpper(c) ? "acronym" : "lower";
                break;
            case "acronym":
                if (isUpper(c)) {
                    current += c.toLowerCase();
                } else if (isDigit(c) || (c === "s" && !legacy)) {
                    // Digits and a plural "s" stay with the acronym: SHA256Hash -> sha256_hash, podIPs -> pod_ips.
                    current += c;
                    state = "lower";
                } else {
                    // The acronym's last capital starts the next word: podCIDRSet -> pod_cidr_set.
                    words.push(current.slice(0, -1));
                    current = current.slice(-1) + c;
                    state = "lower";
                }
                break;
            case "lower":
                if (isUpper(c)) {
                    words.push(current);
                    current = c.toLowerCase();
                    state = "upper";
                } else {
                    current += c;
                }
                break;
        }
    }
    if (current !== "") words.push(current);
    const result = words.join("_");
    return PYTHON_KEYWORDS.has(result) ? `${result}_` : result;
}

/**
 * A problem's property path in Python spelling. Paths are written `a.bC[0].d["map key"]`: dotted
 * segments are schema property names (converted), `[...]` segments are list indexes and map keys
 * the user chose (kept as written, as the Python SDK keeps map keys).
 */
export function pythonPath(path: string): string {
    return path.replace(/\[[^\]]*\]|[A-Za-z_$][A-Za-z0-9_$]*/g, (segment) => (segment.startsWith("[") ? segment : pythonName(segment)));
}

/** The Python spelling of a path when it differs from the schema's (TypeScript's and, capitalised, Go's); otherwise undefined. */
export function pythonSpellingIfDifferent(path: string): string | undefined {
    const python = pythonPath(path);
    return python === path ? undefined : python;
}
