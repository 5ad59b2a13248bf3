// CI's check of the main job: it passes the demo's real plan shape and fails on a wrong count or sizing.
import { expect } from "chai";
import { demoPlanProblems } from "../../scripts/check-demo-plan";

const plan = (count: number, workers: string) => `
                    gateway   : {
                        env                : {
                            nginx_worker_processes: "${workers}"
                        }
                        replicaCount       : 2
                        resources          : {
                            limits  : {
                                cpu   : "${workers}"
                                memory: "2048Mi"
                            }
                        }
                    }
Resources:
    + ${count} to create
`;

describe("check-demo-plan", () => {
    it("accepts 22 resources and Kong at 2 x 4 workers, 4 CPU, 2048Mi", () => {
        expect(demoPlanProblems(plan(22, "4"))).to.deep.equal([]);
    });

    it("names what is missing: another count, another worker count, an error line", () => {
        expect(demoPlanProblems(plan(21, "4")).join()).to.include("+ 22 to create");
        expect(demoPlanProblems(plan(22, "2")).join()).to.include('nginx_worker_processes "4"');
        expect(demoPlanProblems(`error: no stack named 'dev' found\n${plan(22, "4")}`)).to.deep.equal(["an error in the output"]);
    });
});
