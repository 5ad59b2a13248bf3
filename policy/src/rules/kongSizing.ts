// Kong's gateway sized as meshedge sizes it (provider/src/rules/sizing.ts): one nginx worker per CPU,
// requests equal to limits (Guaranteed QoS, so the workers' CPUs are not throttled), and memory for
// every worker, Kong's two caches and the headroom (podMemoryMiB).
import { podMemoryMiB } from "../../../provider/src/rules/sizing";
import { KongGatewayValues } from "./kongRelease";
import { cpuCores, kongSizeMiB, memoryMiB } from "./quantities";

/** Kong's `mem_cache_size` when the values leave it unset: kong 3.9.3 kong/templates/kong_defaults.lua. */
const KONG_DEFAULT_MEM_CACHE_MIB = 128;

export interface KongSizingPolicyConfig {
    /** The memory each worker must have at least; meshedge's floor (MEMORY_PER_WORKER_MIB_MIN) by default. */
    readonly memoryPerWorkerMib: number;
}

/** What is wrong with the gateway's sizing, one message per rule broken. */
export function kongSizingViolations(gateway: KongGatewayValues, config: KongSizingPolicyConfig): string[] {
    const found: string[] = [];
    const { requests = {}, limits = {} } = gateway.resources;
    const workers = Number(gateway.env.nginx_worker_processes);
    const cpuLimit = cpuCores(limits.cpu);
    if (!Number.isInteger(workers) || workers < 1) {
        found.push(`env.nginx_worker_processes is ${JSON.stringify(gateway.env.nginx_worker_processes)}: set it to the pod's CPU count (nginx's "auto" counts the node's CPUs, not the pod's)`);
    } else if (cpuLimit === undefined) {
        found.push(`resources.limits.cpu is ${JSON.stringify(limits.cpu)}: set it to ${workers}, one CPU per nginx worker`);
    } else if (cpuLimit !== workers) {
        found.push(`env.nginx_worker_processes is ${workers} but resources.limits.cpu is ${JSON.stringify(limits.cpu)}: one nginx worker per CPU, so both must be ${Math.max(1, Math.round(cpuLimit))}`);
    }
    for (const resource of ["cpu", "memory"] as const) {
        const parse = resource === "cpu" ? cpuCores : memoryMiB;
        const request = parse(requests[resource]);
        const limit = parse(limits[resource]);
        if (request === undefined || limit === undefined || request !== limit) {
            found.push(`resources.requests.${resource} (${JSON.stringify(requests[resource])}) must equal resources.limits.${resource} (${JSON.stringify(limits[resource])}): Guaranteed QoS keeps Kong's workers from being throttled or evicted first`);
        }
    }
    if (Number.isInteger(workers) && workers >= 1) {
        const cache = gateway.env.mem_cache_size === undefined ? KONG_DEFAULT_MEM_CACHE_MIB : kongSizeMiB(gateway.env.mem_cache_size);
        const needed = podMemoryMiB(workers, config.memoryPerWorkerMib, cache ?? KONG_DEFAULT_MEM_CACHE_MIB);
        const memory = memoryMiB(limits.memory);
        if (memory === undefined || memory < needed) {
            found.push(`resources.limits.memory is ${JSON.stringify(limits.memory)}: ${workers} workers x ${config.memoryPerWorkerMib} MiB + 2 x mem_cache_size + 256 MiB needs at least ${needed}Mi`);
        }
    }
    return found;
}
