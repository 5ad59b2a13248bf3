// Property-based tests of the sizing invariants over random valid inputs, the memory formula against
// Kong 3.9.3's shared memory zones and connection recycling against its and nginx's defaults
// (tests/fixtures/kong/kong-3.9.3-memory-and-keepalive.json, which names its sources).
import { expect } from "chai";
import * as fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { INPUT_DEFAULTS, KONG_MEM_CACHES, KONG_MEMORY_HEADROOM_MIB, L4_HORIZONTAL_RECYCLING } from "../../../provider/src/defaults";
import type { KongSizing } from "../../../provider/src/generated/schema-types";
import { formatProblem, Problems } from "../../../provider/src/rules/errors";
import { kongGatewayValues } from "../../../provider/src/rules/kongValues";
import { checkSizingInputs, computeKongSizing, podMemoryMiB, resolveConnectionRecycling, SizingInputs } from "../../../provider/src/rules/sizing";
import { repoRoot } from "../../../scripts/lib/repo-root";

interface KongUpstream {
    httpSharedZones: { directive: string; name: string; size: string; when?: string }[];
    kongDefaults: Record<string, string>;
    nginxDefaults: Record<string, string>;
}
const upstream: KongUpstream = JSON.parse(fs.readFileSync(path.join(repoRoot(), "tests", "fixtures", "kong", "kong-3.9.3-memory-and-keepalive.json"), "utf8"));
/** "128m" -> 128, "1m" -> 1; nginx sizes in MiB. */
const mib = (size: string): number => {
    const m = /^(\d+)m$/.exec(size);
    if (!m) throw new Error(`not a size in m: ${size}`);
    return Number(m[1]);
};
/** nginx time ("1h", "300s") in seconds. */
const seconds = (time: string): number => {
    const m = /^(\d+)(s|m|h)$/.exec(time);
    if (!m) throw new Error(`not a time: ${time}`);
    return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as "s" | "m" | "h"];
};

/** Every problem checkSizingInputs finds, formatted as the user sees it. */
function sizingProblems(inputs: SizingInputs): string[] {
    const problems = new Problems();
    checkSizingInputs(problems, inputs);
    return problems.list.map(formatProblem);
}

const memory = fc.option(fc.integer({ min: 500, max: 8192 }), { nil: undefined });
const cache = fc.option(fc.integer({ min: 8, max: 4096 }), { nil: undefined });
const recycling = fc.option(
    fc.record({ maxRequests: fc.option(fc.integer({ min: 100, max: 1_000_000 }), { nil: undefined }), maxAgeSeconds: fc.option(fc.integer({ min: 10, max: 604_800 }), { nil: undefined }) }),
    { nil: undefined },
);
const vertical = fc.record({ cpu: fc.integer({ min: 1, max: 64 }), replicas: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }), memoryPerWorkerMib: memory, memCacheSizeMib: cache });
const horizontal = fc
    .record({
        minReplicas: fc.integer({ min: 1, max: 50 }),
        extra: fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
        targetCpuUtilizationPercent: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
        memoryPerWorkerMib: memory,
        memCacheSizeMib: cache,
    })
    .map(({ extra, ...h }) => ({ ...h, maxReplicas: extra === undefined ? undefined : h.minReplicas + extra }));

/** Any valid combination of load balancer, mode and the matching object. */
const validInputs: fc.Arbitrary<SizingInputs> = fc.oneof(
    fc.record({ loadBalancerType: fc.constantFrom("nlb" as const, "alb" as const), scalingMode: fc.constant("vertical" as const), vertical: fc.option(vertical, { nil: undefined }), connectionRecycling: recycling }),
    fc.record({ loadBalancerType: fc.constant("alb" as const), scalingMode: fc.constantFrom("horizontal" as const, "auto" as const), horizontal: fc.option(horizontal, { nil: undefined }), connectionRecycling: recycling }),
    fc.record({ loadBalancerType: fc.constant("nlb" as const), scalingMode: fc.constant("horizontal" as const), horizontal: fc.option(horizontal, { nil: undefined }), acceptL4Imbalance: fc.constant(true), connectionRecycling: recycling }),
    fc.record({ loadBalancerType: fc.constant("nlb" as const), scalingMode: fc.constantFrom("auto" as const, undefined), vertical: fc.option(vertical, { nil: undefined }), connectionRecycling: recycling }),
);

const memoryPerWorker = (i: SizingInputs) => (i.vertical ?? i.horizontal)?.memoryPerWorkerMib ?? 512;
const memCache = (i: SizingInputs) => (i.vertical ?? i.horizontal)?.memCacheSizeMib ?? 128;
/** Kong 3.9.3's http zones sized by mem_cache_size. */
const cacheZones = upstream.httpSharedZones.filter((z) => z.size === "${{MEM_CACHE_SIZE}}");

describe("sizing invariants (property-based)", () => {
    it("one worker per CPU; memory = workers x memoryPerWorker + both caches + headroom, >= 500 MiB per worker besides", () => {
        fc.assert(
            fc.property(validInputs, (inputs) => {
                const s: KongSizing = computeKongSizing(inputs);
                expect(s.workersPerPod).to.equal(s.cpuPerPod);
                expect(Number.isInteger(s.workersPerPod) && s.workersPerPod >= 1).to.equal(true);
                expect(s).to.include({ memoryPerWorkerMib: memoryPerWorker(inputs), memCacheSizeMib: memCache(inputs), memoryHeadroomMib: 256 });
                expect(s.memoryPerPodMib).to.equal(s.workersPerPod * memoryPerWorker(inputs) + 2 * memCache(inputs) + 256);
                expect((s.memoryPerPodMib - 2 * s.memCacheSizeMib - s.memoryHeadroomMib) / s.workersPerPod).to.be.at.least(500);
                expect(s.reason).to.include(`(mem_cache_size) + 256 = ${s.memoryPerPodMib}Mi`);
            }),
        );
    });

    it("connection recycling: the given limits win; unset ones are 1000 requests / 300 s for horizontal behind an NLB, else Kong's 10000 / 3600 s", () => {
        fc.assert(
            fc.property(validInputs, (inputs) => {
                const s = computeKongSizing(inputs);
                const l4 = inputs.loadBalancerType === "nlb" && s.mode === "horizontal";
                expect(s.connectionRecycling).to.deep.equal({
                    maxRequests: inputs.connectionRecycling?.maxRequests ?? (l4 ? 1000 : 10000),
                    maxAgeSeconds: inputs.connectionRecycling?.maxAgeSeconds ?? (l4 ? 300 : 3600),
                });
            }),
        );
    });

    it("auto follows the load balancer: NLB vertical, ALB horizontal with one worker, one CPU and an HPA", () => {
        fc.assert(
            fc.property(validInputs.filter((i) => (i.scalingMode ?? "auto") === "auto"), (inputs) => {
                const s = computeKongSizing(inputs);
                if (inputs.loadBalancerType === "nlb") {
                    expect(s.mode).to.equal("vertical");
                    expect(s.horizontalPodAutoscaler).to.equal(false);
                } else {
                    expect(s).to.include({ mode: "horizontal", workersPerPod: 1, cpuPerPod: 1, horizontalPodAutoscaler: true });
                }
            }),
        );
    });

    it("horizontal: minReplicas <= maxReplicas, an HPA, a PDB exactly when more than one replica is guaranteed", () => {
        fc.assert(
            fc.property(validInputs, (inputs) => {
                const s = computeKongSizing(inputs);
                if (s.mode === "horizontal") {
                    expect(s.minReplicas!).to.be.at.most(s.maxReplicas!);
                    expect(s.workersPerPod).to.equal(1);
                    expect(s.podDisruptionBudget).to.equal(s.minReplicas! > 1);
                } else {
                    expect(s.podDisruptionBudget).to.equal(s.replicas! > 1);
                }
            }),
        );
    });

    it("the Helm values always carry an explicit worker count equal to the CPU request and limit", () => {
        fc.assert(
            fc.property(validInputs, fc.boolean(), (inputs, autoMode) => {
                const sizing = computeKongSizing(inputs);
                const values = kongGatewayValues({
                    chart: "ingress",
                    sizing,
                    loadBalancer: { type: inputs.loadBalancerType, certificateArn: "arn:aws:acm:x" },
                    eksAutoMode: autoMode,
                    meshKind: "none",
                    controllerResources: {},
                    ingressClassName: "kong",
                }) as any;
                expect(values.env.nginx_worker_processes).to.equal(String(sizing.workersPerPod));
                expect(values.env.nginx_worker_processes).not.to.equal("auto");
                expect(values.resources.requests).to.deep.equal(values.resources.limits);
                expect(values.resources.requests.cpu).to.equal(String(sizing.workersPerPod));
                expect(values.resources.requests.memory).to.equal(`${sizing.memoryPerPodMib}Mi`);
                expect(values.env).to.include({
                    mem_cache_size: `${sizing.memCacheSizeMib}m`,
                    nginx_http_keepalive_requests: String(sizing.connectionRecycling.maxRequests),
                    nginx_http_keepalive_time: `${sizing.connectionRecycling.maxAgeSeconds}s`,
                });
            }),
        );
    });

    it("rejects every non-integer or sub-1 CPU count, naming the field", () => {
        const badCpu = fc.oneof(fc.integer({ max: 0 }), fc.double({ min: 0.01, max: 63.99, noNaN: true }).filter((x) => !Number.isInteger(x)));
        fc.assert(
            fc.property(badCpu, fc.constantFrom("nlb" as const, "alb" as const), (cpu, lb) => {
                const found = sizingProblems({ loadBalancerType: lb, scalingMode: "vertical", vertical: { cpu } });
                expect(found.some((p) => p.startsWith(`vertical.cpu = ${JSON.stringify(cpu)}:`)), found.join("\n")).to.equal(true);
            }),
        );
    });

    it("rejects every memoryPerWorkerMib below 500", () => {
        fc.assert(
            fc.property(fc.integer({ min: -1000, max: 499 }), (mib) => {
                const found = sizingProblems({ loadBalancerType: "alb", horizontal: { minReplicas: 2, memoryPerWorkerMib: mib } });
                expect(found).to.have.length(1);
                expect(found[0]).to.match(/^horizontal\.memoryPerWorkerMib = -?\d+: each nginx worker needs about 500 MB/);
            }),
        );
    });

    it("rejects memoryPerWorkerMib above 64 GiB, memCacheSizeMib outside 8-65536 and recycling limits out of range, naming each field", () => {
        const found = sizingProblems({
            loadBalancerType: "nlb",
            vertical: { cpu: 2, memoryPerWorkerMib: 70000, memCacheSizeMib: 0 },
            connectionRecycling: { maxRequests: 10, maxAgeSeconds: 1.5 },
        });
        expect(found).to.have.length(4);
        expect(found[0]).to.match(/^vertical\.memoryPerWorkerMib = 70000: is more than 65536 MiB for one worker/);
        expect(found[1]).to.match(/^vertical\.memCacheSizeMib = 0: must be a whole number from 8 to 65536/);
        expect(found[2]).to.match(/^connectionRecycling\.maxRequests = 10: must be a whole number from 100 to 1000000000/);
        expect(found[3]).to.match(/^connectionRecycling\.maxAgeSeconds = 1\.5: must be a whole number from 10 to 604800/);
        expect(sizingProblems({ loadBalancerType: "alb", horizontal: { minReplicas: 2, memCacheSizeMib: 8, memoryPerWorkerMib: 65536 }, connectionRecycling: { maxRequests: 100 } })).to.deep.equal([]);
    });
});

describe("sizing against Kong 3.9.3 and its nginx (fixture from Kong/kong and nginx/nginx sources)", () => {
    it("memory counts the caches mem_cache_size sizes: two zones in the http subsystem, shared by all workers", () => {
        expect(cacheZones.map((z) => z.name)).to.deep.equal(["kong_core_db_cache", "kong_db_cache"]);
        expect(KONG_MEM_CACHES).to.equal(cacheZones.length);
        // Shared zones exist once per pod, so more workers add memoryPerWorker only.
        const one = computeKongSizing({ loadBalancerType: "nlb", vertical: { cpu: 1 } });
        const eight = computeKongSizing({ loadBalancerType: "nlb", vertical: { cpu: 8 } });
        expect(eight.memoryPerPodMib - one.memoryPerPodMib).to.equal(7 * INPUT_DEFAULTS.VerticalScaling.memoryPerWorkerMib);
        expect(computeKongSizing({ loadBalancerType: "nlb", vertical: { cpu: 4 } }).memoryPerPodMib).to.equal(4 * 512 + 2 * 128 + 256);
    });

    it("the default cache size is Kong's mem_cache_size, and the env value is in Kong's own unit", () => {
        expect(`${INPUT_DEFAULTS.VerticalScaling.memCacheSizeMib}m`).to.equal(upstream.kongDefaults.mem_cache_size);
        expect(`${INPUT_DEFAULTS.HorizontalScaling.memCacheSizeMib}m`).to.equal(upstream.kongDefaults.mem_cache_size);
        // HTTP only: the stream subsystem (two more caches) is off unless a stream listener is configured.
        expect(upstream.kongDefaults.stream_listen).to.equal("off");
    });

    it("the headroom holds every fixed-size zone Kong may create, with room for the master process", () => {
        const resolve = (z: { size: string }) => mib(z.size.replace("${{SSL_SESSION_CACHE_SIZE}}", upstream.kongDefaults.ssl_session_cache_size).replace("${{RESOLVER_MEM_CACHE_SIZE}}", upstream.kongDefaults.resolver_mem_cache_size));
        const all = upstream.httpSharedZones.filter((z) => !cacheZones.includes(z)).reduce((sum, z) => sum + resolve(z), 0);
        expect(all).to.equal(100); // 64 MiB of dicts, 5 of DNS cache, 31 of TLS session caches
        // What is left is the nginx master's: it loads Kong and the configuration but serves no connections, so a quarter of a worker's memory.
        expect(KONG_MEMORY_HEADROOM_MIB - all).to.be.at.least(INPUT_DEFAULTS.VerticalScaling.memoryPerWorkerMib / 4);
    });

    it("Kong's recycling defaults are nginx_http_keepalive_requests and nginx's keepalive_time; the NLB defaults are stricter", () => {
        expect(String(INPUT_DEFAULTS.ConnectionRecycling.maxRequests)).to.equal(upstream.kongDefaults.nginx_http_keepalive_requests);
        expect(INPUT_DEFAULTS.ConnectionRecycling.maxAgeSeconds).to.equal(seconds(upstream.nginxDefaults.keepalive_time));
        expect(String(L4_HORIZONTAL_RECYCLING.maxRequests)).to.equal(upstream.nginxDefaults.keepalive_requests);
        expect(L4_HORIZONTAL_RECYCLING.maxRequests).to.be.below(INPUT_DEFAULTS.ConnectionRecycling.maxRequests);
        expect(L4_HORIZONTAL_RECYCLING.maxAgeSeconds).to.be.below(INPUT_DEFAULTS.ConnectionRecycling.maxAgeSeconds);
        expect(resolveConnectionRecycling("nlb", "vertical")).to.deep.equal(INPUT_DEFAULTS.ConnectionRecycling);
        expect(resolveConnectionRecycling("alb", "horizontal")).to.deep.equal(INPUT_DEFAULTS.ConnectionRecycling);
        expect(resolveConnectionRecycling("nlb", "horizontal", { maxAgeSeconds: 120 })).to.deep.equal({ maxRequests: 1000, maxAgeSeconds: 120 });
        expect(podMemoryMiB(1, 512, 128)).to.equal(1024);
    });
});
