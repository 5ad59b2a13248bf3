// The tier-5 expectations (tests/support/lbcExpectations.ts) read annotations as the AWS Load Balancer
// Controller does; these cases pin that reading on the annotations meshedge's rules write (proxy
// protocol, target group, load balancer and listener attributes), which the cluster test then checks
// against moto.
import { expect } from "chai";
import { albIngressAnnotations, nlbServiceAnnotations } from "../../provider/src/rules/loadBalancer";
import { albExpectations, attributeExpectations, nlbExpectations, parseStringMap, sslPortMatches } from "../support/lbcExpectations";

const CERT = "arn:aws:acm:us-west-2:123456789012:certificate/abc";
const SVC = "service.beta.kubernetes.io/";

function service(annotations: Record<string, unknown>) {
    return {
        kind: "Service",
        metadata: { name: "edge-kong-proxy", annotations },
        spec: { ports: [{ name: "kong-proxy", port: 80, protocol: "TCP" }, { name: "kong-proxy-tls", port: 443, protocol: "TCP" }] },
    };
}

describe("tier-5 expectations: annotations as the AWS Load Balancer Controller reads them", () => {
    it("parses key=value lists and refuses anything else", () => {
        expect(parseStringMap(" a=1, b.c=true ,")).to.deep.equal({ a: "1", "b.c": "true" });
        expect(parseStringMap(undefined)).to.deep.equal({});
        expect(() => parseStringMap("a")).to.throw(/not a key=value pair/);
    });

    it("NLB without a certificate: TCP listeners on every Service port, ip targets, Kong's status check (TLS with proxy protocol)", () => {
        const e = nlbExpectations(service(nlbServiceAnnotations({ type: "nlb" }, false)));
        expect(e.listeners).to.deep.equal([{ protocol: "TCP", port: 80 }, { protocol: "TCP", port: 443 }]);
        expect(e).to.deep.include({ scheme: "internet-facing", targetType: "ip", healthCheck: { protocol: "HTTPS", port: "8543", path: "/status/ready" } });
        const plain = nlbExpectations(service(nlbServiceAnnotations({ type: "nlb", clientIpMode: "none" }, false)));
        expect(plain.healthCheck).to.deep.equal({ protocol: "HTTP", port: "8100", path: "/status/ready" });
    });

    it("NLB with a certificate: TLS only on the ssl port, with the policy and ALPN of the rules", () => {
        const annotations = nlbServiceAnnotations({ type: "nlb", certificateArn: CERT }, false);
        const svc = service(annotations);
        expect(sslPortMatches(svc, 443)).to.equal(true);
        expect(sslPortMatches(svc, 80)).to.equal(false);
        expect(nlbExpectations(svc).listeners).to.deep.equal([
            { protocol: "TCP", port: 80 },
            { protocol: "TLS", port: 443, certificateArn: CERT, sslPolicy: annotations[`${SVC}aws-load-balancer-ssl-negotiation-policy`], alpnPolicy: ["HTTP2Preferred"] },
        ]);
        // ssl-ports by name, by `*`, or absent (every port) as model_build_listener.go allows.
        expect(sslPortMatches(service({ [`${SVC}aws-load-balancer-ssl-ports`]: "kong-proxy" }), 80)).to.equal(true);
        expect(sslPortMatches(service({ [`${SVC}aws-load-balancer-ssl-ports`]: "*" }), 80)).to.equal(true);
        expect(sslPortMatches(service({}), 80)).to.equal(true);
    });

    it("ALB: the HTTPS listener, certificate, policy and the gRPC target group of the rules", () => {
        const annotations = albIngressAnnotations({ type: "alb", certificateArn: CERT });
        const e = albExpectations({ kind: "Ingress", metadata: { annotations } });
        expect(e.listeners).to.deep.equal([{ protocol: "HTTPS", port: 443 }]);
        expect(e).to.deep.include({ certificateArn: CERT, backendProtocol: "HTTPS", backendProtocolVersion: "GRPC", targetType: "ip", matcher: { GrpcCode: "0,5,12" } });
        expect(e.healthCheck).to.deep.equal({ protocol: "HTTPS", port: "traffic-port", path: "/grpc.health.v1.Health/Check" });
        const http2 = albExpectations({ kind: "Ingress", metadata: { annotations: albIngressAnnotations({ type: "alb", certificateArn: CERT, backendProtocolVersion: "HTTP2" }) } });
        expect(http2.matcher).to.deep.equal({ HttpCode: "200" });
        expect(http2.healthCheck.port).to.equal("8100");
    });

    it("every attribute annotation becomes an expected attribute, whichever rule writes it", () => {
        const nlb = attributeExpectations(service(nlbServiceAnnotations({ type: "nlb", crossZone: false, drainSeconds: 30, idleTimeoutSeconds: 400 }, false)));
        expect(nlb).to.deep.equal({
            loadBalancer: { "load_balancing.cross_zone.enabled": "false" },
            targetGroup: { "preserve_client_ip.enabled": "false", "deregistration_delay.timeout_seconds": "30", "proxy_protocol_v2.enabled": "true" },
            listeners: { "TCP-80": { "tcp.idle_timeout.seconds": "400" }, "TCP-443": { "tcp.idle_timeout.seconds": "400" } },
        });
        const alb = attributeExpectations({
            kind: "Ingress",
            metadata: { annotations: albIngressAnnotations({ type: "alb", certificateArn: CERT, idleTimeoutSeconds: 120, drainSeconds: 20 }) },
        });
        expect(alb).to.deep.equal({
            loadBalancer: { "idle_timeout.timeout_seconds": "120" },
            targetGroup: { "deregistration_delay.timeout_seconds": "20" },
            listeners: {},
        });
    });
});
