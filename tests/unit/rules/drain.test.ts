// Draining: one drainSeconds drives the target group's deregistration delay, Kong's preStop and the
// pod's grace period, which must agree; the readiness gate label is the one the controller's webhook
// selects. Upstream data: ../shared/charts kong-3.4.1.tgz, ingress-0.24.0.tgz (kong 3.2.0 inside) and
// aws-load-balancer-controller-3.5.0.tgz.
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as yaml from "js-yaml";
import * as path from "path";
import { INPUT_DEFAULTS } from "../../../provider/src/defaults";
import { LoadBalancerType, type LoadBalancerArgs } from "../../../provider/src/generated/schema-types";
import {
    AUTO_MODE_READINESS_GATE_LABEL, checkDrain, deregistrationDelayAttribute, DRAIN_SECONDS_MAX, drainPlan, KONG_QUIT_TIMEOUT_SECONDS, kongDrainValues, READINESS_GATE_LABEL, readinessGateNamespaceLabels,
} from "../../../provider/src/rules/drain";
import { Problems } from "../../../provider/src/rules/errors";
import { albIngressAnnotations, nlbServiceAnnotations } from "../../../provider/src/rules/loadBalancer";
import { sharedDir } from "../../../scripts/lib/repo-root";
import { CERT } from "../../../scripts/lib/scenarios";

const untar = (args: string[], input?: Uint8Array) => execFileSync("tar", args, input ? { input } : {});
const chartFile = (tgz: string, member: string) => untar(["-xzf", path.join(sharedDir(), "charts", tgz), "-O", member]).toString("utf8");
const NLB: LoadBalancerArgs = { type: LoadBalancerType.Nlb };
const ALB: LoadBalancerArgs = { type: LoadBalancerType.Alb, certificateArn: CERT };

/** The deregistration delay each load balancer's annotations ask for, read back from the `key=value` list. */
function deregistrationDelay(lb: LoadBalancerArgs): number {
    const list = lb.type === "nlb" ? nlbServiceAnnotations(lb, false)["service.beta.kubernetes.io/aws-load-balancer-target-group-attributes"] : albIngressAnnotations(lb)["alb.ingress.kubernetes.io/target-group-attributes"];
    const entry = String(list).split(",").find((kv) => kv.startsWith("deregistration_delay.timeout_seconds="));
    return Number(entry!.split("=")[1]);
}

/** `kong quit --wait=<n> --timeout=<m>` as the values write it. */
function preStop(lb: LoadBalancerArgs): { wait: number; timeout: number; grace: number } {
    const values = kongDrainValues(lb);
    const [kong, quit, ...flags] = values.lifecycle.preStop.exec.command;
    expect([kong, quit]).to.deep.equal(["kong", "quit"]);
    const flag = (name: string) => Number(flags.find((f) => f.startsWith(`--${name}=`))!.split("=")[1]);
    return { wait: flag("wait"), timeout: flag("timeout"), grace: values.terminationGracePeriodSeconds };
}

describe("drain: the load balancer, Kong and the kubelet agree", () => {
    for (const drainSeconds of [undefined, 0, 1, 45, 300, DRAIN_SECONDS_MAX]) {
        for (const base of [NLB, ALB]) {
            it(`${base.type}, drainSeconds ${drainSeconds ?? "default"}: Kong serves as long as the target drains, and quits inside the grace period`, () => {
                const lb = { ...base, drainSeconds };
                const expected = drainSeconds ?? INPUT_DEFAULTS.LoadBalancer.drainSeconds;
                const { wait, timeout, grace } = preStop(lb);
                expect(deregistrationDelay(lb)).to.equal(expected);
                expect(wait).to.equal(deregistrationDelay(lb));
                // The kubelet's SIGKILL comes after the whole hook: the wait plus Kong's graceful-quit timeout.
                expect(grace).to.be.greaterThan(wait + timeout);
                expect(drainPlan(lb)).to.deep.equal({ deregistrationDelaySeconds: expected, quitWaitSeconds: wait, quitTimeoutSeconds: timeout, terminationGracePeriodSeconds: grace });
            });
        }
    }

    it("the default drains longer than the chart's own 15 s wait, and at least the 120 s AWS recommends", () => {
        expect(drainPlan(NLB).quitWaitSeconds).to.be.at.least(120).and.greaterThan(15);
        expect(deregistrationDelayAttribute(NLB)).to.equal("deregistration_delay.timeout_seconds=120");
    });

    it("checks drainSeconds: whole seconds within the deregistration delay range 0-3600", () => {
        const problems = (drainSeconds: number) => {
            const p = new Problems();
            checkDrain(p, "loadBalancer", { ...NLB, drainSeconds });
            return p.list.map((x) => x.field);
        };
        for (const bad of [-1, 3601, 2.5, NaN]) expect(problems(bad), String(bad)).to.deep.equal(["loadBalancer.drainSeconds"]);
        for (const good of [0, 120, 3600]) expect(problems(good)).to.deep.equal([]);
    });
});

describe("drain: against the pinned charts", () => {
    const kongCharts = (): [string, string][] => {
        const gateway = untar(["-xzf", path.join(sharedDir(), "charts", "ingress-0.24.0.tgz"), "-O", "ingress/charts/kong-3.2.0.tgz"]);
        return [
            ["kong 3.4.1", chartFile("kong-3.4.1.tgz", "kong/values.yaml")],
            ["kong 3.2.0", untar(["-xzf", "-", "-O", "kong/values.yaml"], new Uint8Array(gateway)).toString("utf8")],
        ];
    };

    it("Kong's quit timeout is the one the charts document, and the values keep the charts' command shape", () => {
        for (const [name, text] of kongCharts()) {
            // "kong quit has a default timeout of 10 seconds, and a default wait of 0 seconds."
            const documented = /kong quit has a default timeout of (\d+) seconds/.exec(text);
            expect(documented, name).to.not.equal(null);
            expect(Number(documented![1]), name).to.equal(KONG_QUIT_TIMEOUT_SECONDS);
            const values = yaml.load(text) as any;
            const chartCommand: string[] = values.lifecycle.preStop.exec.command;
            expect(kongDrainValues(NLB).lifecycle.preStop.exec.command.slice(0, 3).map((a) => a.replace(/\d+$/, ""))).to.deep.equal(chartCommand.map((a) => a.replace(/\d+$/, "")));
        }
    });

    it("the namespace label is the one the controller's pod webhook selects; Auto Mode has its own", () => {
        const webhook = chartFile("aws-load-balancer-controller-3.5.0.tgz", "aws-load-balancer-controller/templates/webhook.yaml");
        expect(webhook).to.match(new RegExp(`- key: ${READINESS_GATE_LABEL.replace(/[./]/g, "\\$&")}\\s+operator: In\\s+values:\\s+- enabled`));
        expect(readinessGateNamespaceLabels(false)).to.deep.equal({ [READINESS_GATE_LABEL]: "enabled" });
        expect(readinessGateNamespaceLabels(true)).to.deep.equal({ [AUTO_MODE_READINESS_GATE_LABEL]: "enabled" });
        expect(webhook).to.not.include(AUTO_MODE_READINESS_GATE_LABEL);
    });
});
