// Kong's Helm values: every key the rules set is one the pinned chart reads, the proxy Service name
// is the one the chart renders, and the values' shape per chart, load balancer and sizing. Upstream
// data: ../shared/charts ingress-0.24.0.tgz (with its bundled kong-3.2.0.tgz, aliased `gateway`
// and `controller`) and kong-3.4.1.tgz; the `env` keys against Kong 3.9.3's configuration
// (tests/fixtures/kong/kong-3.9.3-memory-and-keepalive.json, which names its sources).
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as yaml from "js-yaml";
import * as fs from "fs";
import * as path from "path";
import { INPUT_DEFAULTS, KONG_PORTS, KONG_PROXY_CONTAINER, SCALING_MODE_DEFAULTS } from "../../../provider/src/defaults";
import { ClientIpMode, KongChart, LoadBalancerType, MeshKind, type LoadBalancerArgs } from "../../../provider/src/generated/schema-types";
import { gatewayResources, kongGatewayValues, kongHelmValues, kongProxyServiceName, kongSizingEnv, KongValuesInputs } from "../../../provider/src/rules/kongValues";
import { HELM_RELEASE_NAME_MAX } from "../../../provider/src/rules/names";
import { computeKongSizing } from "../../../provider/src/rules/sizing";
import { repoRoot, sharedDir } from "../../../scripts/lib/repo-root";
import { CERT } from "../../../scripts/lib/scenarios";

type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const untar = (archive: string | Uint8Array, ...members: string[]): string =>
    typeof archive === "string"
        ? execFileSync("tar", ["-xzf", path.join(sharedDir(), "charts", archive), "-O", "--wildcards", ...members], { encoding: "utf8" })
        : execFileSync("tar", ["-xzf", "-", "-O", "--wildcards", ...members], { input: archive, encoding: "utf8" });

interface Chart { values: Obj; valuesText: string; templates: string }
function kongChart(archive: string | Uint8Array): Chart {
    const valuesText = untar(archive, "kong/values.yaml");
    return { values: yaml.load(valuesText) as Obj, valuesText, templates: untar(archive, "kong/templates/*") };
}

/** Key paths values.yaml documents as commented-out `# key:` lines, placed by indentation under the keys above them. */
function commentedKeys(text: string): Set<string> {
    const found = new Set<string>();
    const stack: { indent: number; key: string }[] = [];
    for (const line of text.split("\n")) {
        const m = /^(\s*)(#\s*)?([A-Za-z_][\w.-]*):(\s|$)/.exec(line);
        if (!m) continue;
        while (stack.length > 0 && stack[stack.length - 1].indent >= m[1].length) stack.pop();
        if (m[2]) found.add([...stack.map((s) => s.key), m[3]].join("."));
        else stack.push({ indent: m[1].length, key: m[3] });
    }
    return found;
}

/**
 * Keys in `values` that `upstream` lacks; maps of free keys (annotations, resources, `{}` defaults, and `env`,
 * whose every key the chart turns into a KONG_ variable: checked against Kong's settings below) are not descended.
 */
function keysNotIn(values: Obj, upstream: Obj, prefix = ""): string[] {
    return Object.entries(values).flatMap(([k, v]) => {
        const p = prefix ? `${prefix}.${k}` : k;
        if (!(k in upstream)) return [p];
        const up = upstream[k];
        const free = /annotations$/i.test(k) || k === "env" || !isObj(up) || Object.keys(up).length === 0;
        return isObj(v) && !free ? keysNotIn(v, up, p) : [];
    });
}

const LBS: [LoadBalancerArgs, boolean][] = [[{ type: LoadBalancerType.Nlb, certificateArn: CERT }, true], [{ type: LoadBalancerType.Nlb }, false], [{ type: LoadBalancerType.Alb, certificateArn: CERT }, false]];
const SIZINGS = [computeKongSizing({ loadBalancerType: "nlb", vertical: { cpu: 4, replicas: 2 } }), computeKongSizing({ loadBalancerType: "alb" })];
const inputs = (over: Partial<KongValuesInputs> = {}): KongValuesInputs => ({
    chart: KongChart.Ingress, sizing: SIZINGS[0], loadBalancer: LBS[1][0], eksAutoMode: false, meshKind: MeshKind.None,
    controllerResources: INPUT_DEFAULTS.KongSettings.controllerResources, ingressClassName: INPUT_DEFAULTS.KongSettings.ingressClassName, ...over,
});
const everyInput = (chart: KongChart) => SIZINGS.flatMap((sizing) => LBS.flatMap(([loadBalancer, eksAutoMode]) => Object.values(MeshKind).map((meshKind) => inputs({ chart, sizing, loadBalancer, eksAutoMode, meshKind }))));

describe("kongValues: against the pinned charts", () => {
    let kong341: Chart, gateway320: Chart, ingressValues: Obj, ingressChartYaml: Obj;
    before(() => {
        kong341 = kongChart("kong-3.4.1.tgz");
        gateway320 = kongChart(new Uint8Array(execFileSync("tar", ["-xzf", path.join(sharedDir(), "charts", "ingress-0.24.0.tgz"), "-O", "ingress/charts/kong-3.2.0.tgz"])));
        ingressValues = yaml.load(untar("ingress-0.24.0.tgz", "ingress/values.yaml")) as Obj;
        ingressChartYaml = yaml.load(untar("ingress-0.24.0.tgz", "ingress/Chart.yaml")) as Obj;
    });

    /** Keys missing from values.yaml must be documented there in a comment and read by a template. */
    function expectChartReads(chart: Chart, values: Obj, where: string) {
        const commented = commentedKeys(chart.valuesText);
        for (const key of keysNotIn(values, chart.values)) {
            expect(commented.has(key), `${where}${key} is not in values.yaml`).to.equal(true);
            expect(chart.templates, `${where}${key}: no template reads it`).to.include(key.split(".").pop());
        }
    }

    it(`chart "kong": every key is one kong 3.4.1 reads (values.yaml)`, () => {
        for (const i of everyInput(KongChart.Kong)) expectChartReads(kong341, kongHelmValues(i), "");
    });

    it(`chart "ingress": controller/gateway are the ingress 0.24.0 aliases, and every key below them one kong 3.2.0 reads`, () => {
        expect(ingressChartYaml.dependencies.map((d: Obj) => [d.name, d.alias, d.version])).to.deep.equal([["kong", "controller", "=3.2.0"], ["kong", "gateway", "=3.2.0"]]);
        for (const i of everyInput(KongChart.Ingress)) {
            const values = kongHelmValues(i);
            expect(Object.keys(values)).to.have.members(["controller", "gateway"]);
            for (const alias of ["controller", "gateway"]) expectChartReads(gateway320, values[alias] as Obj, `${alias}.`);
        }
    });

    it("Kong Manager: both charts create its Service as a NodePort unless told not to, and the values turn it off", () => {
        for (const chart of [kong341, gateway320]) {
            expect((chart.values.manager as Obj)).to.include({ enabled: true, type: "NodePort" });
            expect(chart.templates).to.match(/if and \.Values\.manager\.enabled/);
        }
        for (const i of [...everyInput(KongChart.Kong), ...everyInput(KongChart.Ingress)]) expect(kongGatewayValues(i).manager).to.deep.equal({ enabled: false });
    });

    it("the drain values replace the charts' own preStop hook and grace period, which read the same keys", () => {
        for (const chart of [kong341, gateway320]) {
            expect(chart.values.lifecycle.preStop.exec.command).to.deep.equal(["kong", "quit", "--wait=15"]);
            expect(chart.values.terminationGracePeriodSeconds).to.equal(30);
            expect(chart.templates).to.include("{{- toYaml .Values.lifecycle | nindent 10 }}").and.include("terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}");
        }
    });

    it("proxy protocol: the chart's listeners take extra parameters, and the TLS status listener is off by default on 8543", () => {
        for (const chart of [kong341, gateway320]) {
            expect(chart.values.proxy.tls.parameters).to.deep.equal(["http2"]); // kept beside proxy_protocol
            expect(chart.values.status.tls).to.include({ enabled: false, containerPort: KONG_PORTS.statusTls });
            expect(chart.values.status.http).to.include({ enabled: true, containerPort: KONG_PORTS.status }); // the kubelet's probes, without the header
            expect(chart.templates).to.include("{{- range $param := .parameters | default (list) | uniq }}");
        }
    });

    it("names the proxy Service as the charts render it: <release>-<chart name or alias>-proxy", () => {
        // kong.fullname (templates/_helpers.tpl): release-name cut to 63 without a trailing dash; the proxy Service
        // (templates/service-kong-proxy.yaml via kong.service) appends -proxy. Helm gives an aliased dependency its alias as .Chart.Name.
        for (const chart of [kong341, gateway320]) {
            expect(chart.templates).to.match(/define "kong.fullname"[^]*?default \.Chart\.Name \.Values\.nameOverride[^]*?printf "%s-%s" \.Release\.Name \$name \| trunc 63 \| trimSuffix "-"/);
            expect(chart.templates).to.include('name: {{ .nameOverride | default (printf "%s-%s" .fullName .serviceName) }}');
            expect(chart.templates).to.include('"fullName" (include "kong.fullname" .)').and.to.include('"serviceName" "proxy"');
            expect(chart.values.proxy.nameOverride ?? "").to.equal("");
            expect(chart.values).to.not.have.any.keys("nameOverride", "fullnameOverride");
        }
        const rendered = (release: string, name: string) => `${`${release}-${name}`.slice(0, 63).replace(/-$/, "")}-proxy`;
        for (let n = 1; n <= HELM_RELEASE_NAME_MAX; n++) {
            const release = "r".repeat(n);
            expect(kongProxyServiceName(KongChart.Kong, release)).to.equal(rendered(release, "kong"));
            expect(kongProxyServiceName(KongChart.Ingress, release)).to.equal(rendered(release, "gateway"));
            // The ingress chart tells its controller to publish this Service (controller.proxy.nameOverride).
            expect(kongProxyServiceName(KongChart.Ingress, release)).to.equal(ingressValues.controller.proxy.nameOverride.replace("{{ .Release.Name }}", release));
        }
        for (const i of [...everyInput(KongChart.Kong), ...everyInput(KongChart.Ingress)]) expect(JSON.stringify(kongHelmValues(i))).to.not.match(/nameOverride/);
    });

    it("mesh pod annotations are the ones the charts ship, 8444 being Kong's admin TLS port", () => {
        // The charts set both meshes' annotations by default; the rules set the ones of the mesh in use.
        const union = (pick: (v: Obj) => Obj) => Object.assign({}, ...Object.values(MeshKind).map((meshKind) => pick(kongHelmValues(inputs({ meshKind })))));
        // Beyond the charts' own: the sidecar size, which the charts leave to the mesh's defaults.
        const gateway = union((v) => v.gateway.podAnnotations);
        const shipped = Object.fromEntries(Object.entries(gateway).filter(([k]) => k in kong341.values.podAnnotations));
        expect(shipped).to.deep.equal(kong341.values.podAnnotations).and.to.deep.equal(gateway320.values.podAnnotations);
        expect(Object.keys(gateway).filter((k) => !(k in shipped))).to.have.members(["sidecar.istio.io/proxyCPU", "sidecar.istio.io/proxyCPULimit", "sidecar.istio.io/proxyMemory", "sidecar.istio.io/proxyMemoryLimit"]);
        expect(union((v) => v.controller.podAnnotations)).to.deep.equal(ingressValues.controller.podAnnotations);
        expect(String(gateway320.values.admin.tls.containerPort)).to.equal("8444");
    });

    it("env: the chart makes every key a KONG_ variable, and each is a Kong 3.9.3 setting or an nginx_http_ directive", () => {
        // kong.env (templates/_helpers.tpl) ranges over .Values.env and upper-cases each key behind KONG_.
        for (const chart of [kong341, gateway320]) expect(chart.templates).to.match(/range \$key, \$val := \.Values\.env[^]*?printf "KONG_%s" \$upper/);
        const kong = JSON.parse(fs.readFileSync(path.join(repoRoot(), "tests", "fixtures", "kong", "kong-3.9.3-memory-and-keepalive.json"), "utf8"));
        const known = (key: string) =>
            key in gateway320.values.env || key in kong.kongDefaults || (key.startsWith("nginx_http_") && key.slice("nginx_http_".length) in kong.nginxDefaults);
        for (const i of [...everyInput(KongChart.Kong), ...everyInput(KongChart.Ingress)]) {
            const env = kongGatewayValues(i).env as Obj;
            for (const key of Object.keys(env)) expect(known(key), `env.${key}`).to.equal(true);
            expect(env).to.include({ mem_cache_size: `${i.sizing.memCacheSizeMib}m`, nginx_http_keepalive_time: `${i.sizing.connectionRecycling.maxAgeSeconds}s` });
        }
    });

    it("HPA: only `metrics` (what the charts render under autoscaling/v2), a ContainerResource on the chart's proxy container", () => {
        for (const chart of [kong341, gateway320]) {
            // templates/hpa.yaml: metrics under autoscaling/v2 (or v2beta2), targetCPUUtilizationPercentage only in the v1 branch.
            expect(chart.templates).to.match(/contains "autoscaling\/v2" \(include "kong.autoscalingVersion" \. \) \}\}\s*metrics:\s*\{\{- toYaml \.Values\.autoscaling\.metrics[^]*?\{\{- else \}\}\s*targetCPUUtilizationPercentage:/);
            // templates/deployment.yaml: the Kong container, beside the optional controller container and any mesh sidecar.
            expect(chart.templates).to.include(`      - name: "${KONG_PROXY_CONTAINER}"\n        image: {{ include "kong.getRepoTag" .Values.image }}`);
        }
        const hpa = kongGatewayValues(inputs({ sizing: SIZINGS[1] })).autoscaling as Obj;
        expect(hpa).to.not.have.property("targetCPUUtilizationPercentage");
        expect(hpa.metrics).to.deep.equal([
            { type: "ContainerResource", containerResource: { name: "cpu", container: "proxy", target: { type: "Utilization", averageUtilization: SIZINGS[1].targetCpuUtilizationPercent } } },
        ]);
    });

    it("ports, worker count and IngressClass agree with the chart defaults", () => {
        for (const c of [kong341, gateway320]) {
            expect(c.values.proxy.http.containerPort).to.equal(KONG_PORTS.proxyHttp); // NLB TLS termination forwards here
            expect(c.values.proxy.tls.servicePort).to.equal(KONG_PORTS.proxyServiceTls);
            expect(c.values.env.nginx_worker_processes).to.equal(String(SCALING_MODE_DEFAULTS.vertical.cpu));
            expect(c.values.ingressController.ingressClass).to.equal(INPUT_DEFAULTS.KongSettings.ingressClassName);
        }
    });
});

describe("kongValues: shape", () => {
    it("puts the same gateway values under `gateway` (ingress) or at the top level beside ingressController (kong)", () => {
        const controller = { ingressClass: "edge", resources: { requests: { cpu: "1" } } };
        const ingress = kongHelmValues(inputs({ ingressClassName: "edge", controllerResources: controller.resources, meshKind: MeshKind.Kuma }));
        expect(ingress.gateway).to.deep.equal(kongGatewayValues(inputs({ meshKind: MeshKind.Kuma })));
        expect((ingress.controller as Obj).ingressController).to.deep.equal(controller);
        const kong = kongHelmValues(inputs({ chart: KongChart.Kong, ingressClassName: "edge", controllerResources: controller.resources }));
        expect(kong).to.deep.equal({ ...kongGatewayValues(inputs()), ingressController: controller });
    });

    it("Guaranteed QoS: requests equal limits, CPU in whole cores and memory in Mi", () => {
        expect(gatewayResources(SIZINGS[0])).to.deep.equal({ requests: { cpu: "4", memory: "2560Mi" }, limits: { cpu: "4", memory: "2560Mi" } });
    });

    it("ALB: a ClusterIP proxy speaking HTTP/2 on its cleartext port, nothing for a load balancer", () => {
        expect(kongGatewayValues(inputs({ loadBalancer: LBS[2][0] })).proxy).to.deep.equal({ type: "ClusterIP", http: { parameters: ["http2"] } });
    });

    it("NLB: the user's annotations beside the rules', TLS to port 8000 only with a certificate, Auto Mode's class only under Auto Mode", () => {
        const extra = { "example.com/team": "edge" };
        const plain = kongGatewayValues(inputs({ loadBalancer: { type: LoadBalancerType.Nlb, clientIpMode: ClientIpMode.None, annotations: extra } })).proxy as Obj;
        expect(plain).to.include({ type: "LoadBalancer" }).and.not.have.any.keys("tls", "loadBalancerClass");
        expect(plain.annotations).to.include(extra).and.include({ "service.beta.kubernetes.io/aws-load-balancer-type": "external" });
        const auto = kongGatewayValues(inputs({ loadBalancer: { ...LBS[0][0], clientIpMode: ClientIpMode.None }, eksAutoMode: true })).proxy as Obj;
        expect(auto).to.deep.include({ loadBalancerClass: "eks.amazonaws.com/nlb", tls: { overrideServiceTargetPort: KONG_PORTS.proxyHttp } });
        expect(auto.annotations).to.not.have.property("service.beta.kubernetes.io/aws-load-balancer-type");
    });

    it("NLB proxy protocol (the default): both proxy listeners and the TLS status listener require it, with or without TLS at the NLB", () => {
        for (const [loadBalancer, eksAutoMode] of [[{ type: LoadBalancerType.Nlb }, false], [{ type: LoadBalancerType.Nlb, certificateArn: CERT }, true]] as const) {
            const values = kongGatewayValues(inputs({ loadBalancer, eksAutoMode }));
            const proxy = values.proxy as Obj;
            expect(proxy.http.parameters).to.deep.equal(["http2", "proxy_protocol"]);
            expect(proxy.tls.parameters).to.deep.equal(["http2", "proxy_protocol"]);
            expect(values.status).to.deep.equal({ tls: { enabled: true, containerPort: KONG_PORTS.statusTls, parameters: ["proxy_protocol"] } });
            expect(values.env).to.include({ real_ip_header: "proxy_protocol" });
        }
        for (const clientIpMode of [ClientIpMode.PreserveClientIp, ClientIpMode.None]) {
            const values = kongGatewayValues(inputs({ loadBalancer: { type: LoadBalancerType.Nlb, clientIpMode } }));
            expect((values.proxy as Obj).http.parameters).to.deep.equal(["http2"]);
            expect(values).to.not.have.property("status");
            expect(values.env).to.deep.equal(kongSizingEnv(SIZINGS[0]));
        }
    });

    it("every load balancer: the gateway drains for drainSeconds (preStop wait) inside its grace period", () => {
        for (const [loadBalancer] of LBS) {
            const values = kongGatewayValues(inputs({ loadBalancer: { ...loadBalancer, drainSeconds: 45 } }));
            expect(values).to.deep.include({ terminationGracePeriodSeconds: 60, lifecycle: { preStop: { exec: { command: ["kong", "quit", "--wait=45", "--timeout=10"] } } } });
        }
    });

    it("one replica: no PodDisruptionBudget, which would block every node drain", () => {
        const one = kongGatewayValues(inputs({ sizing: computeKongSizing({ loadBalancerType: "nlb", vertical: { cpu: 2, replicas: 1 } }) }));
        expect(one).to.deep.include({ replicaCount: 1, autoscaling: { enabled: false }, podDisruptionBudget: { enabled: false } });
        const hpa = kongGatewayValues(inputs({ sizing: computeKongSizing({ loadBalancerType: "alb", horizontal: { minReplicas: 1, maxReplicas: 4 } }) }));
        expect(hpa).to.not.have.property("replicaCount");
        expect(hpa.podDisruptionBudget).to.deep.equal({ enabled: false });
    });
});
