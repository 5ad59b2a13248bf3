// The whole matrix {ALB, NLB} x {vertical, horizontal, auto} x {istio, kuma, none}: the exact set of
// child resources and every label, annotation and Helm value a rule sets.
import { expect } from "chai";
import { EdgeStack } from "../../provider/src/components/edgeStack";
import { EdgeStackToken, GrpcServiceToken, KongGatewayToken, MeshNamespaceToken, type EdgeStackArgs } from "../../provider/src/generated/schema-types";
import { CERT, greeter, orders } from "../../scripts/lib/scenarios";
import { one, ofType, Registered, render } from "../../scripts/lib/mock-runtime";

type Lb = "alb" | "nlb";
type Mode = "vertical" | "horizontal" | "auto";
type Mesh = "istio" | "kuma" | "none";

const T = {
    stack: EdgeStackToken,
    kong: KongGatewayToken,
    meshNs: MeshNamespaceToken,
    grpc: GrpcServiceToken,
    release: "kubernetes:helm.sh/v3:Release",
    namespace: "kubernetes:core/v1:Namespace",
    service: "kubernetes:core/v1:Service",
    secret: "kubernetes:core/v1:Secret",
    deployment: "kubernetes:apps/v1:Deployment",
    ingress: "kubernetes:networking.k8s.io/v1:Ingress",
    plugin: "kubernetes:configuration.konghq.com/v1:KongPlugin",
    consumer: "kubernetes:configuration.konghq.com/v1:KongConsumer",
    peerAuth: "kubernetes:security.istio.io/v1:PeerAuthentication",
    kumaMesh: "kubernetes:kuma.io/v1alpha1:Mesh",
    trafficPermission: "kubernetes:kuma.io/v1alpha1:MeshTrafficPermission",
    containerPatch: "kubernetes:kuma.io/v1alpha1:ContainerPatch",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
};

/** Pod Security labels at an enforce level; warn and audit stay at restricted, all pinned to v1.34. */
const podSecurity = (enforce: string) => ({
    "pod-security.kubernetes.io/enforce": enforce,
    "pod-security.kubernetes.io/enforce-version": "v1.34",
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/audit-version": "v1.34",
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/warn-version": "v1.34",
});

function argsFor(lb: Lb, mode: Mode, mesh: Mesh): EdgeStackArgs {
    return {
        loadBalancer: lb === "alb" ? { type: "alb", certificateArn: CERT } : { type: "nlb" },
        scalingMode: mode,
        ...(mode === "vertical" ? { vertical: { cpu: 3, replicas: 2, memoryPerWorkerMib: 600, memCacheSizeMib: 64 } } : {}),
        ...(mode === "horizontal" ? { horizontal: { minReplicas: 2, maxReplicas: 8, targetCpuUtilizationPercent: 60 } } : {}),
        acceptL4Imbalance: lb === "nlb" && mode === "horizontal" ? true : undefined,
        mesh: mesh === "istio" ? { istio: { strictMtls: true } } : mesh === "kuma" ? { kuma: {} } : undefined,
        services: [greeter, orders],
    };
}

function expectedResources(lb: Lb, mesh: Mesh): string[] {
    const names = [
        `${T.stack}/edge`,
        `${T.kong}/edge-kong`,
        `${T.release}/edge-kong`,
        `${T.namespace}/edge-ns-kong`,
        `${T.namespace}/edge-ns-apps`,
        `${T.grpc}/edge-apps-greeter`,
        `${T.deployment}/edge-apps-greeter`,
        `${T.pdb}/edge-apps-greeter-pdb`,
        `${T.service}/edge-apps-greeter-service`,
        `${T.plugin}/edge-apps-greeter-rate-limiting`,
        `${T.ingress}/edge-apps-greeter-route`,
        `${T.grpc}/edge-apps-orders`,
        `${T.deployment}/edge-apps-orders`,
        `${T.pdb}/edge-apps-orders-pdb`,
        `${T.service}/edge-apps-orders-service`,
        `${T.plugin}/edge-apps-orders-rate-limiting`,
        `${T.plugin}/edge-apps-orders-key-auth`,
        `${T.secret}/edge-apps-orders-mobile-app-key-auth`,
        `${T.consumer}/edge-apps-orders-consumer-mobile-app`,
        `${T.ingress}/edge-apps-orders-route`,
    ];
    if (lb === "alb") names.push(`${T.ingress}/edge-kong-alb`);
    if (mesh !== "none") names.push(`${T.meshNs}/edge-ns-kong`, `${T.meshNs}/edge-ns-apps`);
    if (mesh === "istio") names.push(`${T.peerAuth}/edge-ns-apps-strict-mtls`);
    if (mesh === "kuma") names.push(`${T.kumaMesh}/edge-mesh`, `${T.trafficPermission}/edge-allow-all`, `${T.containerPatch}/edge-kong-sidecar`);
    return names.sort();
}

const releasedGatewayValues = (release: Registered) => release.inputs.values.gateway;

for (const lb of ["alb", "nlb"] as const) {
    for (const mode of ["vertical", "horizontal", "auto"] as const) {
        for (const mesh of ["istio", "kuma", "none"] as const) {
            describe(`EdgeStack ${lb} + ${mode} + ${mesh}`, () => {
                let resources: Registered[];
                const resolved = mode === "auto" ? (lb === "nlb" ? "vertical" : "horizontal") : mode;

                before(async () => {
                    resources = await render(() => new EdgeStack("edge", argsFor(lb, mode, mesh)));
                });

                it("creates exactly the expected child resources", () => {
                    expect(resources.map((r) => `${r.type}/${r.name}`).sort()).to.deep.equal(expectedResources(lb, mesh));
                });

                it("sizes Kong by the rules", () => {
                    const gw = releasedGatewayValues(one(resources, T.release));
                    if (resolved === "vertical") {
                        const cpu = mode === "vertical" ? 3 : 2;
                        // workers x memoryPerWorker + Kong's two mem_cache_size caches + 256 MiB headroom
                        const memory = mode === "vertical" ? 3 * 600 + 2 * 64 + 256 : 2 * 512 + 2 * 128 + 256;
                        expect(gw.env).to.include({ nginx_worker_processes: String(cpu), mem_cache_size: mode === "vertical" ? "64m" : "128m" });
                        expect(gw.env).to.include({ nginx_http_keepalive_requests: "10000", nginx_http_keepalive_time: "3600s" });
                        expect(gw.resources).to.deep.equal({
                            requests: { cpu: String(cpu), memory: `${memory}Mi` },
                            limits: { cpu: String(cpu), memory: `${memory}Mi` },
                        });
                        expect(gw.replicaCount).to.equal(2);
                        expect(gw.autoscaling).to.deep.equal({ enabled: false });
                    } else {
                        expect(gw.env).to.include({ nginx_worker_processes: "1", mem_cache_size: "128m" });
                        // Behind an NLB only the client's reconnects move load, so Kong recycles connections sooner.
                        const [requests, time] = lb === "nlb" ? ["1000", "300s"] : ["10000", "3600s"];
                        expect(gw.env).to.include({ nginx_http_keepalive_requests: requests, nginx_http_keepalive_time: time });
                        expect(gw.resources.requests).to.deep.equal({ cpu: "1", memory: "1024Mi" });
                        expect(gw.resources.limits).to.deep.equal({ cpu: "1", memory: "1024Mi" });
                        expect(gw).not.to.have.property("replicaCount");
                        const [min, max, target] = mode === "horizontal" ? [2, 8, 60] : [2, 10, 70];
                        const proxyCpu = { name: "cpu", container: "proxy", target: { type: "Utilization", averageUtilization: target } };
                        expect(gw.autoscaling).to.deep.equal({ enabled: true, minReplicas: min, maxReplicas: max, metrics: [{ type: "ContainerResource", containerResource: proxyCpu }] });
                    }
                    expect(gw.podDisruptionBudget).to.deep.equal({ enabled: true, maxUnavailable: 1 });
                    const controller = one(resources, T.release).inputs.values.controller.ingressController;
                    expect(controller.resources.requests).to.deep.equal({ cpu: "100m", memory: "256Mi" });
                });

                it("wires the load balancer", () => {
                    const gateway = releasedGatewayValues(one(resources, T.release));
                    const proxy = gateway.proxy;
                    // Every pod drains for the default 120 s: the target group, Kong's preStop and the grace period agree.
                    expect(gateway.terminationGracePeriodSeconds).to.equal(135);
                    expect(gateway.lifecycle.preStop.exec.command).to.deep.equal(["kong", "quit", "--wait=120", "--timeout=10"]);
                    const privateRanges = "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10";
                    if (lb === "nlb") {
                        // Proxy protocol (the default client IP mode) on both listeners, and the health check on the TLS status port that parses it.
                        expect(proxy.http.parameters).to.deep.equal(["http2", "proxy_protocol"]);
                        expect(proxy.tls.parameters).to.deep.equal(["http2", "proxy_protocol"]);
                        expect(gateway.status).to.deep.equal({ tls: { enabled: true, containerPort: 8543, parameters: ["proxy_protocol"] } });
                        expect(gateway.env).to.include({ trusted_ips: privateRanges, real_ip_header: "proxy_protocol", real_ip_recursive: "off" });
                        expect(gateway.env).to.not.have.property("nginx_http_keepalive_timeout");
                        expect(proxy.type).to.equal("LoadBalancer");
                        expect(proxy.annotations).to.deep.equal({
                            "service.beta.kubernetes.io/aws-load-balancer-type": "external",
                            "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
                            "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
                            "service.beta.kubernetes.io/aws-load-balancer-attributes": "load_balancing.cross_zone.enabled=true",
                            "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": "deregistration_delay.timeout_seconds=120,preserve_client_ip.enabled=false",
                            "service.beta.kubernetes.io/aws-load-balancer-proxy-protocol": "*",
                            "service.beta.kubernetes.io/aws-load-balancer-listener-attributes.TCP-80": "tcp.idle_timeout.seconds=3600",
                            "service.beta.kubernetes.io/aws-load-balancer-listener-attributes.TCP-443": "tcp.idle_timeout.seconds=3600",
                            "service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol": "https",
                            "service.beta.kubernetes.io/aws-load-balancer-healthcheck-port": "8543",
                            "service.beta.kubernetes.io/aws-load-balancer-healthcheck-path": "/status/ready",
                        });
                    } else {
                        expect(proxy.http.parameters).to.deep.equal(["http2"]);
                        expect(gateway).to.not.have.property("status");
                        expect(gateway.env).to.include({ trusted_ips: privateRanges, real_ip_header: "X-Forwarded-For", real_ip_recursive: "off", nginx_http_keepalive_timeout: "3660s" });
                        expect(proxy.type).to.equal("ClusterIP");
                        const alb = one(resources, T.ingress, "edge-kong-alb").inputs;
                        expect(alb.spec.ingressClassName).to.equal("alb");
                        expect(alb.metadata.namespace).to.equal("kong");
                        expect(alb.spec.defaultBackend).to.deep.equal({ service: { name: "edge-kong-gateway-proxy", port: { number: 443 } } });
                        expect(alb.metadata.annotations).to.deep.equal({
                            "alb.ingress.kubernetes.io/scheme": "internet-facing",
                            "alb.ingress.kubernetes.io/target-type": "ip",
                            "alb.ingress.kubernetes.io/listen-ports": '[{"HTTPS":443}]',
                            "alb.ingress.kubernetes.io/certificate-arn": CERT,
                            "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                            "alb.ingress.kubernetes.io/backend-protocol": "HTTPS",
                            "alb.ingress.kubernetes.io/backend-protocol-version": "GRPC",
                            "alb.ingress.kubernetes.io/healthcheck-protocol": "HTTPS",
                            "alb.ingress.kubernetes.io/healthcheck-path": "/grpc.health.v1.Health/Check",
                            "alb.ingress.kubernetes.io/success-codes": "0,5,12",
                            "alb.ingress.kubernetes.io/target-group-attributes": "deregistration_delay.timeout_seconds=120",
                            "alb.ingress.kubernetes.io/load-balancer-attributes": "idle_timeout.timeout_seconds=3600",
                        });
                    }
                });

                it("labels namespaces and annotates Kong pods for the mesh", () => {
                    const labels = Object.fromEntries(ofType(resources, T.namespace).map((n) => [n.inputs.metadata.name, n.inputs.metadata.labels]));
                    const release = one(resources, T.release).inputs.values;
                    // Injected pods carry the meshes' root init container with NET_ADMIN and NET_RAW: privileged; without a mesh, restricted.
                    const expectedLabels = {
                        istio: { "istio-injection": "enabled", ...podSecurity("privileged") },
                        kuma: { "kuma.io/sidecar-injection": "enabled", "kuma.io/mesh": "default", ...podSecurity("privileged") },
                        none: podSecurity("restricted"),
                    }[mesh];
                    // Only Kong's pods are load balancer targets: only its namespace opts into the readiness gate, with or without a mesh.
                    expect(labels).to.deep.equal({ kong: { ...expectedLabels, "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" }, apps: expectedLabels });
                    // The sidecar at its default size, requests = limits.
                    const gatewayPods = {
                        istio: {
                            "traffic.sidecar.istio.io/includeInboundPorts": "",
                            "sidecar.istio.io/proxyCPU": "1",
                            "sidecar.istio.io/proxyCPULimit": "1",
                            "sidecar.istio.io/proxyMemory": "512Mi",
                            "sidecar.istio.io/proxyMemoryLimit": "512Mi",
                        },
                        kuma: { "kuma.io/gateway": "enabled", "kuma.io/container-patches": "edge-kong-sidecar" },
                        none: {},
                    }[mesh];
                    expect(release.gateway.podAnnotations).to.deep.equal(gatewayPods);
                    const controllerPods = {
                        istio: { "traffic.sidecar.istio.io/excludeOutboundPorts": "8444" },
                        kuma: { "kuma.io/gateway": "enabled", "traffic.kuma.io/exclude-outbound-ports": "8444" },
                        none: {},
                    }[mesh];
                    expect(release.controller.podAnnotations).to.deep.equal(controllerPods);
                    if (mesh === "istio") {
                        const pa = one(resources, T.peerAuth).inputs;
                        expect(pa.metadata).to.deep.equal({ name: "default", namespace: "apps" });
                        expect(pa.spec).to.deep.equal({ mtls: { mode: "STRICT" } });
                    }
                    if (mesh === "kuma") {
                        expect(one(resources, T.kumaMesh).inputs.spec.mtls).to.deep.equal({
                            enabledBackend: "ca-1",
                            backends: [{ name: "ca-1", type: "builtin", mode: "STRICT" }],
                        });
                        const mtp = one(resources, T.trafficPermission).inputs;
                        expect(mtp.metadata.labels).to.deep.equal({ "kuma.io/mesh": "default" });
                        expect(mtp.spec.from[0].default.action).to.equal("Allow");
                        const patch = one(resources, T.containerPatch).inputs;
                        expect(patch.metadata).to.deep.equal({ name: "edge-kong-sidecar", namespace: "kuma-system" });
                        const equal = JSON.stringify({ requests: { cpu: "1", memory: "512Mi" }, limits: { cpu: "1", memory: "512Mi" } });
                        expect(patch.spec.sidecarPatch).to.deep.equal([{ op: "add", path: "/resources", value: equal }]);
                    }
                });

                it("annotates gRPC Services and routes for Kong and the mesh", () => {
                    for (const name of ["greeter", "orders"]) {
                        const svc = one(resources, T.service, `edge-apps-${name}-service`).inputs;
                        // Stream-friendly Kong Service timeouts (ms): connect 60 s, read and write an hour.
                        const expected: Record<string, string> = { "konghq.com/protocol": "grpc", "konghq.com/connect-timeout": "60000", "konghq.com/read-timeout": "3600000", "konghq.com/write-timeout": "3600000" };
                        if (mesh !== "none") expected["ingress.kubernetes.io/service-upstream"] = "true";
                        expect(svc.metadata.annotations).to.deep.equal(expected);
                        expect(svc.spec.ports[0]).to.include({ name: "grpc", appProtocol: "grpc" });
                        const route = one(resources, T.ingress, `edge-apps-${name}-route`).inputs;
                        expect(route.spec.ingressClassName).to.equal("kong");
                        expect(route.metadata.annotations).to.include({ "konghq.com/protocols": "grpc,grpcs", "konghq.com/preserve-host": "false" });
                    }
                    const ordersRoute = one(resources, T.ingress, "edge-apps-orders-route").inputs;
                    expect(ordersRoute.metadata.annotations["konghq.com/plugins"]).to.equal("orders-rate-limiting,orders-key-auth");
                    expect(ordersRoute.spec.rules[0].host).to.equal("grpc.example.com");
                    expect(ordersRoute.spec.rules[0].http.paths[0]).to.deep.equal({
                        path: "/shop.Orders/",
                        pathType: "ImplementationSpecific",
                        backend: { service: { name: "orders", port: { number: 9090 } } },
                    });
                });
            });
        }
    }
}

describe("EdgeStack under EKS Auto Mode, and with multi-zone Kuma", () => {
    it("Auto Mode: Kong's namespace opts into Auto Mode's readiness gate, proxy protocol is a target group attribute", async () => {
        const resources = await render(() => new EdgeStack("edge", { ...argsFor("nlb", "auto", "none"), eksAutoMode: true }));
        const kongNs = one(resources, T.namespace, "edge-ns-kong").inputs.metadata;
        expect(kongNs.labels).to.deep.equal({ "eks.amazonaws.com/pod-readiness-gate-inject": "enabled", ...podSecurity("restricted") });
        expect(one(resources, T.namespace, "edge-ns-apps").inputs.metadata.labels).to.deep.equal(podSecurity("restricted"));
        const annotations = releasedGatewayValues(one(resources, T.release)).proxy.annotations;
        expect(annotations).to.not.have.any.keys("service.beta.kubernetes.io/aws-load-balancer-proxy-protocol", "service.beta.kubernetes.io/aws-load-balancer-listener-attributes.TCP-80");
        expect(annotations["service.beta.kubernetes.io/aws-load-balancer-target-group-attributes"]).to.equal("deregistration_delay.timeout_seconds=120,proxy_protocol_v2.enabled=true,preserve_client_ip.enabled=false");
    });

    it("multi-zone Kuma: the `.mesh` Service Kong routes to carries the service's timeouts too", async () => {
        const args = argsFor("nlb", "auto", "kuma");
        const resources = await render(() => new EdgeStack("edge", { ...args, mesh: { kuma: { multiZone: true } }, services: [{ ...greeter, readTimeoutSeconds: 600 }] }));
        const meshService = ofType(resources, T.service).find((s) => s.inputs.spec.type === "ExternalName")!.inputs;
        expect(meshService.metadata.annotations).to.include({ "konghq.com/read-timeout": "600000", "konghq.com/write-timeout": "3600000", "konghq.com/connect-timeout": "60000" });
        // Kong's namespace keeps the mesh labels beside the readiness gate's.
        expect(one(resources, T.namespace, "edge-ns-kong").inputs.metadata.labels).to.deep.equal({
            "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled",
            "kuma.io/sidecar-injection": "enabled",
            "kuma.io/mesh": "default",
            ...podSecurity("privileged"),
        });
    });
});

describe("EdgeStack renamed with renamedFrom", () => {
    it("registers every child under its old name with the same inputs; only the component's own name changes", async () => {
        const args = argsFor("nlb", "vertical", "istio");
        const before = await render(() => new EdgeStack("edge", args));
        const after = await render(() => new EdgeStack("edge-eu", { ...args, renamedFrom: "edge" }));
        const children = (rs: Registered[]) => rs.filter((r) => r.type !== T.stack).map((r) => ({ type: r.type, name: r.name, inputs: r.inputs }));
        expect(children(after)).to.deep.equal(children(before));
        expect(ofType(after, T.stack).map((r) => r.name)).to.deep.equal(["edge-eu"]);
        expect(children(after).length).to.be.greaterThan(5);
    });

    it("without renamedFrom a new name renames the Kong release, which Helm cannot do in place", async () => {
        const args = argsFor("nlb", "vertical", "none");
        const renamed = await render(() => new EdgeStack("edge-eu", args));
        expect(one(renamed, T.release).inputs.name).to.equal("edge-eu-kong");
    });
});
