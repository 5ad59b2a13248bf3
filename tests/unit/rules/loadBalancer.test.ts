// Load balancer wiring: what each input changes in the NLB Service and ALB Ingress annotations, which
// inputs and annotations are rejected, and the ports, paths and class that must match the pinned
// charts (../shared/charts kong-3.4.1.tgz, aws-load-balancer-controller-3.5.0.tgz).
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as yaml from "js-yaml";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ALB_HEALTH_CHECK_DEFAULTS, INPUT_DEFAULTS, KONG_PORTS, LBC_ALB_INGRESS_CLASS } from "../../../provider/src/defaults";
import { BackendProtocolVersion, ClientIpMode, LoadBalancerScheme, LoadBalancerType, type LoadBalancerArgs } from "../../../provider/src/generated/schema-types";
import { Problems } from "../../../provider/src/rules/errors";
import {
    albIngressAnnotations, albIngressClassName, AUTO_MODE_UNSUPPORTED_ANNOTATIONS, checkLoadBalancer, nlbLoadBalancerClass, nlbServiceAnnotations, nlbTerminatesTls,
    loadBalancerOwner,
} from "../../../provider/src/rules/loadBalancer";
import { sharedDir } from "../../../scripts/lib/repo-root";
import { CERT } from "../../../scripts/lib/scenarios";

const SVC = "service.beta.kubernetes.io/";
const ALB = "alb.ingress.kubernetes.io/";
const NLB: LoadBalancerArgs = { type: LoadBalancerType.Nlb };
const ALB_LB: LoadBalancerArgs = { type: LoadBalancerType.Alb, certificateArn: CERT };
const chartValues = (tgz: string, file: string) => yaml.load(execFileSync("tar", ["-xzf", path.join(sharedDir(), "charts", tgz), "-O", file], { encoding: "utf8" })) as any;
/** A `key=value,key=value` annotation read back as the controller's stringMap parser does (split on commas, then on the first `=`). */
const attributes = (value: unknown): Record<string, string> => {
    expect(value).to.be.a("string").and.match(/^[\w.]+=[^,=]*(,[\w.]+=[^,=]*)*$/);
    return Object.fromEntries((value as string).split(",").map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
};
const check = (lb: LoadBalancerArgs | undefined, autoMode = false) => {
    const problems = new Problems();
    checkLoadBalancer(problems, "loadBalancer", lb, autoMode);
    return problems.list.map((p) => [p.field, p.problem]);
};

describe("loadBalancer: NLB Service annotations", () => {
    const base = nlbServiceAnnotations(NLB, false);
    it("scheme, cross-zone and TLS policy follow the inputs; the scheme is written even at its default", () => {
        expect(base[`${SVC}aws-load-balancer-scheme`]).to.equal(INPUT_DEFAULTS.LoadBalancer.scheme);
        const custom = nlbServiceAnnotations({ ...NLB, scheme: LoadBalancerScheme.Internal, crossZone: false, certificateArn: CERT, sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06" }, false);
        expect(custom).to.include({
            [`${SVC}aws-load-balancer-scheme`]: "internal",
            [`${SVC}aws-load-balancer-attributes`]: "load_balancing.cross_zone.enabled=false",
            [`${SVC}aws-load-balancer-ssl-negotiation-policy`]: "ELBSecurityPolicy-TLS13-1-3-2021-06",
        });
    });

    it("a certificate adds TLS on 443 with ALPN HTTP2Preferred (gRPC clients need h2), and Kong then gets cleartext", () => {
        const tls = nlbServiceAnnotations({ ...NLB, certificateArn: CERT }, false);
        expect(Object.fromEntries(Object.entries(tls).filter(([k]) => !(k in base)))).to.deep.equal({
            [`${SVC}aws-load-balancer-ssl-cert`]: CERT,
            [`${SVC}aws-load-balancer-ssl-ports`]: "443",
            [`${SVC}aws-load-balancer-ssl-negotiation-policy`]: INPUT_DEFAULTS.LoadBalancer.sslPolicy,
            [`${SVC}aws-load-balancer-alpn-policy`]: "HTTP2Preferred",
        });
        expect(nlbTerminatesTls({ ...NLB, certificateArn: CERT })).to.equal(true);
        expect(nlbTerminatesTls(NLB)).to.equal(false);
        expect(nlbTerminatesTls(ALB_LB)).to.equal(false); // the ALB re-encrypts to Kong's TLS port
    });

    it("Auto Mode: the built-in NLB class instead of the type annotation, proxy protocol as a target group attribute, no listener attributes", () => {
        const {
            [`${SVC}aws-load-balancer-type`]: type,
            [`${SVC}aws-load-balancer-proxy-protocol`]: proxyProtocol,
            [`${SVC}aws-load-balancer-listener-attributes.TCP-80`]: tcp80,
            [`${SVC}aws-load-balancer-listener-attributes.TCP-443`]: tcp443,
            ...rest
        } = base;
        expect([type, proxyProtocol, tcp80, tcp443]).to.deep.equal(["external", "*", "tcp.idle_timeout.seconds=3600", "tcp.idle_timeout.seconds=3600"]);
        expect(nlbServiceAnnotations(NLB, true)).to.deep.equal({
            ...rest,
            [`${SVC}aws-load-balancer-target-group-attributes`]: "deregistration_delay.timeout_seconds=120,proxy_protocol_v2.enabled=true,preserve_client_ip.enabled=false",
        });
        for (const key of Object.keys(nlbServiceAnnotations(NLB, true))) expect(AUTO_MODE_UNSUPPORTED_ANNOTATIONS).to.not.include(key);
        expect([nlbLoadBalancerClass(true), nlbLoadBalancerClass(false)]).to.deep.equal(["eks.amazonaws.com/nlb", undefined]);
    });

    it("attribute annotations are the controller's `key=value,key=value` stringMap, one entry per attribute", () => {
        const nlb = nlbServiceAnnotations({ ...NLB, clientIpMode: ClientIpMode.PreserveClientIp, drainSeconds: 30, idleTimeoutSeconds: 600 }, false);
        expect(attributes(nlb[`${SVC}aws-load-balancer-target-group-attributes`])).to.deep.equal({ "deregistration_delay.timeout_seconds": "30", "preserve_client_ip.enabled": "true" });
        expect(attributes(nlb[`${SVC}aws-load-balancer-attributes`])).to.deep.equal({ "load_balancing.cross_zone.enabled": "true" });
        expect(attributes(nlb[`${SVC}aws-load-balancer-listener-attributes.TCP-80`])).to.deep.equal({ "tcp.idle_timeout.seconds": "600" });
        const alb = albIngressAnnotations({ ...ALB_LB, drainSeconds: 0, idleTimeoutSeconds: 4000 });
        expect(attributes(alb[`${ALB}target-group-attributes`])).to.deep.equal({ "deregistration_delay.timeout_seconds": "0" });
        expect(attributes(alb[`${ALB}load-balancer-attributes`])).to.deep.equal({ "idle_timeout.timeout_seconds": "4000" });
    });

    it("client IP modes: proxy protocol by annotation, or client IP preservation on or off in the target group", () => {
        const tg = (lb: LoadBalancerArgs) => attributes(nlbServiceAnnotations(lb, false)[`${SVC}aws-load-balancer-target-group-attributes`]);
        expect(base).to.include({ [`${SVC}aws-load-balancer-proxy-protocol`]: "*" });
        expect(tg(NLB)).to.include({ "preserve_client_ip.enabled": "false" }).and.not.have.property("proxy_protocol_v2.enabled");
        for (const [clientIpMode, preserve] of [[ClientIpMode.PreserveClientIp, "true"], [ClientIpMode.None, "false"]] as const) {
            const a = nlbServiceAnnotations({ ...NLB, clientIpMode }, false);
            expect(a).to.not.have.property(`${SVC}aws-load-balancer-proxy-protocol`);
            expect(tg({ ...NLB, clientIpMode })).to.include({ "preserve_client_ip.enabled": preserve });
            // Without the header the NLB can probe the plain status port, as the kubelet does.
            expect(a).to.include({ [`${SVC}aws-load-balancer-healthcheck-protocol`]: "http", [`${SVC}aws-load-balancer-healthcheck-port`]: "8100" });
        }
    });

    it("a TLS listener's idle timeout is fixed by AWS: with a certificate only the TCP listener on 80 gets one", () => {
        const tls = nlbServiceAnnotations({ ...NLB, certificateArn: CERT }, false);
        expect(Object.keys(tls).filter((k) => k.includes("listener-attributes"))).to.deep.equal([`${SVC}aws-load-balancer-listener-attributes.TCP-80`]);
    });
});

describe("loadBalancer: ALB Ingress annotations", () => {
    it("GRPC (default): a gRPC health call on the traffic port; HTTP2: Kong's status endpoint on its status port", () => {
        const grpc = albIngressAnnotations(ALB_LB);
        expect(grpc).to.include({ [`${ALB}backend-protocol-version`]: "GRPC", [`${ALB}healthcheck-protocol`]: "HTTPS", [`${ALB}healthcheck-path`]: ALB_HEALTH_CHECK_DEFAULTS.GRPC.path, [`${ALB}success-codes`]: "0,5,12" });
        expect(grpc).to.not.have.property(`${ALB}healthcheck-port`);
        const http2 = albIngressAnnotations({ ...ALB_LB, backendProtocolVersion: BackendProtocolVersion.Http2 });
        expect(http2).to.include({ [`${ALB}healthcheck-protocol`]: "HTTP", [`${ALB}healthcheck-port`]: "8100", [`${ALB}healthcheck-path`]: "/status/ready", [`${ALB}success-codes`]: "200" });
    });

    it("an HTTPS listener on 443 only, the given health check, and no certificate annotation without a certificate", () => {
        const a = albIngressAnnotations({ ...ALB_LB, healthCheckPath: "/pkg.Svc/Health", healthCheckSuccessCodes: "0" });
        expect(JSON.parse(a[`${ALB}listen-ports`] as string)).to.deep.equal([{ HTTPS: 443 }]);
        expect(a).to.include({ [`${ALB}healthcheck-path`]: "/pkg.Svc/Health", [`${ALB}success-codes`]: "0", [`${ALB}certificate-arn`]: CERT });
        expect(albIngressAnnotations({ type: LoadBalancerType.Alb })).to.not.have.property(`${ALB}certificate-arn`);
    });

    it("IngressClass: the user's, else the controller's `alb`, else under Auto Mode the stack's own", () => {
        expect(albIngressClassName(ALB_LB, false, "edge-alb")).to.equal(LBC_ALB_INGRESS_CLASS);
        expect(albIngressClassName(ALB_LB, true, "edge-alb")).to.equal("edge-alb");
        expect(albIngressClassName({ ...ALB_LB, ingressClassName: "mine" }, true, "edge-alb")).to.equal("mine");
    });
});

describe("loadBalancer: checks", () => {
    it("requires a load balancer, and stops at an unknown type, listing the types", () => {
        expect(check(undefined)).to.deep.equal([["loadBalancer", "is required"]]);
        const problems = new Problems();
        checkLoadBalancer(problems, "loadBalancer", { type: "elb" as LoadBalancerType, scheme: "public" as LoadBalancerScheme }, false);
        expect(problems.list.map((p) => [p.field, p.fix])).to.deep.equal([["loadBalancer.type", `use ${Object.values(LoadBalancerType).map((t) => `"${t}"`).join(", ")}`]]);
    });

    it("an ALB needs an ACM certificate; a certificate must be an ARN unless only known at deployment", () => {
        expect(check({ type: LoadBalancerType.Alb })).to.deep.equal([["loadBalancer.certificateArn", "an ALB forwards gRPC only from an HTTPS listener, which needs an ACM certificate"]]);
        expect(check({ type: LoadBalancerType.Alb, certificateArn: "" })).to.have.length(1);
        expect(check({ ...NLB, certificateArn: "acm/123" })).to.deep.equal([["loadBalancer.certificateArn", "is not an ARN"]]);
        expect(check({ type: LoadBalancerType.Alb, certificateArn: pulumi.output(CERT) })).to.deep.equal([]);
    });

    it("an NLB rejects each ALB-only field at its path; unknown scheme and protocol version are named", () => {
        const nlbWithAlbFields = { ...NLB, ingressClassName: "alb", backendProtocolVersion: BackendProtocolVersion.Http2, healthCheckPath: "/x", healthCheckSuccessCodes: "200" };
        expect(check(nlbWithAlbFields).map((p) => p[0])).to.deep.equal(["ingressClassName", "backendProtocolVersion", "healthCheckPath", "healthCheckSuccessCodes"].map((k) => `loadBalancer.${k}`));
        expect(check({ ...ALB_LB, scheme: "public" as LoadBalancerScheme })).to.deep.equal([["loadBalancer.scheme", "unknown scheme"]]);
        expect(check({ ...NLB, backendProtocolVersion: "grpc" as BackendProtocolVersion }).map((p) => p[1])).to.deep.equal(["applies to an ALB only", "unknown protocol version"]);
    });

    // An unknown version must stop the check before the annotation-override check, which needs its health-check defaults.
    it("an ALB with an unknown backendProtocolVersion gets a problem, not an exception", () => {
        expect(check({ ...ALB_LB, backendProtocolVersion: "grpc" as BackendProtocolVersion })).to.deep.equal([["loadBalancer.backendProtocolVersion", "unknown protocol version"]]);
    });

    it("rejects an annotation for every key the rules set, and accepts others", () => {
        for (const [lb, autoMode, keys] of [
            [{ ...NLB, certificateArn: CERT }, false, Object.keys(nlbServiceAnnotations({ ...NLB, certificateArn: CERT }, false))],
            [NLB, true, Object.keys(nlbServiceAnnotations(NLB, true))],
            [ALB_LB, false, Object.keys(albIngressAnnotations(ALB_LB))],
        ] as const) {
            const annotations = Object.fromEntries([...keys, "example.com/team"].map((k) => [k, "x"]));
            expect(check({ ...lb, annotations }, autoMode)).to.deep.equal(keys.map((k) => [`loadBalancer.annotations["${k}"]`, "is set by meshedge's load balancer rules"]));
        }
    });

    it("rejects an annotation key the API server would refuse (not a qualified name)", () => {
        expect(check({ ...NLB, annotations: { "my key": "x", "example.com/team": "edge" } }, false).map((p) => p[0])).to.deep.equal(['loadBalancer.annotations["my key"]']);
    });

    it("rejects an NLB TLS annotation without certificateArn: TLS at the NLB also needs Kong's cleartext target port", () => {
        const annotations = { [`${SVC}aws-load-balancer-ssl-cert`]: CERT, [`${SVC}aws-load-balancer-alpn-policy`]: "HTTP2Preferred" };
        expect(check({ ...NLB, annotations }, false).map((p) => p[0])).to.deep.equal(Object.keys(annotations).map((k) => `loadBalancer.annotations["${k}"]`));
    });

    it("under Auto Mode rejects each annotation it does not support; outside Auto Mode they are the controller's to read", () => {
        const annotations = Object.fromEntries(AUTO_MODE_UNSUPPORTED_ANNOTATIONS.map((k) => [k, "x"]));
        for (const lb of [NLB, ALB_LB]) {
            expect(check({ ...lb, annotations }, true), lb.type).to.deep.equal(AUTO_MODE_UNSUPPORTED_ANNOTATIONS.map((k) => [`loadBalancer.annotations["${k}"]`, "is not supported by EKS Auto Mode's load balancing"]));
        }
        // Outside Auto Mode only the type and proxy protocol annotations are refused: the rules set them themselves.
        expect(check({ ...NLB, annotations }, false).map((p) => p[0])).to.deep.equal([`loadBalancer.annotations["${SVC}aws-load-balancer-type"]`, `loadBalancer.annotations["${SVC}aws-load-balancer-proxy-protocol"]`]);
    });

    it("under Auto Mode rejects ALB OIDC authentication (auth-type oidc), in any case; cognito and other modes pass", () => {
        for (const value of ["oidc", " OIDC "]) {
            const problems = new Problems();
            checkLoadBalancer(problems, "loadBalancer", { ...ALB_LB, annotations: { [`${ALB}auth-type`]: value } }, true);
            expect(problems.list.map((p) => [p.field, p.problem])).to.deep.equal([[`loadBalancer.annotations["${ALB}auth-type"]`, `"oidc" is not supported by EKS Auto Mode's load balancing`]]);
            expect(problems.list[0].fix).to.match(/Kong.*eksAutoMode: false/);
        }
        expect(check({ ...ALB_LB, annotations: { [`${ALB}auth-type`]: "cognito" } }, true)).to.deep.equal([]);
        expect(check({ ...ALB_LB, annotations: { [`${ALB}auth-type`]: "oidc" } }, false)).to.deep.equal([]);
    });

    it("proxy protocol and listener attribute annotations are the rules' in every client IP mode, outside Auto Mode", () => {
        const keys = [`${SVC}aws-load-balancer-proxy-protocol`, ...["TCP-80", "TCP-443", "TLS-443"].map((l) => `${SVC}aws-load-balancer-listener-attributes.${l}`)];
        const annotations = Object.fromEntries(keys.map((k) => [k, "x"]));
        for (const clientIpMode of Object.values(ClientIpMode)) {
            expect(check({ ...NLB, clientIpMode, annotations }).map((p) => p[0]), clientIpMode).to.deep.equal(keys.map((k) => `loadBalancer.annotations["${k}"]`));
        }
    });

    it("checks client IP mode, trusted ranges, drain and idle timeout at their paths", () => {
        expect(check({ ...ALB_LB, clientIpMode: ClientIpMode.ProxyProtocol })).to.deep.equal([["loadBalancer.clientIpMode", "applies to an NLB only (an ALB always passes the client in X-Forwarded-For)"]]);
        expect(check({ ...NLB, clientIpMode: "proxy" as ClientIpMode })).to.deep.equal([["loadBalancer.clientIpMode", "unknown client IP mode"]]);
        expect(check({ ...NLB, vpcCidrs: ["10.0.0.0/16", "2600:1f18::/56", "10.0.0.0", "10.0.0.0/33", "vpc-123"] }).map((p) => p[0])).to.deep.equal(["loadBalancer.vpcCidrs[2]", "loadBalancer.vpcCidrs[3]", "loadBalancer.vpcCidrs[4]"]);
        expect(check({ ...NLB, vpcCidrs: [] }).map((p) => p[0])).to.deep.equal(["loadBalancer.vpcCidrs"]);
        for (const drainSeconds of [-1, 3601, 1.5]) expect(check({ ...NLB, drainSeconds }).map((p) => p[0])).to.deep.equal(["loadBalancer.drainSeconds"]);
        for (const drainSeconds of [0, 3600]) expect(check({ ...ALB_LB, drainSeconds })).to.deep.equal([]);
        // ALB 1-4000, NLB TCP listeners 60-6000.
        expect(check({ ...ALB_LB, idleTimeoutSeconds: 4001 }).map((p) => p[0])).to.deep.equal(["loadBalancer.idleTimeoutSeconds"]);
        expect(check({ ...NLB, idleTimeoutSeconds: 30 }).map((p) => p[0])).to.deep.equal(["loadBalancer.idleTimeoutSeconds"]);
        expect(check({ ...NLB, idleTimeoutSeconds: 6000 })).to.deep.equal([]);
        expect(check({ ...ALB_LB, idleTimeoutSeconds: 1 })).to.deep.equal([]);
        // Auto Mode cannot set an NLB's listener attributes: the default is not written, an explicit value is refused.
        expect(check({ ...NLB, idleTimeoutSeconds: 600 }, true).map((p) => p[1])).to.deep.equal(["EKS Auto Mode cannot set listener attributes, where an NLB keeps its idle timeout (its TCP listeners stay at 350 s)"]);
        expect(check(NLB, true)).to.deep.equal([]);
    });
});

describe("loadBalancer: against the pinned charts", () => {
    it("NLB and HTTP2 health checks probe what Kong's chart uses as its readiness probe, on its status port (TLS status port with proxy protocol)", () => {
        const kong = chartValues("kong-3.4.1.tgz", "kong/values.yaml");
        expect(kong.readinessProbe.httpGet).to.include({ path: "/status/ready", port: "status" });
        expect(kong.status.http).to.include({ enabled: true, containerPort: KONG_PORTS.status });
        expect(kong.status.tls).to.include({ containerPort: KONG_PORTS.statusTls });
        expect(nlbServiceAnnotations({ ...NLB, clientIpMode: ClientIpMode.None }, false)).to.include({ [`${SVC}aws-load-balancer-healthcheck-path`]: kong.readinessProbe.httpGet.path, [`${SVC}aws-load-balancer-healthcheck-port`]: String(kong.status.http.containerPort) });
        // The NLB sends the proxy protocol header on health checks too: the TLS status listener takes it, the plain one (the kubelet's) does not.
        expect(nlbServiceAnnotations(NLB, false)).to.include({ [`${SVC}aws-load-balancer-healthcheck-protocol`]: "https", [`${SVC}aws-load-balancer-healthcheck-path`]: kong.readinessProbe.httpGet.path, [`${SVC}aws-load-balancer-healthcheck-port`]: String(kong.status.tls.containerPort) });
        expect(ALB_HEALTH_CHECK_DEFAULTS.HTTP2.path).to.equal(kong.readinessProbe.httpGet.path);
        expect(nlbServiceAnnotations({ ...NLB, certificateArn: CERT }, false)[`${SVC}aws-load-balancer-ssl-ports`]).to.equal(String(kong.proxy.tls.servicePort));
    });

    it("the controller's chart: `alb` is its IngressClass, and its default target type is instance, so `ip` is always written", () => {
        const lbc = chartValues("aws-load-balancer-controller-3.5.0.tgz", "aws-load-balancer-controller/values.yaml");
        expect(lbc).to.include({ ingressClass: LBC_ALB_INGRESS_CLASS, createIngressClassResource: true, defaultTargetType: "instance" });
        expect(nlbServiceAnnotations(NLB, false)[`${SVC}aws-load-balancer-nlb-target-type`]).to.equal("ip");
        expect(albIngressAnnotations(ALB_LB)[`${ALB}target-type`]).to.equal("ip");
    });
});

describe("loadBalancer: what owns the load balancer (protectLoadBalancer)", () => {
    it("an NLB is owned by the Kong release, whose chart renders the proxy Service as a LoadBalancer by default; an ALB by the Ingress", () => {
        expect(loadBalancerOwner("nlb")).to.equal("kongRelease");
        expect(loadBalancerOwner("alb")).to.equal("albIngress");
        // kong chart 3.4.1 values.yaml: proxy.type LoadBalancer, the Service the controller makes the NLB for.
        expect(chartValues("kong-3.4.1.tgz", "kong/values.yaml").proxy.type).to.equal("LoadBalancer");
    });
});
