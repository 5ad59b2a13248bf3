type Plain = Record<string, unknown>;

function isPlainObject(value: unknown): value is Plain {
    return typeof value === "object" && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * Merges `over` onto `under` recursively: objects merge key by key, anything else (arrays,
 * scalars, Outputs) from `over` replaces what `under` had. Neither argument is modified.
 */
export function deepMerge(under: Plain, over: Plain): Plain {
    const result: Plain = { ...under };
    for (const [key, value] of Object.entries(over)) {
        const existing = result[key];
        result[key] = isPlainObject(existing) && isPlainObject(value) ? deepMerge(existing, value) : value;
    }
    return result;
}
