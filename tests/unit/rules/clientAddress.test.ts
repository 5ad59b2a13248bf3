// The client's address at Kong: what each load balancer and mode asks of Kong and of the target group.
import { expect } from "chai";
import { INPUT_DEFAULTS, KONG_PORTS } from "../../../provider/src/defaults";
import { ClientIpMode, LoadBalancerType, type LoadBalancerArgs } from "../../../provider/src/generated/schema-types";
import {
    checkClientAddress, clientAddressSource, isCidr, kongClientAddressEnv, kongStatusValues, nlbClientAddressAnnotations, nlbClientAddressTargetGroupAttributes, nlbHealthCheckTarget, PROXY_PROTOCOL_ANNOTATION, proxyListenParameters,
} from "../../../provider/src/rules/clientAddress";
import { Problems } from "../../../provider/src/rules/errors";
import { AUTO_MODE_UNSUPPORTED_ANNOTATIONS } from "../../../provider/src/rules/loadBalancer";
import { CERT } from "../../../scripts/lib/scenarios";

const NLB: LoadBalancerArgs = { type: LoadBalancerType.Nlb };
const ALB: LoadBalancerArgs = { type: LoadBalancerType.Alb, certificateArn: CERT };

describe("clientAddress: Kong's side", () => {
    it("ALB: X-Forwarded-For from the trusted ranges, the last entry (the one the ALB appended), no proxy protocol", () => {
        expect(clientAddressSource({ ...ALB, clientIpMode: ClientIpMode.None })).to.equal("xForwardedFor");
        expect(kongClientAddressEnv(ALB)).to.deep.equal({ trusted_ips: INPUT_DEFAULTS.LoadBalancer.vpcCidrs.join(","), real_ip_header: "X-Forwarded-For", real_ip_recursive: "off" });
        expect(proxyListenParameters(ALB)).to.deep.equal([]);
        expect(kongStatusValues(ALB)).to.deep.equal({});
    });

    it("NLB proxy protocol (default): the header's address, from the NLB's private addresses only", () => {
        const lb = { ...NLB, vpcCidrs: ["10.20.0.0/16", "10.30.0.0/16"] };
        expect(kongClientAddressEnv(lb)).to.deep.equal({ trusted_ips: "10.20.0.0/16,10.30.0.0/16", real_ip_header: "proxy_protocol", real_ip_recursive: "off" });
        expect(proxyListenParameters(NLB)).to.deep.equal(["proxy_protocol"]);
    });

    it("NLB preserveClientIp / none: the packet's own source, so Kong trusts no range", () => {
        for (const clientIpMode of [ClientIpMode.PreserveClientIp, ClientIpMode.None]) {
            expect(kongClientAddressEnv({ ...NLB, clientIpMode })).to.deep.equal({});
            expect(proxyListenParameters({ ...NLB, clientIpMode })).to.deep.equal([]);
        }
    });

    it("health checks carry the header too: with proxy protocol the NLB probes the TLS status listener that parses it", () => {
        expect(nlbHealthCheckTarget(NLB)).to.deep.equal({ protocol: "https", port: KONG_PORTS.statusTls });
        expect(kongStatusValues(NLB)).to.deep.equal({ status: { tls: { enabled: true, containerPort: KONG_PORTS.statusTls, parameters: ["proxy_protocol"] } } });
        for (const clientIpMode of [ClientIpMode.PreserveClientIp, ClientIpMode.None]) {
            expect(nlbHealthCheckTarget({ ...NLB, clientIpMode })).to.deep.equal({ protocol: "http", port: KONG_PORTS.status });
            expect(kongStatusValues({ ...NLB, clientIpMode })).to.deep.equal({});
        }
    });
});

describe("clientAddress: the target group's side", () => {
    it("proxy protocol: the controller's annotation, or under Auto Mode (which ignores it) the target group attribute", () => {
        expect(nlbClientAddressAnnotations(NLB, false)).to.deep.equal({ [PROXY_PROTOCOL_ANNOTATION]: "*" });
        expect(nlbClientAddressTargetGroupAttributes(NLB, false)).to.deep.equal(["preserve_client_ip.enabled=false"]);
        expect(AUTO_MODE_UNSUPPORTED_ANNOTATIONS).to.include(PROXY_PROTOCOL_ANNOTATION);
        expect(nlbClientAddressAnnotations(NLB, true)).to.deep.equal({});
        expect(nlbClientAddressTargetGroupAttributes(NLB, true)).to.deep.equal(["proxy_protocol_v2.enabled=true", "preserve_client_ip.enabled=false"]);
    });

    it("client IP preservation on for preserveClientIp, written off otherwise (ip targets over TCP/TLS default to off)", () => {
        for (const autoMode of [false, true]) {
            expect(nlbClientAddressTargetGroupAttributes({ ...NLB, clientIpMode: ClientIpMode.PreserveClientIp }, autoMode)).to.deep.equal(["preserve_client_ip.enabled=true"]);
            expect(nlbClientAddressTargetGroupAttributes({ ...NLB, clientIpMode: ClientIpMode.None }, autoMode)).to.deep.equal(["preserve_client_ip.enabled=false"]);
            expect(nlbClientAddressAnnotations({ ...NLB, clientIpMode: ClientIpMode.PreserveClientIp }, autoMode)).to.deep.equal({});
        }
    });
});

describe("clientAddress: checks", () => {
    const fields = (lb: LoadBalancerArgs) => {
        const p = new Problems();
        checkClientAddress(p, "loadBalancer", lb);
        return p.list.map((x) => x.field);
    };

    it("CIDR blocks, IPv4 and IPv6, with a prefix in range", () => {
        for (const good of ["10.0.0.0/8", "0.0.0.0/0", "192.168.1.0/24", "2600:1f18:abcd::/56", "::/0"]) expect(isCidr(good), good).to.equal(true);
        for (const bad of ["10.0.0.0", "10.0.0.0/33", "256.0.0.0/8", "10.0.0/8", "2600::/129", "vpc-1234", "10.0.0.0/8,10.1.0.0/16", ""]) expect(isCidr(bad), bad).to.equal(false);
        expect(INPUT_DEFAULTS.LoadBalancer.vpcCidrs.every(isCidr)).to.equal(true);
    });

    it("rejects a client IP mode on an ALB, an unknown mode, an empty or malformed range", () => {
        expect(fields({ ...ALB, clientIpMode: ClientIpMode.None })).to.deep.equal(["loadBalancer.clientIpMode"]);
        expect(fields({ ...NLB, clientIpMode: "xff" as ClientIpMode })).to.deep.equal(["loadBalancer.clientIpMode"]);
        expect(fields({ ...NLB, vpcCidrs: [] })).to.deep.equal(["loadBalancer.vpcCidrs"]);
        expect(fields({ ...ALB, vpcCidrs: ["10.0.0.0/16", "10.1.0.0"] })).to.deep.equal(["loadBalancer.vpcCidrs[1]"]);
        expect(fields({ ...NLB, clientIpMode: ClientIpMode.PreserveClientIp, vpcCidrs: ["10.0.0.0/16"] })).to.deep.equal([]);
    });
});
