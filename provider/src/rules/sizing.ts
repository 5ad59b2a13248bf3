// The Kong sizing rules: one nginx worker per CPU, ~500 MB per worker plus Kong's two entity caches
// (Kong's sizing guidance, developer.konghq.com/gateway/resource-sizing-guidelines; the caches: kong
// 3.9.3 kong/templates/nginx_kong.lua), NLB (per-connection) -> vertical, ALB (per-request) ->
// horizontal, and when Kong recycles client connections. Why each: docs/decisions.md "Sizing defaults".
import {
    CPU_PER_POD_MAX,
    INPUT_DEFAULTS,
    KONG_MEM_CACHES,
    KONG_MEMORY_HEADROOM_MIB,
    L4_HORIZONTAL_RECYCLING,
    MEM_CACHE_SIZE_MIB_MIN,
    MEMORY_MIB_MAX,
    MEMORY_PER_WORKER_MIB_MIN,
    RECYCLING_LIMITS,
    SCALING_MODE_DEFAULTS,
} from "../defaults";
import { ScalingMode, type ConnectionRecycling, type HorizontalScaling, type KongSizing, type LoadBalancerType, type VerticalScaling } from "../generated/schema-types";
import { checkOneOf, isWholeNumber, Problems } from "./errors";

export interface SizingInputs {
    readonly loadBalancerType: LoadBalancerType;
    readonly scalingMode?: ScalingMode;
    readonly vertical?: VerticalScaling;
    readonly horizontal?: HorizontalScaling;
    readonly acceptL4Imbalance?: boolean;
    readonly connectionRecycling?: ConnectionRecycling;
}

/** The parts of a pod's memory: each worker's own, Kong's two `mem_cache_size` caches (shared by the workers), and the headroom. */
export function podMemoryMiB(workers: number, memoryPerWorkerMib: number, memCacheSizeMib: number): number {
    return workers * memoryPerWorkerMib + KONG_MEM_CACHES * memCacheSizeMib + KONG_MEMORY_HEADROOM_MIB;
}

/**
 * Each unset limit takes Kong's default, except horizontal scaling behind an NLB, where connections
 * only reach new pods when clients reconnect (L4_HORIZONTAL_RECYCLING in defaults.ts says why those numbers).
 */
export function resolveConnectionRecycling(lb: LoadBalancerType, mode: "vertical" | "horizontal", given: ConnectionRecycling = {}): Required<ConnectionRecycling> {
    const defaults = lb === "nlb" && mode === "horizontal" ? L4_HORIZONTAL_RECYCLING : INPUT_DEFAULTS.ConnectionRecycling;
    return { maxRequests: given.maxRequests ?? defaults.maxRequests, maxAgeSeconds: given.maxAgeSeconds ?? defaults.maxAgeSeconds };
}

/** `auto` follows the load balancer: L4 pins connections, so grow pods; L7 spreads requests, so add pods. */
export function resolveScalingMode(lb: LoadBalancerType, mode: ScalingMode = INPUT_DEFAULTS.EdgeStack.scalingMode): "vertical" | "horizontal" {
    if (mode !== "auto") return mode;
    return lb === "nlb" ? "vertical" : "horizontal";
}

function checkWholeNumber(problems: Problems, field: string, value: unknown, min: number, max: number, fix: string): void {
    if (value === undefined) return;
    if (!isWholeNumber(value, min, max)) {
        problems.add(field, value, `must be a whole number from ${min} to ${max}`, fix);
    }
}

function checkMemoryPerWorker(problems: Problems, field: string, value: number | undefined): void {
    if (value === undefined) return;
    if (!Number.isInteger(value) || value < MEMORY_PER_WORKER_MIB_MIN) {
        problems.add(
            field,
            value,
            `each nginx worker needs about 500 MB (Kong's sizing guideline); below ${MEMORY_PER_WORKER_MIB_MIN} MiB workers get OOM-killed`,
            `set it to ${INPUT_DEFAULTS.VerticalScaling.memoryPerWorkerMib} (the default) or more, or leave it unset`,
        );
    } else if (value > MEMORY_MIB_MAX) {
        problems.add(field, value, `is more than ${MEMORY_MIB_MAX} MiB for one worker; Kong's caches are sized by memCacheSizeMib, not per worker`, `use about ${INPUT_DEFAULTS.VerticalScaling.memoryPerWorkerMib} MiB per worker and raise memCacheSizeMib for a bigger cache`);
    }
}

/** Size of each of Kong's two caches (`mem_cache_size`): 0 makes nginx refuse the zone, kong.conf.default recommends a few MBs at least. */
function checkMemCacheSize(problems: Problems, field: string, value: number | undefined): void {
    checkWholeNumber(problems, field, value, MEM_CACHE_SIZE_MIB_MIN, MEMORY_MIB_MAX, `use ${INPUT_DEFAULTS.VerticalScaling.memCacheSizeMib} (Kong's default) or another size in MiB; the pod holds two caches of it`);
}

function checkConnectionRecycling(problems: Problems, field: (name: string) => string, value: ConnectionRecycling | undefined): void {
    if (value === undefined) return;
    const { maxRequests, maxAgeSeconds } = RECYCLING_LIMITS;
    checkWholeNumber(problems, field("connectionRecycling.maxRequests"), value.maxRequests, maxRequests.min, maxRequests.max, "each recycle costs the client a new connection and handshake: use a count such as 1000 or 10000");
    checkWholeNumber(problems, field("connectionRecycling.maxAgeSeconds"), value.maxAgeSeconds, maxAgeSeconds.min, maxAgeSeconds.max, "use seconds such as 300 (5 minutes) or 3600 (Kong's hour)");
}

/** Adds every sizing problem to `problems`; `prefix` is where the sizing fields sit in the caller's args. */
export function checkSizingInputs(problems: Problems, inputs: SizingInputs, prefix = ""): void {
    const field = (name: string) => `${prefix}${name}`;
    const mode = inputs.scalingMode ?? INPUT_DEFAULTS.EdgeStack.scalingMode;
    if (!checkOneOf(problems, field("scalingMode"), mode, ScalingMode, "scaling mode")) return;
    const resolved = resolveScalingMode(inputs.loadBalancerType, mode);
    const how = mode === "auto" ? `scalingMode "auto" resolves to ${resolved} behind an ${inputs.loadBalancerType.toUpperCase()}` : `scalingMode is "${mode}"`;

    if (inputs.vertical && resolved !== "vertical") {
        problems.add(field("vertical"), inputs.vertical, `${how}, so a vertical object does not apply`, `remove "vertical" or set scalingMode to "vertical"`);
    }
    if (inputs.horizontal && resolved !== "horizontal") {
        problems.add(field("horizontal"), inputs.horizontal, `${how}, so a horizontal object does not apply`, `remove "horizontal" or set scalingMode to "horizontal"`);
    }
    if (resolved === "horizontal" && inputs.loadBalancerType === "nlb" && !inputs.acceptL4Imbalance) {
        problems.add(
            field("scalingMode"),
            mode,
            "an NLB balances per TCP connection and gRPC keeps one long-lived HTTP/2 connection per client, so horizontal Kong replicas receive uneven load",
            `use scalingMode "vertical" (or "auto") behind an NLB, switch to an ALB, or set acceptL4Imbalance: true to accept the imbalance`,
        );
    }

    const v = inputs.vertical;
    if (v) {
        if (v.cpu === undefined) {
            problems.add(field("vertical.cpu"), v.cpu, "is required in vertical mode", "set the CPU cores (= nginx workers) per pod, e.g. 4");
        }
        checkWholeNumber(problems, field("vertical.cpu"), v.cpu, 1, CPU_PER_POD_MAX, "nginx runs one worker per whole CPU: use an integer such as 2, 4 or 8");
        checkWholeNumber(problems, field("vertical.replicas"), v.replicas, 1, 1000, "use at least 1 replica (2 or more for availability)");
        checkMemoryPerWorker(problems, field("vertical.memoryPerWorkerMib"), v.memoryPerWorkerMib);
        checkMemCacheSize(problems, field("vertical.memCacheSizeMib"), v.memCacheSizeMib);
    }
    const h = inputs.horizontal;
    if (h) {
        if (h.minReplicas === undefined) {
            problems.add(field("horizontal.minReplicas"), h.minReplicas, "is required in horizontal mode", "set the HPA minimum, e.g. 2");
        }
        checkWholeNumber(problems, field("horizontal.minReplicas"), h.minReplicas, 1, 1000, "use at least 1");
        checkWholeNumber(problems, field("horizontal.maxReplicas"), h.maxReplicas, 1, 1000, "use a maximum of at least minReplicas");
        checkWholeNumber(problems, field("horizontal.targetCpuUtilizationPercent"), h.targetCpuUtilizationPercent, 1, 100, "use a percentage such as 70");
        if (h.minReplicas !== undefined && h.maxReplicas !== undefined && h.minReplicas > h.maxReplicas) {
            problems.add(
                field("horizontal.maxReplicas"),
                h.maxReplicas,
                `is below minReplicas (${h.minReplicas})`,
                `raise maxReplicas to ${h.minReplicas} or more, or lower minReplicas`,
            );
        }
        checkMemoryPerWorker(problems, field("horizontal.memoryPerWorkerMib"), h.memoryPerWorkerMib);
        checkMemCacheSize(problems, field("horizontal.memCacheSizeMib"), h.memCacheSizeMib);
    }
    checkConnectionRecycling(problems, field, inputs.connectionRecycling);
}

function memoryFormula(workers: number, memoryPerWorker: number, memCache: number): string {
    return `memory ${workers} x ${memoryPerWorker} + ${KONG_MEM_CACHES} x ${memCache} (mem_cache_size) + ${KONG_MEMORY_HEADROOM_MIB} = ${podMemoryMiB(workers, memoryPerWorker, memCache)}Mi`;
}

/** The sizing for inputs checkSizingInputs accepted. */
export function computeKongSizing(inputs: SizingInputs): KongSizing {
    const lb = inputs.loadBalancerType.toUpperCase();
    const mode = resolveScalingMode(inputs.loadBalancerType, inputs.scalingMode);
    const chosenBy = (inputs.scalingMode ?? INPUT_DEFAULTS.EdgeStack.scalingMode) === "auto" ? `auto behind an ${lb}` : `${mode} requested`;

    if (mode === "vertical") {
        const cpu = inputs.vertical?.cpu ?? SCALING_MODE_DEFAULTS.vertical.cpu;
        const replicas = inputs.vertical?.replicas ?? SCALING_MODE_DEFAULTS.vertical.replicas;
        const memoryPerWorker = inputs.vertical?.memoryPerWorkerMib ?? INPUT_DEFAULTS.VerticalScaling.memoryPerWorkerMib;
        const memCache = inputs.vertical?.memCacheSizeMib ?? INPUT_DEFAULTS.VerticalScaling.memCacheSizeMib;
        const why = inputs.loadBalancerType === "nlb"
            ? "the NLB pins each long-lived HTTP/2 connection to one pod, so capacity grows inside the pod"
            : "fixed capacity requested; the ALB still spreads requests across the replicas";
        return {
            mode,
            replicas,
            workersPerPod: cpu,
            cpuPerPod: cpu,
            memoryPerPodMib: podMemoryMiB(cpu, memoryPerWorker, memCache),
            memoryPerWorkerMib: memoryPerWorker,
            memCacheSizeMib: memCache,
            memoryHeadroomMib: KONG_MEMORY_HEADROOM_MIB,
            connectionRecycling: resolveConnectionRecycling(inputs.loadBalancerType, mode, inputs.connectionRecycling),
            horizontalPodAutoscaler: false,
            podDisruptionBudget: replicas > 1,
            reason: `vertical (${chosenBy}): ${replicas} replica(s) x ${cpu} worker(s), one per CPU, ${memoryFormula(cpu, memoryPerWorker, memCache)}; ${why}`,
        };
    }

    const minReplicas = inputs.horizontal?.minReplicas ?? SCALING_MODE_DEFAULTS.horizontal.minReplicas;
    const maxReplicas = inputs.horizontal?.maxReplicas ?? Math.max(minReplicas, SCALING_MODE_DEFAULTS.horizontal.maxReplicasFloor);
    const target = inputs.horizontal?.targetCpuUtilizationPercent ?? SCALING_MODE_DEFAULTS.horizontal.targetCpuUtilizationPercent;
    const memoryPerWorker = inputs.horizontal?.memoryPerWorkerMib ?? INPUT_DEFAULTS.HorizontalScaling.memoryPerWorkerMib;
    const memCache = inputs.horizontal?.memCacheSizeMib ?? INPUT_DEFAULTS.HorizontalScaling.memCacheSizeMib;
    const recycling = resolveConnectionRecycling(inputs.loadBalancerType, mode, inputs.connectionRecycling);
    const why = inputs.loadBalancerType === "alb"
        ? "the ALB balances every request, so many small pods share load evenly"
        : `accepted L4 imbalance: the NLB balances connections, not requests, so Kong recycles each client connection after ${recycling.maxRequests} requests or ${recycling.maxAgeSeconds} s`;
    return {
        mode,
        minReplicas,
        maxReplicas,
        targetCpuUtilizationPercent: target,
        workersPerPod: 1,
        cpuPerPod: 1,
        memoryPerPodMib: podMemoryMiB(1, memoryPerWorker, memCache),
        memoryPerWorkerMib: memoryPerWorker,
        memCacheSizeMib: memCache,
        memoryHeadroomMib: KONG_MEMORY_HEADROOM_MIB,
        connectionRecycling: recycling,
        horizontalPodAutoscaler: true,
        podDisruptionBudget: minReplicas > 1,
        reason: `horizontal (${chosenBy}): ${minReplicas}-${maxReplicas} replicas x 1 worker / 1 CPU, ${memoryFormula(1, memoryPerWorker, memCache)}, HPA at ${target}% of the proxy container's CPU; ${why}`,
    };
}
