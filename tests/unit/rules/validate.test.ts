// Each component's checks report at the property path the user wrote, and EdgeStack reports the same
// problems its children would, moved under services[i] / kong / loadBalancerController.
import { expect } from "chai";
import { KongChart, LoadBalancerType, MeshKind, RouteKind, type EdgeStackArgs, type GrpcServiceSpecArgs } from "../../../provider/src/generated/schema-types";
import { InputProblem, Problems } from "../../../provider/src/rules/errors";
import {
    checkComponentName, checkEdgeStackArgs, checkGrpcServiceArgs, checkKongGatewayArgs, checkLoadBalancerControllerArgs, checkMeshNamespaceArgs,
} from "../../../provider/src/rules/validate";
import { greeter, OIDC, orders } from "../../../scripts/lib/scenarios";

const run = (f: (p: Problems) => void): readonly InputProblem[] => {
    const problems = new Problems();
    f(problems);
    return problems.list;
};
const fields = (found: readonly InputProblem[]) => found.map((p) => p.field);
/** A problem as the user reads it, with its path moved from one prefix to another. */
const moved = (found: readonly InputProblem[], from: RegExp, to: string) => found.map((p) => ({ ...p, field: p.field.replace(from, to) }));
const edge = (args: Partial<EdgeStackArgs>) => run((p) => checkEdgeStackArgs(p, "edge", { loadBalancer: { type: LoadBalancerType.Nlb }, ...args }));

const badService: GrpcServiceSpecArgs = {
    name: "Greeter", namespace: "apps", port: 0, paths: ["/ok.Svc/", "no-slash"], routeKind: "http" as RouteKind,
    plugins: { rateLimiting: {} }, consumers: [{ username: "ci", hmacSecret: "s" }],
};

describe("validate: each component at its own paths", () => {
    it("component names: DNS-1123 labels of at most 40 characters", () => {
        expect(run((p) => checkComponentName(p, "n".repeat(40)))).to.deep.equal([]);
        const [long] = run((p) => checkComponentName(p, "n".repeat(41)));
        expect(long.field).to.equal("name");
        expect(long.problem).to.include("at most 40 characters");
    });

    it("KongGateway: namespace, load balancer, sizing, mesh kind and chart settings at the top level", () => {
        const found = run((p) => checkKongGatewayArgs(p, "kong", {
            namespace: "Kong", loadBalancer: { type: LoadBalancerType.Alb }, scalingMode: "vertical", vertical: { cpu: 0 },
            meshKind: "linkerd" as MeshKind, chart: "kong-ee" as KongChart, chartSource: { version: "latest" }, ingressClassName: "Kong",
        }));
        expect(fields(found)).to.deep.equal(["namespace", "loadBalancer.certificateArn", "vertical.cpu", "meshKind", "chart", "chartSource.version", "ingressClassName"]);
        expect(fields(run((p) => checkKongGatewayArgs(p, "kong", { loadBalancer: { type: LoadBalancerType.Nlb } } as any)))).to.deep.equal(["namespace"]);
    });

    it("MeshNamespace: needs a mesh; revision and labels at their paths", () => {
        expect(run((p) => checkMeshNamespaceArgs(p, "apps", { name: "apps" })).map((x) => [x.field, x.problem])).to.deep.equal([["istio", "a MeshNamespace needs a mesh"]]);
        expect(fields(run((p) => checkMeshNamespaceArgs(p, "apps", { name: "apps", istio: { revision: "1.30" }, labels: { "istio-injection": "enabled" } })))).to.deep.equal([
            "istio.revision", 'labels["istio-injection"]',
        ]);
    });

    // Both meshes: reported at a property path the user set, never the empty path.
    it("MeshNamespace: both meshes are reported at a property the user set", () => {
        expect(fields(run((p) => checkMeshNamespaceArgs(p, "apps", { name: "apps", istio: {}, kuma: {} })))).to.not.include("");
    });

    it("GrpcService: the spec under service, and the route and mesh settings at the top level", () => {
        expect(fields(run((p) => checkGrpcServiceArgs(p, "greeter", {} as any)))).to.deep.equal(["service"]);
        const found = run((p) => checkGrpcServiceArgs(p, "greeter", { service: { ...greeter, routeKind: RouteKind.GrpcRoute }, meshKind: MeshKind.Istio, kumaMultiZone: true }));
        expect(fields(found)).to.deep.equal(["kumaMultiZone", "gatewayName"]);
        expect(fields(run((p) => checkGrpcServiceArgs(p, "greeter", { service: badService, meshKind: "x" as MeshKind })))).to.deep.equal([
            "meshKind", "service.name", "service.port", "service.paths[1]", "service.routeKind", "service.plugins.rateLimiting", "service.consumers[0].hmacSecret",
        ]);
    });

    it("LoadBalancerController: one clusterName problem when unset or empty; identity and chart source at the top level", () => {
        for (const clusterName of [undefined, ""]) {
            expect(fields(run((p) => checkLoadBalancerControllerArgs(p, "lbc", { clusterName: clusterName as any, oidcProviderArn: OIDC })))).to.deep.equal(["clusterName"]);
        }
        const found = run((p) => checkLoadBalancerControllerArgs(p, "lbc", { clusterName: "prod", identity: "podIdentity", oidcProviderArn: OIDC, chartSource: { oci: "registry/x" } }));
        expect(fields(found)).to.deep.equal(["oidcProviderArn", "chartSource.oci"]);
    });
});

describe("validate: EdgeStack reports what its children would, at its own paths", () => {
    it("a service's problems under services[i], worded as GrpcService words them", () => {
        const child = run((p) => checkGrpcServiceArgs(p, "x", { service: badService }));
        const stack = edge({ services: [orders, badService] });
        expect(stack).to.deep.equal(moved(child, /^service\b/, "services[1]"));
    });

    it("Kong's settings under kong, load balancer and sizing at the top as on KongGateway", () => {
        const settings = { chart: "kong-ee" as KongChart, chartSource: { repository: "charts.konghq.com" }, ingressClassName: "Kong" };
        const front = { loadBalancer: { type: LoadBalancerType.Alb }, scalingMode: "horizontal" as const, horizontal: { minReplicas: 0 } };
        const child = run((p) => checkKongGatewayArgs(p, "x", { namespace: "Kong", ...front, ...settings }));
        const stack = edge({ ...front, kong: { namespace: "Kong", ...settings } });
        expect(stack).to.have.deep.members(moved(child, /^(namespace|chart|chartSource|ingressClassName)\b/, "kong.$1"));
    });

    it("the controller's settings under loadBalancerController, only when it is installed", () => {
        const settings = { identity: "podIdentity" as const, oidcProviderArn: OIDC, chartSource: { path: "" } };
        const child = run((p) => checkLoadBalancerControllerArgs(p, "x", { clusterName: "prod", ...settings }));
        expect(edge({ clusterName: "prod", loadBalancerController: { install: true, ...settings } })).to.deep.equal(moved(child, /^/, "loadBalancerController."));
        expect(edge({ loadBalancerController: { install: false, ...settings } })).to.deep.equal([]);
    });

    it("clusterName once, worded as LoadBalancerController words it", () => {
        const child = run((p) => checkLoadBalancerControllerArgs(p, "x", { clusterName: undefined as any, identity: "podIdentity" }));
        expect(edge({ loadBalancerController: { install: true, identity: "podIdentity" } })).to.deep.equal(child);
    });

    it("mesh chart sources at mesh.istio.baseChart / istiodChart and mesh.kuma.chart", () => {
        expect(fields(edge({ mesh: { istio: { baseChart: { repository: "x" }, istiodChart: { version: "1.30" } } } }))).to.deep.equal(["mesh.istio.baseChart.repository", "mesh.istio.istiodChart.version"]);
        expect(fields(edge({ mesh: { kuma: { chart: { oci: "kuma" } } } }))).to.deep.equal(["mesh.kuma.chart.oci"]);
    });

    it("a consumer username belongs to one service", () => {
        const consumer = { username: "mobile-app", keyAuthKey: "k" };
        const found = edge({ services: [orders, { ...greeter, plugins: { keyAuth: {} }, consumers: [consumer] }] });
        expect(found.map((p) => [p.field, p.problem])).to.deep.equal([["services[1].consumers[0].username", "is already a consumer of services[0]; Kong consumer usernames are global"]]);
    });
});
