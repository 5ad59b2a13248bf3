import { expect } from "chai";
import { dialedAddresses, isLoopback, offLoopbackDials, offLoopbackHostLookups } from "../../scripts/lib/loopback-dials";

// Lines in the shapes kube-apiserver 1.34 logs them (dispatcher.go "Failed calling webhook").
const REFUSED_LOOPBACK = `W1121 13:40:01.1 dispatcher.go:217] Failed calling webhook, failing closed probe.meshedge.test: failed calling webhook "probe.meshedge.test": failed to call webhook: Post "https://127.0.0.1:41234/validate?timeout=5s": dial tcp 127.0.0.1:41234: connect: connection refused`;
const CLUSTER_IP = `W1121 13:40:02.2 dispatcher.go:217] Failed calling webhook, failing open x: failed to call webhook: Post "https://kong-validation.kong.svc:443/?timeout=10s": dial tcp 10.0.0.17:443: i/o timeout`;
const IPV6 = `E1121 proxy.go:1] dial tcp [fd00:10::5]:443: connect: network is unreachable; retry dial tcp [::1]:6443`;

describe("loopback dial scan of control-plane logs", () => {
    it("finds the address of every dial and webhook URL, once each", () => {
        expect(dialedAddresses(REFUSED_LOOPBACK)).to.deep.equal(["127.0.0.1"]);
        expect(dialedAddresses(`${CLUSTER_IP}\n${CLUSTER_IP}`)).to.deep.equal(["10.0.0.17"]);
        expect(dialedAddresses(IPV6)).to.deep.equal(["fd00:10::5", "::1"]);
        expect(dialedAddresses(`Post "https://192.168.1.4:8443/mutate": context deadline exceeded`)).to.deep.equal(["192.168.1.4"]);
    });

    it("reports only the addresses off loopback", () => {
        expect(offLoopbackDials([REFUSED_LOOPBACK, CLUSTER_IP, IPV6].join("\n"))).to.deep.equal(["10.0.0.17", "fd00:10::5"]);
        expect(offLoopbackDials(REFUSED_LOOPBACK)).to.deep.equal([]);
    });

    it("treats 127.0.0.0/8 and ::1 as loopback, and nothing else", () => {
        for (const a of ["127.0.0.1", "127.64.0.10", "127.255.255.254", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"]) expect(isLoopback(a), a).to.equal(true);
        for (const a of ["10.0.0.1", "172.16.0.1", "192.168.0.1", "8.8.8.8", "128.0.0.1", "fd00::1", "::2", "localhost"]) expect(isLoopback(a), a).to.equal(false);
    });

    it("names every host the AWS SDK tried to resolve, except localhost", () => {
        // The shape aws-sdk-go-v2 errors take in the AWS Load Balancer Controller's JSON log.
        const sdk = `{"level":"error","msg":"Reconciler error","error":"operation error Elastic Load Balancing v2: DescribeLoadBalancers, exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , request send failed, Post \\"https://elasticloadbalancing.us-west-2.amazonaws.com/\\": dial tcp: lookup elasticloadbalancing.us-west-2.amazonaws.com on 127.0.0.53:53: no such host"}`;
        expect(offLoopbackHostLookups(sdk)).to.deep.equal(["elasticloadbalancing.us-west-2.amazonaws.com"]);
        expect(offLoopbackHostLookups(`dial tcp: lookup localhost: i/o timeout; lookup 127.0.0.1 on x`)).to.deep.equal([]);
        expect(offLoopbackHostLookups(`Get "http://127.0.0.1:5000/": EOF`)).to.deep.equal([]);
    });
});
