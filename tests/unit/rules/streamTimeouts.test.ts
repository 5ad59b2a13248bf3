// Long-lived gRPC streams: Kong Service timeouts from the typed seconds, the load balancers' idle
// timeouts, and their order (Kong's timeouts at least the load balancer's idle timeout by default).
import { expect } from "chai";
import { INPUT_DEFAULTS } from "../../../provider/src/defaults";
import { LoadBalancerType, type GrpcServiceSpecArgs, type LoadBalancerArgs } from "../../../provider/src/generated/schema-types";
import { Problems } from "../../../provider/src/rules/errors";
import {
    albLoadBalancerAttributes, checkIdleTimeout, checkServiceTimeouts, IDLE_TIMEOUT_RANGE, KONG_KEEPALIVE_MARGIN_SECONDS, KONG_TIMEOUT_SECONDS_MAX, kongKeepaliveEnv, kongServiceTimeoutAnnotations, nlbListenerAttributeAnnotations,
} from "../../../provider/src/rules/streamTimeouts";
import { CERT } from "../../../scripts/lib/scenarios";

const SPEC: GrpcServiceSpecArgs = { name: "greeter", namespace: "apps", paths: ["/helloworld.Greeter/"] };
const NLB: LoadBalancerArgs = { type: LoadBalancerType.Nlb };
const ALB: LoadBalancerArgs = { type: LoadBalancerType.Alb, certificateArn: CERT };
const LISTENER = "service.beta.kubernetes.io/aws-load-balancer-listener-attributes";

describe("streamTimeouts: Kong Service timeouts", () => {
    it("writes the KIC annotations in whole milliseconds, as KIC parses them (strconv.Atoi)", () => {
        const a = kongServiceTimeoutAnnotations({ ...SPEC, connectTimeoutSeconds: 5, readTimeoutSeconds: 86400, writeTimeoutSeconds: 7 });
        expect(a).to.deep.equal({ "konghq.com/connect-timeout": "5000", "konghq.com/read-timeout": "86400000", "konghq.com/write-timeout": "7000" });
        for (const v of Object.values(a)) expect(v).to.match(/^[1-9]\d*$/);
    });

    it("defaults: connect Kong's 60 s, read and write no shorter than the load balancer's default idle timeout", () => {
        const a = kongServiceTimeoutAnnotations(SPEC);
        expect(a["konghq.com/connect-timeout"]).to.equal("60000");
        for (const key of ["konghq.com/read-timeout", "konghq.com/write-timeout"]) {
            expect(Number(a[key]) / 1000).to.be.at.least(INPUT_DEFAULTS.LoadBalancer.idleTimeoutSeconds);
        }
        // Longer than KIC's 60000 ms, which ends idle server streams after a minute.
        expect(Number(a["konghq.com/read-timeout"])).to.be.greaterThan(60000);
    });

    it("checks whole seconds from 1 up to Kong's largest timeout (2^31-2 ms), at the field's path", () => {
        const fields = (spec: GrpcServiceSpecArgs) => {
            const p = new Problems().at("services[0]");
            checkServiceTimeouts(p, spec);
            return p.list.map((x) => x.field);
        };
        expect(KONG_TIMEOUT_SECONDS_MAX * 1000).to.be.at.most(2 ** 31 - 2);
        expect((KONG_TIMEOUT_SECONDS_MAX + 1) * 1000).to.be.greaterThan(2 ** 31 - 2);
        expect(fields({ ...SPEC, connectTimeoutSeconds: 0, readTimeoutSeconds: KONG_TIMEOUT_SECONDS_MAX + 1, writeTimeoutSeconds: 1.5 })).to.deep.equal(
            ["connectTimeoutSeconds", "readTimeoutSeconds", "writeTimeoutSeconds"].map((k) => `services[0].${k}`),
        );
        expect(fields({ ...SPEC, connectTimeoutSeconds: 1, readTimeoutSeconds: KONG_TIMEOUT_SECONDS_MAX })).to.deep.equal([]);
    });
});

describe("streamTimeouts: load balancer idle timeouts", () => {
    it("ALB: the load balancer attribute, and Kong's client keepalive outlasting it", () => {
        expect(albLoadBalancerAttributes({ ...ALB, idleTimeoutSeconds: 900 })).to.deep.equal(["idle_timeout.timeout_seconds=900"]);
        expect(kongKeepaliveEnv({ ...ALB, idleTimeoutSeconds: 900 })).to.deep.equal({ nginx_http_keepalive_timeout: `${900 + KONG_KEEPALIVE_MARGIN_SECONDS}s` });
        // Behind an NLB the client's connection is Kong's own: nginx may close it gracefully (GOAWAY) first.
        expect(kongKeepaliveEnv(NLB)).to.deep.equal({});
    });

    it("NLB: every TCP listener (80, and 443 without a certificate); not a TLS listener, nothing under Auto Mode", () => {
        expect(nlbListenerAttributeAnnotations({ ...NLB, idleTimeoutSeconds: 1200 }, false)).to.deep.equal({ [`${LISTENER}.TCP-80`]: "tcp.idle_timeout.seconds=1200", [`${LISTENER}.TCP-443`]: "tcp.idle_timeout.seconds=1200" });
        expect(Object.keys(nlbListenerAttributeAnnotations({ ...NLB, certificateArn: CERT }, false))).to.deep.equal([`${LISTENER}.TCP-80`]);
        expect(nlbListenerAttributeAnnotations(NLB, true)).to.deep.equal({});
    });

    it("the default idle timeout fits both load balancers' ranges", () => {
        for (const range of Object.values(IDLE_TIMEOUT_RANGE)) expect(INPUT_DEFAULTS.LoadBalancer.idleTimeoutSeconds).to.be.within(range.min, range.max);
    });

    it("checks the range of the load balancer in use, and an explicit NLB idle timeout under Auto Mode", () => {
        const problems = (lb: LoadBalancerArgs, autoMode = false) => {
            const p = new Problems();
            checkIdleTimeout(p, "loadBalancer", lb, autoMode);
            return p.list.map((x) => x.problem);
        };
        expect(problems({ ...ALB, idleTimeoutSeconds: 59 })).to.deep.equal([]);
        expect(problems({ ...NLB, idleTimeoutSeconds: 59 })).to.have.length(1);
        expect(problems({ ...ALB, idleTimeoutSeconds: 4001 })).to.have.length(1);
        expect(problems({ ...NLB, idleTimeoutSeconds: 6001 })).to.have.length(1);
        expect(problems({ ...ALB, idleTimeoutSeconds: 4000 }, true)).to.deep.equal([]);
        expect(problems({ ...NLB, idleTimeoutSeconds: 600 }, true)).to.have.length(1);
        expect(problems(NLB, true)).to.deep.equal([]);
    });
});
