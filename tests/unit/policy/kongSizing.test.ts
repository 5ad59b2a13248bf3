import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { MEMORY_PER_WORKER_MIB_MIN } from "../../../provider/src/defaults";
import { kongGatewayValues } from "../../../policy/src/rules/kongRelease";
import { kongSizingViolations } from "../../../policy/src/rules/kongSizing";
import { repoRoot } from "../../../scripts/lib/repo-root";

const golden = (file: string) => JSON.parse(fs.readFileSync(path.join(repoRoot(), "tests", "golden", file), "utf8"));
const config = { memoryPerWorkerMib: MEMORY_PER_WORKER_MIB_MIN };
const gateway = (env: Record<string, unknown>, requests: Record<string, unknown>, limits: Record<string, unknown>) =>
    kongGatewayValues({ env, resources: { requests, limits } });

describe("policy kongSizing", () => {
    it("what meshedge emits passes (the golden values of both README scenarios)", () => {
        for (const file of ["nlb-vertical-istio.values.json", "alb-horizontal-kuma.values.json"]) {
            expect(kongSizingViolations(kongGatewayValues(golden(file)), config), file).to.deep.equal([]);
        }
    });
    it("workers must equal CPUs", () => {
        const found = kongSizingViolations(gateway({ nginx_worker_processes: "4" }, { cpu: "2", memory: "3Gi" }, { cpu: "2", memory: "3Gi" }), config);
        expect(found).to.have.length(1);
        expect(found[0]).to.match(/nginx_worker_processes is 4 but resources.limits.cpu is "2"/);
        expect(kongSizingViolations(gateway({ nginx_worker_processes: "auto" }, { cpu: "2", memory: "3Gi" }, { cpu: "2", memory: "3Gi" }), config)[0]).to.match(/"auto"/);
    });
    it("requests must equal limits", () => {
        const found = kongSizingViolations(gateway({ nginx_worker_processes: "2" }, { cpu: "1", memory: "3Gi" }, { cpu: "2", memory: "3Gi" }), config);
        expect(found).to.deep.equal([`resources.requests.cpu ("1") must equal resources.limits.cpu ("2"): Guaranteed QoS keeps Kong's workers from being throttled or evicted first`]);
    });
    it("memory covers workers, two caches and the headroom (podMemoryMiB)", () => {
        // 2 x 500 + 2 x 128 + 256 = 1512
        const at = (memory: string, env: Record<string, unknown> = {}) => kongSizingViolations(gateway({ nginx_worker_processes: "2", ...env }, { cpu: "2", memory }, { cpu: "2", memory }), config);
        expect(at("1512Mi")).to.deep.equal([]);
        expect(at("1511Mi")[0]).to.match(/needs at least 1512Mi/);
        // A bigger mem_cache_size raises the floor: 2 x 500 + 2 x 512 + 256 = 2280.
        expect(at("1512Mi", { mem_cache_size: "512m" })[0]).to.match(/needs at least 2280Mi/);
        expect(kongSizingViolations(gateway({ nginx_worker_processes: "2" }, { cpu: "2", memory: "1512Mi" }, { cpu: "2", memory: "1512Mi" }), { memoryPerWorkerMib: 1024 })[0]).to.match(/needs at least 2560Mi/);
    });
});
