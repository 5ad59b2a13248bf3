// Kubernetes quantities and Kong's size strings, as numbers the policies can compare.

/** CPU cores from a Kubernetes quantity ("2", "500m", 1.5); undefined when it is not one. */
export function cpuCores(value: unknown): number | undefined {
    if (typeof value === "number") return value;
    if (typeof value !== "string") return undefined;
    const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(value.trim());
    return m ? Number(m[1]) / (m[2] ? 1000 : 1) : undefined;
}

const BINARY: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** MiB from a Kubernetes memory quantity ("2560Mi", "3Gi", "1G", bytes); undefined when it is not one. */
export function memoryMiB(value: unknown): number | undefined {
    if (typeof value === "number") return value / 2 ** 20;
    if (typeof value !== "string") return undefined;
    const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(value.trim());
    if (!m) return undefined;
    const n = Number(m[1]);
    if (!m[2]) return n / 2 ** 20;
    return m[2] in BINARY ? n * BINARY[m[2]] : (n * DECIMAL[m[2]]) / 2 ** 20;
}

/**
 * MiB from a Kong size ("128m", "1g", "512k"): kong 3.9.3 kong/tools/string.lua `parse_ngx_size`
 * reads a number with an optional k/m/g suffix in either case, as binary multiples.
 */
export function kongSizeMiB(value: unknown): number | undefined {
    if (typeof value !== "string" && typeof value !== "number") return undefined;
    const m = /^(\d+)([kKmMgG]?)$/.exec(String(value).trim());
    if (!m) return undefined;
    const unit = m[2].toLowerCase();
    return Number(m[1]) * (unit === "g" ? 1024 : unit === "m" ? 1 : unit === "k" ? 1 / 1024 : 1 / 2 ** 20);
}

/** Seconds from nginx's time syntax ("300s", "1h", "90", "1m30s"); undefined when it is not one. */
export function nginxSeconds(value: unknown): number | undefined {
    if (typeof value === "number") return value;
    if (typeof value !== "string" || !/^(\d+[smhd]?)+$/.test(value.trim())) return undefined;
    const scale: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, "": 1 };
    let total = 0;
    for (const [, n, unit] of value.trim().matchAll(/(\d+)([smhd]?)/g)) total += Number(n) * scale[unit];
    return total;
}
