// CI's check of the main job's output (`npm run demo`: pulumi preview --diff of the demo stack):
// the plan creates the 23 resources of examples/typescript and sizes Kong as the README's scenario 1
// says (NLB + vertical {cpu: 4, replicas: 2}: 2 pods x 4 nginx workers, 4 CPU and 2560Mi each: 4 x 512 +
// 2 x 128 for Kong's mem_cache_size caches + 256 headroom).
//   node dist/scripts/check-demo-plan.js demo-output.txt
import * as fs from "fs";

export const EXPECTED_RESOURCES = 23;

/** What is wrong with the demo's output, or [] when the plan is the expected one. */
export function demoPlanProblems(output: string): string[] {
    const problems: string[] = [];
    const expect = (what: string, pattern: RegExp) => {
        if (!pattern.test(output)) problems.push(`${what} (looked for ${pattern})`);
    };
    expect(`the preview summary "+ ${EXPECTED_RESOURCES} to create"`, new RegExp(`^\\s*\\+ ${EXPECTED_RESOURCES} to create\\s*$`, "m"));
    expect('the Kong release with nginx_worker_processes "4"', /nginx_worker_processes\s*:\s*"4"/);
    expect("2 gateway replicas", /replicaCount\s*:\s*2\b/);
    expect('4 CPU per gateway pod', /cpu\s*:\s*"4"/);
    expect('2560Mi per gateway pod', /memory\s*:\s*"2560Mi"/);
    expect('the Kong release with mem_cache_size "128m"', /mem_cache_size\s*:\s*"128m"/);
    if (/^\s*error:/m.test(output)) problems.push("an error in the output");
    return problems;
}

if (require.main === module) {
    const file = process.argv[2];
    if (!file) {
        console.error("usage: check-demo-plan <demo output file>");
        process.exit(2);
    }
    const problems = demoPlanProblems(fs.readFileSync(file, "utf8"));
    if (problems.length > 0) {
        console.error(`the demo's plan is not the expected one:\n  - ${problems.join("\n  - ")}`);
        process.exit(1);
    }
    console.log(`demo plan checked: ${EXPECTED_RESOURCES} resources to create; Kong 2 pods x 4 workers, 4 CPU, 2560Mi`);
}
