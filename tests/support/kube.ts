// Comparing what the stack sent with what the API server holds.

/** Kubernetes quantities as numbers (cores, bytes), so "2048Mi" equals "2Gi" and "1000m" equals "1". */
export function quantity(value: string | number): number {
    if (typeof value === "number") return value;
    const m = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(value.trim());
    if (!m) throw new Error(`not a Kubernetes quantity: ${value}`);
    const scale: Record<string, number> = { "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
    return Number(m[1]) * scale[m[2] ?? ""];
}

/**
 * Where `actual` differs from what `expected` asks for: every field of expected must be in actual with the
 * same value (quantities compared by amount); fields only in actual are fine (API defaults, chart additions).
 */
export function missingFrom(expected: unknown, actual: unknown, at = ""): string[] {
    if (expected === null || expected === undefined) return [];
    if (Array.isArray(expected)) {
        if (!Array.isArray(actual) || actual.length !== expected.length) return [`${at || "."}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
        return expected.flatMap((e, i) => missingFrom(e, actual[i], `${at}[${i}]`));
    }
    if (typeof expected === "object") {
        if (typeof actual !== "object" || actual === null) return [`${at || "."}: expected an object, got ${JSON.stringify(actual)}`];
        return Object.entries(expected as Record<string, unknown>).flatMap(([k, v]) => missingFrom(v, (actual as Record<string, unknown>)[k], `${at}.${k}`));
    }
    if (expected === actual) return [];
    if (sameQuantity(expected, actual)) return [];
    return [`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

function sameQuantity(a: unknown, b: unknown): boolean {
    if ((typeof a !== "string" && typeof a !== "number") || (typeof b !== "string" && typeof b !== "number")) return false;
    try {
        return quantity(a) === quantity(b);
    } catch {
        return false;
    }
}
