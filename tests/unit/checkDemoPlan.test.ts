// CI's check of the main job: it passes the demo's real plan shape and fails on a wrong count or sizing.
import { expect } from "chai";
import { demoPlanProblems } from "../../scripts/check-demo-plan";

const plan = (count: number, workers: string) => `
                    gateway   : {
                        env                : {
                            mem_cache_size               : "128m"
                            nginx_http_keepalive_requests: "10000"
                            nginx_http_keepalive_time    : "3600s"
                            nginx_worker_processes       : "${workers}"
                        }
                        replicaCount       : 2
                        resources          : {
                            limits  : {
                                cpu   : "${workers}"
                                memory: "2560Mi"
                            }
                        }
                    }
Resources:
    + ${count} to create
`;

describe("check-demo-plan", () => {
    it("accepts 23 resources and Kong at 2 x 4 workers, 4 CPU, 2560Mi", () => {
        expect(demoPlanProblems(plan(23, "4"))).to.deep.equal([]);
    });

    it("names what is missing: another count, another worker count, an error line", () => {
        expect(demoPlanProblems(plan(22, "4")).join()).to.include("+ 23 to create");
        expect(demoPlanProblems(plan(23, "2")).join()).to.include('nginx_worker_processes "4"');
        expect(demoPlanProblems(plan(23, "4").replace(/^.*mem_cache_size.*\n/m, ""))).to.deep.equal([`the Kong release with mem_cache_size "128m" (looked for /mem_cache_size\\s*:\\s*"128m"/)`]);
        expect(demoPlanProblems(`error: no stack named 'dev' found\n${plan(23, "4")}`)).to.deep.equal(["an error in the output"]);
    });
});
