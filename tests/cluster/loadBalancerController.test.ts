// Tier 5: the real AWS Load Balancer Controller decides. The controller (built from the Go module
// proxy, 3.2.2: see toolchain/README.md) runs on loopback against the local API server with moto as
// its whole AWS API. Three stacks are applied through the engine: an NLB without a certificate, an NLB
// terminating TLS with an ACM certificate, and an ALB. Then what the controller made in moto (load
// balancers, listeners, target groups and their attributes) must be what meshedge's load balancer
// rules (provider/src/rules/loadBalancer.ts) ask for, annotation by annotation: the expectations are
// computed from the rule functions and the annotations on the live objects, so new annotations that
// set attributes are checked as soon as the rules emit them.
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import { albIngressAnnotations, nlbServiceAnnotations } from "../../provider/src/rules/loadBalancer";
import { KubeClient, KubeObject } from "../../scripts/lib/kube-client";
import { LBC_AWS_SERVICE_IDS, LoadBalancerControllerProcess, startLoadBalancerController } from "../../scripts/lib/lb-controller";
import { LocalCluster, startLocalCluster } from "../../scripts/lib/local-cluster";
import { isLoopback, offLoopbackDials, offLoopbackHostLookups } from "../../scripts/lib/loopback-dials";
import { Moto, startMoto } from "../../scripts/lib/moto";
import { linkExampleModules, sharedChartPath } from "../../scripts/lib/prepare-examples";
import { readVersions, repoRoot } from "../../scripts/lib/repo-root";
import { AppliedStack, eventually, expectLoopbackOnly, unprotectAll, upOnCluster } from "../support/clusterStack";
import { prepareEngine } from "../support/engine";
import {
    albExpectations,
    attributeExpectations,
    ExpectedAttributes,
    MotoListener,
    MotoLoadBalancer,
    MotoState,
    MotoTargetGroup,
    nlbExpectations,
    sslPortMatches,
} from "../support/lbcExpectations";

const REGION = "us-west-2";

/**
 * What moto 5.2.5 stores without a word although ELBv2 refuses it (docs/decisions.md, "Load balancers"):
 * a wrong value of these kinds in a rule would pass this test, so unit tests against upstream data
 * guard them instead. The rest of moto_aws.py's probe cases it refuses, as AWS does.
 */
const MOTO_ACCEPTS = [
    "unknown ssl policy name",
    "unknown ALPN policy",
    "TLS listener without a certificate",
    "gRPC target group behind an HTTP listener",
    "non-boolean cross-zone value",
    "ALB-only attribute (idle timeout) on an NLB",
    "unknown target group attribute",
    "proxy protocol on an HTTPS target group",
    "non-boolean client IP preservation",
    "GRPC protocol version on a TCP target group",
    "gRPC success code 99",
    "health-check path on a TCP health check",
    "unknown listener attribute",
    "ALB in a single subnet",
];
const CLUSTER_NAME = "meshedge-lbc";

interface Scenario {
    readonly name: string;
    readonly label: string;
    readonly lbType: "nlb" | "alb";
    readonly withCertificate: boolean;
}

const SCENARIOS: readonly Scenario[] = [
    { name: "nlb", label: "NLB without a certificate", lbType: "nlb", withCertificate: false },
    { name: "nlbtls", label: "NLB with an ACM certificate", lbType: "nlb", withCertificate: true },
    { name: "alb", label: "ALB (HTTPS listener, gRPC target group)", lbType: "alb", withCertificate: true },
];

interface Applied {
    readonly scenario: Scenario;
    readonly stack: AppliedStack;
    readonly namespace: string;
    /** The object the controller reconciles: the proxy Service (NLB) or the ALB Ingress. */
    readonly object: KubeObject;
    readonly lb: MotoLoadBalancer;
}

describe("cluster: the AWS Load Balancer Controller turns meshedge's annotations into load balancers (moto)", function () {
    this.timeout(30 * 60 * 1000);
    const workDir = path.join(repoRoot(), "tests", "cluster", "fixtures", "lb-controller");
    const charts = readVersions().charts;
    let moto: Moto;
    let cluster: LocalCluster;
    let kube: KubeClient;
    let controller: LoadBalancerControllerProcess;
    let setup: { vpcId: string; subnetIds: string[]; certificateArn: string };
    const applied = new Map<string, Applied>();
    let chartDir: string;

    const describeMoto = () => moto.aws<MotoState>("describe");

    before(async function () {
        await prepareEngine();
        linkExampleModules(workDir);
        moto = await startMoto(REGION);
        setup = moto.aws("setup", ["--cluster", CLUSTER_NAME]);
        cluster = await startLocalCluster();
        kube = new KubeClient(cluster);

        // The controller's CRDs and IngressClass, as its pinned chart installs them.
        chartDir = fs.mkdtempSync(path.join(os.tmpdir(), "meshedge-lbc-chart-"));
        execFileSync("tar", ["-xzf", sharedChartPath(charts.awsLoadBalancerController), "-C", chartDir, "aws-load-balancer-controller/crds", "aws-load-balancer-controller/templates/ingressclass.yaml"]);
        const chart = path.join(chartDir, "aws-load-balancer-controller");
        const crds = yaml.loadAll(fs.readFileSync(path.join(chart, "crds", "crds.yaml"), "utf8")).filter((d): d is KubeObject => !!d);
        for (const crd of crds) await create(kube, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
        for (const crd of crds) {
            await eventually(`CRD ${crd.metadata.name} established`, 60, async () => {
                const live = await kube.must(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`);
                return live.status?.conditions?.some((c: KubeObject) => c.type === "Established" && c.status === "True") ? true : undefined;
            });
        }
        // aws-load-balancer-controller chart 3.5.0 templates/ingressclass.yaml: `spec.controller: ingress.k8s.aws/alb`.
        const ingressClassController = /controller:\s*(\S+)/.exec(fs.readFileSync(path.join(chart, "templates", "ingressclass.yaml"), "utf8"))![1];
        await create(kube, "/apis/networking.k8s.io/v1/ingressclasses", {
            apiVersion: "networking.k8s.io/v1",
            kind: "IngressClass",
            metadata: { name: "alb" },
            spec: { controller: ingressClassController },
        });

        controller = await startLoadBalancerController({ cluster, moto, clusterName: CLUSTER_NAME, vpcId: setup.vpcId });

        for (const scenario of SCENARIOS) {
            const stack = await upOnCluster(cluster, scenario.label, workDir, `lbc-${scenario.name}`, {
                name: { value: scenario.name },
                lbType: { value: scenario.lbType },
                kongChart: { value: sharedChartPath(charts.kong) },
                ...(scenario.withCertificate ? { certificateArn: { value: setup.certificateArn } } : {}),
            });
            const outputs = await stack.stack.outputs();
            const namespace = outputs.kongNamespace.value as string;
            const objectPath =
                scenario.lbType === "nlb"
                    ? `/api/v1/namespaces/${namespace}/services/${outputs.proxyService.value}`
                    : `/apis/networking.k8s.io/v1/namespaces/${namespace}/ingresses/${outputs.albIngress.value}`;
            // The controller's tags name what a load balancer is for (pkg/deploy/tracking/provider.go: <prefix>/stack).
            const stackTag = scenario.lbType === "nlb" ? "service.k8s.aws/stack" : "ingress.k8s.aws/stack";
            let object: KubeObject = await kube.must(objectPath);
            const stackName = `${namespace}/${object.metadata.name}`;
            const lb = await eventually(`${scenario.label}: the controller's load balancer with its listeners in moto`, 180, async () => {
                const found = describeMoto().loadBalancers.find((l) => l.Tags[stackTag] === stackName);
                object = await kube.must(objectPath);
                // Done when the status names it: the controller writes the status after deploying the whole stack.
                return found && object.status?.loadBalancer?.ingress?.[0]?.hostname === found.DNSName && found.Listeners.length > 0 ? found : undefined;
            }).catch((err) => {
                throw new Error(`${(err as Error).message}\n--- controller log (last lines):\n${controller.log().split("\n").slice(-30).join("\n")}`);
            });
            applied.set(scenario.name, { scenario, stack, namespace, object, lb });
            // moto reports an SslPolicy on TCP listeners too (its default); only TLS/HTTPS ones have one on AWS.
            const tls = (l: MotoListener) => l.Protocol === "TLS" || l.Protocol === "HTTPS";
            const listeners = lb.Listeners.map((l) => `${l.Protocol}:${l.Port}${tls(l) ? ` ${l.SslPolicy}` : ""}${l.AlpnPolicy?.length ? ` ${l.AlpnPolicy.join("+")}` : ""}`);
            console.log(`      ${scenario.label}: ${lb.Type} ${lb.Scheme}, listeners ${listeners.join(", ")}, attributes ${JSON.stringify(lb.Attributes)}`);
        }
    });

    after(async function () {
        for (const a of applied.values()) await a.stack.dispose();
        await controller?.stop();
        await cluster?.stop();
        await moto?.stop();
        if (chartDir) fs.rmSync(chartDir, { recursive: true, force: true });
    });

    const get = (name: string): Applied => {
        const a = applied.get(name);
        if (!a) throw new Error(`scenario ${name} was not applied`);
        return a;
    };
    const targetGroupsOf = (lb: MotoLoadBalancer): MotoTargetGroup[] => {
        // The controller forwards through ForwardConfig (weighted target groups), not the plain TargetGroupArn.
        const arns = new Set(
            lb.Listeners.flatMap((l) => l.DefaultActions.flatMap((a) => [a.TargetGroupArn, ...(a.ForwardConfig?.TargetGroups ?? []).map((t) => t.TargetGroupArn)])).filter(
                (arn): arn is string => !!arn,
            ),
        );
        expect(arns.size, "target groups the listeners forward to").to.be.greaterThan(0);
        return describeMoto().targetGroups.filter((tg) => arns.has(tg.TargetGroupArn));
    };

    it("the controller at the built version knows every annotation the rules write (pkg/annotations/constants.go)", () => {
        const constants = controllerSource("pkg/annotations/constants.go");
        const known = new Set([...constants.matchAll(/=\s*"([^"]+)"/g)].map((m) => m[1]));
        const certificateArn = "arn:aws:acm:us-west-2:123456789012:certificate/x";
        const written = [
            ...Object.keys(nlbServiceAnnotations({ type: "nlb", certificateArn }, false)),
            ...Object.keys(albIngressAnnotations({ type: "alb", certificateArn })),
            ...Object.keys(albIngressAnnotations({ type: "alb", certificateArn, backendProtocolVersion: "HTTP2" })),
        ];
        // The controller's prefixes (constants.go AnnotationPrefixIngress/AnnotationPrefixService ... annotation names are suffixes).
        const suffix = (key: string) => key.replace(/^(service\.beta\.kubernetes\.io|alb\.ingress\.kubernetes\.io)\//, "");
        const unknown = [...new Set(written)].filter((key) => {
            const name = suffix(key);
            // listener-attributes.<PROTOCOL>-<port>: the constant is the prefix.
            return !known.has(name) && !known.has(name.replace(/\.[A-Z_]+-\d+$/, ""));
        });
        expect(written.length).to.be.greaterThan(15);
        expect(unknown, "annotations this controller version does not read").to.deep.equal([]);
    });

    it("the controller was given only loopback AWS endpoints, one for every AWS client it builds (read from its source)", () => {
        // Every `EndpointFor(<sdk package>.ServiceID)` in the controller, resolved to that SDK module's `const ServiceID`.
        const wanted = ["pkg/aws/provider/default_aws_clients_provider.go", "pkg/aws/services/ec2_metadata.go"].flatMap((file) => {
            const source = controllerSource(file);
            return [...source.matchAll(/EndpointFor\((\w+)\.ServiceID\)/g)].map((m) => {
                const importPath = new RegExp(`"(github\\.com/aws/aws-sdk-go-v2/[\\w/]*/${m[1]})"`).exec(source)?.[1];
                if (!importPath) throw new Error(`${file}: no import for ${m[1]}`);
                return /const ServiceID = "([^"]+)"/.exec(fs.readFileSync(path.join(moduleDir(importPath), "api_client.go"), "utf8"))![1];
            });
        });
        expect(wanted.length).to.be.greaterThan(8);
        const endpoints = controller.args.find((a) => a.startsWith("--aws-api-endpoints="))!.slice("--aws-api-endpoints=".length).split(",");
        expect(endpoints.map((e) => e.split("=")[0])).to.have.members(wanted).and.to.have.members([...LBC_AWS_SERVICE_IDS]);
        for (const e of endpoints) expect(isLoopback(new URL(e.split("=")[1]).hostname), e).to.equal(true);
    });

    for (const scenario of SCENARIOS.filter((s) => s.lbType === "nlb")) {
        it(`${scenario.label}: the NLB, its listeners, target groups and attributes are what the rules ask for`, () => {
            const { object, lb } = get(scenario.name);
            const rules = nlbServiceAnnotations({ type: "nlb", ...(scenario.withCertificate ? { certificateArn: setup.certificateArn } : {}) }, false);
            // The live Service carries every annotation the rules produce (the expectations are read from it below).
            expect(object.metadata.annotations).to.include(rules);
            const expected = nlbExpectations(object);
            expect(lb.Type).to.equal("network");
            expect(lb.Scheme).to.equal(expected.scheme);
            expect(lb.VpcId).to.equal(setup.vpcId);
            expect(lb.AvailabilityZones.map((z) => z.SubnetId)).to.have.members(setup.subnetIds);
            expect(lb.Listeners.map((l) => `${l.Protocol}:${l.Port}`)).to.have.members(expected.listeners.map((l) => `${l.protocol}:${l.port}`));
            for (const want of expected.listeners) {
                const listener = lb.Listeners.find((l) => l.Port === want.port)!;
                if (want.protocol === "TLS") {
                    expect(listener.Certificates?.map((c) => c.CertificateArn), "certificate").to.deep.equal([want.certificateArn]);
                    expect(listener.SslPolicy, "ssl policy").to.equal(want.sslPolicy);
                    expect(listener.AlpnPolicy, "ALPN").to.deep.equal(want.alpnPolicy);
                } else {
                    expect(listener.Certificates ?? [], "no certificate on a TCP listener").to.deep.equal([]);
                }
            }
            if (scenario.withCertificate) {
                expect(expected.listeners.map((l) => l.protocol), "TLS ends at the NLB on the ssl port").to.include("TLS");
                expect(sslPortMatches(object, 443)).to.equal(true);
            } else {
                expect(expected.listeners.map((l) => l.protocol)).to.not.include("TLS");
            }
            const targetGroups = targetGroupsOf(lb);
            expect(targetGroups).to.have.length(expected.listeners.length);
            for (const tg of targetGroups) {
                expect(tg.TargetType, "target type").to.equal(expected.targetType);
                expect(tg.Protocol, "TLS is not re-encrypted to Kong").to.equal("TCP");
                expect(tg.VpcId).to.equal(setup.vpcId);
                expect({ protocol: tg.HealthCheckProtocol, port: tg.HealthCheckPort, path: tg.HealthCheckPath }, "health check").to.deep.equal(expected.healthCheck);
                // No pods, no endpoints: nothing registered.
                expect(tg.Targets).to.deep.equal([]);
            }
            expectAttributes(attributeExpectations(object), lb, targetGroups);
        });
    }

    it("ALB: the load balancer, its HTTPS listener, the gRPC target group and attributes are what the rules ask for", () => {
        const { object, lb } = get("alb");
        const rules = albIngressAnnotations({ type: "alb", certificateArn: setup.certificateArn });
        expect(object.metadata.annotations).to.include(rules);
        const expected = albExpectations(object);
        expect(lb.Type).to.equal("application");
        expect(lb.Scheme).to.equal(expected.scheme);
        expect(lb.VpcId).to.equal(setup.vpcId);
        expect(lb.Listeners.map((l) => `${l.Protocol}:${l.Port}`)).to.have.members(expected.listeners.map((l) => `${l.protocol}:${l.port}`));
        for (const listener of lb.Listeners) {
            expect(listener.Certificates?.map((c) => c.CertificateArn), "certificate").to.deep.equal([expected.certificateArn]);
            expect(listener.SslPolicy, "ssl policy").to.equal(expected.sslPolicy);
        }
        const targetGroups = targetGroupsOf(lb);
        expect(targetGroups).to.have.length(1);
        const [tg] = targetGroups;
        expect(tg.TargetType).to.equal(expected.targetType);
        expect(tg.Protocol).to.equal(expected.backendProtocol);
        expect(tg.ProtocolVersion).to.equal(expected.backendProtocolVersion);
        expect({ protocol: tg.HealthCheckProtocol, port: tg.HealthCheckPort, path: tg.HealthCheckPath }, "health check").to.deep.equal(expected.healthCheck);
        expect(tg.Matcher, "success codes").to.deep.equal(expected.matcher);
        expect(tg.Targets).to.deep.equal([]);
        expectAttributes(attributeExpectations(object), lb, targetGroups);
    });

    it("moto checks certificates, listener protocols and attribute keys of load balancers, and stores the rest as sent (the limits docs/decisions.md lists)", () => {
        const probe = moto.probe();
        const accepted = Object.keys(probe).filter((k) => probe[k] === "accepted");
        expect(accepted).to.have.members(MOTO_ACCEPTS);
        // And it does refuse some: a certificate ACM does not hold, HTTPS on an NLB, an unknown load balancer attribute, a 4000 s deregistration delay.
        expect(Object.keys(probe).filter((k) => probe[k] !== "accepted")).to.have.length.greaterThan(3);
    });

    it("the controller reported success and no Warning event for any Service or Ingress", async () => {
        for (const { scenario, namespace, object } of applied.values()) {
            const events = (await kube.list(`/api/v1/namespaces/${namespace}/events`)).filter((e) => e.involvedObject?.name === object.metadata.name && e.involvedObject?.kind === object.kind);
            const warnings = events.filter((e) => e.type === "Warning").map((e) => `${e.reason}: ${e.message}`);
            expect(warnings, scenario.label).to.deep.equal([]);
            // The controller's own record of a finished reconcile (pkg/k8s/events.go SuccessfullyReconciled): events are readable here.
            expect(events.map((e) => e.reason), scenario.label).to.include("SuccessfullyReconciled");
        }
    });

    it("every dial stayed on loopback: the control plane, the controller (no AWS host looked up) and moto's clients", () => {
        expectLoopbackOnly(cluster);
        const log = controller.log();
        expect(offLoopbackDials(log), "controller dials").to.deep.equal([]);
        expect(offLoopbackHostLookups(log), "controller host lookups").to.deep.equal([]);
        expect(log).to.not.match(/amazonaws\.com/);
        // werkzeug's access log starts each request line with the client address.
        const clients = new Set(moto.log().split("\n").map((l) => /^(\S+) - - \[/.exec(l)?.[1]).filter((c): c is string => !!c));
        expect([...clients]).to.deep.equal(["127.0.0.1"]);
    });

    it("destroy: the controller deletes every load balancer and target group it made", async () => {
        for (const a of applied.values()) {
            await unprotectAll(a.stack.stack);
            await a.stack.stack.destroy();
        }
        await eventually("moto empty of load balancers and target groups", 180, async () => {
            const state = describeMoto();
            return state.loadBalancers.length === 0 && state.targetGroups.length === 0 ? true : undefined;
        });
    });

    function expectAttributes(expected: ExpectedAttributes, lb: MotoLoadBalancer, targetGroups: MotoTargetGroup[]): void {
        for (const [key, value] of Object.entries(expected.loadBalancer)) expect(lb.Attributes[key], `load balancer attribute ${key}`).to.equal(value);
        for (const tg of targetGroups) {
            for (const [key, value] of Object.entries(expected.targetGroup)) expect(tg.Attributes[key], `target group attribute ${key}`).to.equal(value);
        }
        for (const [listenerKey, attributes] of Object.entries(expected.listeners)) {
            const listener: MotoListener | undefined = lb.Listeners.find((l) => `${l.Protocol}-${l.Port}` === listenerKey);
            expect(listener, `listener ${listenerKey}`).to.not.equal(undefined);
            for (const [key, value] of Object.entries(attributes)) expect(listener!.Attributes[key], `listener ${listenerKey} attribute ${key}`).to.equal(value);
        }
    }
});

/** The directory of a module of the controller's build (toolchain/aws-load-balancer-controller/go.mod) in the Go module cache. */
function moduleDir(modulePath: string): string {
    const goMod = fs.readFileSync(path.join(repoRoot(), "toolchain", "aws-load-balancer-controller", "go.mod"), "utf8");
    const version = new RegExp(`^\\s*(?:require\\s+)?${modulePath.replace(/\./g, "\\.")}\\s+(\\S+)`, "m").exec(goMod)?.[1];
    if (!version) throw new Error(`toolchain/aws-load-balancer-controller/go.mod does not require ${modulePath}`);
    return path.join(execFileSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" }).trim(), `${modulePath}@${version}`);
}

/** A file of the controller's source at the built version (the bootstrap downloaded the module). */
function controllerSource(file: string): string {
    return fs.readFileSync(path.join(moduleDir(readVersions().awsLoadBalancerControllerBinary.module), file), "utf8");
}

async function create(kube: KubeClient, collection: string, body: KubeObject): Promise<void> {
    const res = await kube.request("POST", collection, body);
    if (res.status !== 201) throw new Error(`POST ${collection} ${body.metadata?.name}: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
}
