// Each default the code applies is the one the schema documents: every entry of INPUT_DEFAULTS
// equals the "Default ..." phrase of its property's description, and every literal default the
// schema documents has an entry (or is one of the conditional defaults checked below).
import { expect } from "chai";
import {
    ALB_HEALTH_CHECK_DEFAULTS,
    INPUT_DEFAULTS,
    KONG_MEM_CACHES,
    KONG_MEMORY_HEADROOM_MIB,
    L4_HORIZONTAL_RECYCLING,
    LBC_ALB_INGRESS_CLASS,
    SCALING_MODE_DEFAULTS,
} from "../../provider/src/defaults";
import schema from "../../provider/schema.json";

interface PropertySpec {
    description?: string;
}
type Properties = Record<string, PropertySpec>;

/** A type's, component's or function's input properties by its short name (`LoadBalancer`, `EdgeStack`, `computeKongSizing`). */
function inputProperties(owner: string): Properties {
    const token = `meshedge:index:${owner}`;
    const types = schema.types as Record<string, { properties?: Properties }>;
    const resources = schema.resources as Record<string, { inputProperties: Properties }>;
    const functions = schema.functions as Record<string, { inputs: { properties: Properties } }>;
    const found = types[token] ? (types[token].properties ?? {}) : (resources[token]?.inputProperties ?? functions[token]?.inputs.properties);
    if (!found) throw new Error(`schema.json has no type, resource or function ${owner}`);
    return found;
}

function description(owner: string, property: string): string {
    const text = inputProperties(owner)[property]?.description;
    if (text === undefined) throw new Error(`${owner}.${property} is not described in schema.json`);
    return text;
}

/** `Default 512`, `Default true`, ``Default `kong` ``, ``Default `["apikey"]` ``, `` `local` (default)``. */
const DOCUMENTED = /\bDefault (`[^`]*`|-?\d+\b|true\b|false\b)|`([^`]*)` \(default\)/;

function documentedDefault(text: string): unknown {
    const m = DOCUMENTED.exec(text);
    if (!m) return undefined;
    const literal = m[1] ?? `\`${m[2]}\``;
    if (!literal.startsWith("`")) return JSON.parse(literal);
    const inner = literal.slice(1, -1);
    return inner.startsWith("[") ? JSON.parse(inner) : inner;
}

/** Every string or number inside a default object, which its prose must mention (e.g. controller resources). */
function leaves(value: unknown): string[] {
    return typeof value === "object" && value !== null ? Object.values(value).flatMap(leaves) : [String(value)];
}

/** Documented defaults that depend on other inputs, each with the code constant it is checked against below. */
const CONDITIONAL = new Set(["LoadBalancer.ingressClassName", "LoadBalancer.healthCheckPath", "LoadBalancer.healthCheckSuccessCodes"]);

describe("defaults: the code's defaults are the schema's", () => {
    for (const [owner, defaults] of Object.entries(INPUT_DEFAULTS)) {
        for (const [property, value] of Object.entries(defaults)) {
            it(`${owner}.${property} = ${JSON.stringify(value)}`, () => {
                const text = description(owner, property);
                if (typeof value === "object" && !Array.isArray(value)) {
                    for (const leaf of leaves(value)) expect(text, `${owner}.${property}`).to.include(leaf);
                } else {
                    expect(documentedDefault(text), `${owner}.${property}: ${text}`).to.deep.equal(value);
                }
            });
        }
    }

    it("every literal default the schema documents is in INPUT_DEFAULTS or checked as conditional", () => {
        const owners = [
            ...Object.keys(schema.types),
            ...Object.keys(schema.resources),
            ...Object.keys(schema.functions),
        ].map((token) => token.split(":")[2]);
        const missing: string[] = [];
        for (const owner of owners) {
            for (const [property, spec] of Object.entries(inputProperties(owner))) {
                const key = `${owner}.${property}`;
                const table = (INPUT_DEFAULTS as Record<string, Record<string, unknown>>)[owner];
                if (DOCUMENTED.test(spec.description ?? "") && !(table && property in table) && !CONDITIONAL.has(key)) missing.push(key);
            }
        }
        expect(missing, "add these to INPUT_DEFAULTS in provider/src/defaults.ts").to.deep.equal([]);
    });

    it("conditional: the ALB IngressClass and gRPC health check", () => {
        expect(documentedDefault(description("LoadBalancer", "ingressClassName"))).to.equal(LBC_ALB_INGRESS_CLASS);
        expect(description("LoadBalancer", "healthCheckPath")).to.include(`Default \`${ALB_HEALTH_CHECK_DEFAULTS.GRPC.path}\` (GRPC)`);
        expect(description("LoadBalancer", "healthCheckPath")).to.include(`\`${ALB_HEALTH_CHECK_DEFAULTS.HTTP2.path}\``);
        expect(documentedDefault(description("LoadBalancer", "healthCheckSuccessCodes"))).to.equal(ALB_HEALTH_CHECK_DEFAULTS.GRPC.successCodes);
        expect(description("LoadBalancer", "healthCheckSuccessCodes")).to.include(`Default \`${ALB_HEALTH_CHECK_DEFAULTS.HTTP2.successCodes}\``);
    });

    it("a mode without its object: the sizes EdgeStack, KongGateway and computeKongSizing document", () => {
        const v = SCALING_MODE_DEFAULTS.vertical;
        const h = SCALING_MODE_DEFAULTS.horizontal;
        const memory = v.cpu * INPUT_DEFAULTS.VerticalScaling.memoryPerWorkerMib + KONG_MEM_CACHES * INPUT_DEFAULTS.VerticalScaling.memCacheSizeMib + KONG_MEMORY_HEADROOM_MIB;
        for (const owner of ["EdgeStack", "KongGateway", "computeKongSizing"]) {
            expect(description(owner, "vertical")).to.include(`${v.replicas} replicas x ${v.cpu} CPU (${v.cpu} nginx workers, ${memory}Mi)`);
            expect(description(owner, "horizontal")).to.include(`HPA of ${h.minReplicas} to ${h.maxReplicasFloor} one-worker pods at ${h.targetCpuUtilizationPercent}% CPU`);
        }
        expect(description("HorizontalScaling", "maxReplicas")).to.include(`the larger of minReplicas and ${h.maxReplicasFloor}`);
    });

    it("the memory formula's cache count and headroom are the ones the scaling types document", () => {
        for (const owner of ["VerticalScaling", "HorizontalScaling"]) {
            expect(description(owner, "memoryPerWorkerMib")).to.include(`${KONG_MEM_CACHES} x memCacheSizeMib`).and.include(`${KONG_MEMORY_HEADROOM_MIB} MiB headroom`);
            expect(description(owner, "memCacheSizeMib")).to.include(`${KONG_MEM_CACHES} x this`);
        }
    });

    it("conditional: connection recycling behind an NLB with horizontal scaling, where EdgeStack, KongGateway and computeKongSizing document it", () => {
        const general = INPUT_DEFAULTS.ConnectionRecycling;
        const l4 = L4_HORIZONTAL_RECYCLING;
        expect(description("ConnectionRecycling", "maxRequests")).to.include(`${l4.maxRequests} for horizontal scaling behind an NLB`);
        expect(description("ConnectionRecycling", "maxAgeSeconds")).to.include(`${l4.maxAgeSeconds} for horizontal scaling behind an NLB`);
        for (const owner of ["EdgeStack", "KongGateway", "computeKongSizing"]) {
            const text = description(owner, "connectionRecycling");
            expect(text).to.include(`Kong's ${general.maxRequests} requests or ${general.maxAgeSeconds / 3600} hour`);
            expect(text).to.include(`${l4.maxRequests} requests or ${l4.maxAgeSeconds} s for horizontal scaling behind an NLB`);
        }
    });
});
