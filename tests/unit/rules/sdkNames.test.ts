// The Python spelling of schema names and problem paths, as Pulumi's codegen spells them.
import { expect } from "chai";
import { MeshedgeInputError } from "../../../provider/src/components/validation";
import { formatProblem, pythonSpellingNote } from "../../../provider/src/rules/errors";
import { pythonName, pythonPath, pythonSpellingIfDifferent } from "../../../provider/src/rules/sdkNames";

describe("sdkNames: pythonName follows Pulumi's PyName", () => {
    // Input and expected name from pulumi/pulumi v3.192.0 pkg/codegen/python/python_test.go `pyNameTests`
    // (the `expected` column, which is what PyName returns, legacy names included).
    const upstream: [string, string][] = [
        ["kubeletConfigKey", "kubelet_config_key"],
        ["podCIDR", "pod_cidr"],
        ["podCidr", "pod_cidr"],
        ["podCIDRs", "pod_cidrs"],
        ["podIPs", "pod_ips"],
        ["nonResourceURLs", "non_resource_urls"],
        ["someTHINGsAREWeird", "some_things_are_weird"],
        ["podCIDRSet", "pod_cidr_set"],
        ["Sha256Hash", "sha256_hash"],
        ["SHA256Hash", "sha256_hash"],
        ["proj:config", "proj_config"],
        ["openXJsonSerDe", "open_x_json_ser_de"],
        ["GetPublicIPs", "get_public_i_ps"],
        ["GetUptimeCheckIPs", "get_uptime_check_i_ps"],
    ];
    for (const [input, expected] of upstream) {
        it(`${input} -> ${expected}`, () => expect(pythonName(input)).to.equal(expected));
    }

    it("splits a mixed-case unit the way codegen does, which is why the schema says Mib, not MiB", () => {
        expect(pythonName("memoryPerPodMiB")).to.equal("memory_per_pod_mi_b");
        expect(pythonName("memoryPerPodMib")).to.equal("memory_per_pod_mib");
        expect(pythonName("acceptL4Imbalance")).to.equal("accept_l4_imbalance");
    });

    it("adds a trailing underscore to Python keywords (EnsureKeywordSafe)", () => {
        expect(pythonName("from")).to.equal("from_");
        expect(pythonName("lambda")).to.equal("lambda_");
        expect(pythonName("fromPort")).to.equal("from_port");
    });
});

describe("sdkNames: problem paths in Python spelling", () => {
    const cases: [string, string][] = [
        ["vertical.memoryPerWorkerMib", "vertical.memory_per_worker_mib"],
        ["services[0].routeKind", "services[0].route_kind"],
        ["kong.services[2].plugins.rateLimiting.redis.timeoutMilliseconds", "kong.services[2].plugins.rate_limiting.redis.timeout_milliseconds"],
        // Map keys are the user's own and stay as written, as the Python SDK sends them.
        ['loadBalancer.annotations["service.beta.kubernetes.io/aws-load-balancer-proxyProtocol"]', 'load_balancer.annotations["service.beta.kubernetes.io/aws-load-balancer-proxyProtocol"]'],
        ['services[0].labels["istio.io/rev"]', 'services[0].labels["istio.io/rev"]'],
        ["clusterName", "cluster_name"],
        ["", ""],
    ];
    for (const [path, python] of cases) {
        it(`${JSON.stringify(path)} -> ${JSON.stringify(python)}`, () => expect(pythonPath(path)).to.equal(python));
    }

    it("names the Python spelling only where it differs", () => {
        expect(pythonSpellingIfDifferent("services[0].port")).to.equal(undefined);
        expect(pythonSpellingIfDifferent("kong.sizing")).to.equal(undefined);
        expect(pythonSpellingNote("replicas")).to.equal("");
        expect(pythonSpellingNote("horizontal.maxReplicas")).to.equal(" In Python: horizontal.max_replicas.");
    });

    it("formatProblem (what invoke callers read) names the Python spelling after the fix, as the engine shows construct problems", () => {
        expect(formatProblem({ field: "vertical.memoryPerWorkerMib", value: 256, problem: "is too small", fix: "use 512" })).to.equal(
            "vertical.memoryPerWorkerMib = 256: is too small. Fix: use 512. In Python: vertical.memory_per_worker_mib.",
        );
    });

    it("construct problems (the engine prints `property <path> ... has a problem: <reason>`) keep the schema path and end the reason with the Python spelling", () => {
        const err = new MeshedgeInputError('EdgeStack "edge"', [
            { field: "vertical.memoryPerWorkerMib", value: 256, problem: "is too small", fix: "use 512" },
            { field: "services[0].port", value: 0, problem: "is not a TCP port", fix: "use 50051" },
        ]);
        expect(err.errors).to.deep.equal([
            { propertyPath: "vertical.memoryPerWorkerMib", reason: "is too small. Fix: use 512. In Python: vertical.memory_per_worker_mib." },
            { propertyPath: "services[0].port", reason: "is not a TCP port. Fix: use 50051." },
        ]);
    });
});
