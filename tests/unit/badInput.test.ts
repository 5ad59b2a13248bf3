// The bad-input catalogue: each invalid combination is rejected before anything is registered, with
// a message naming the field, the value and the fix.
import { expect } from "chai";
import { EdgeStack } from "../../provider/src/components/edgeStack";
import { GrpcService } from "../../provider/src/components/grpcService";
import { KongGateway } from "../../provider/src/components/kongGateway";
import { LoadBalancerController } from "../../provider/src/components/loadBalancerController";
import { MeshNamespace } from "../../provider/src/components/meshNamespace";
import type { EdgeStackArgs } from "../../provider/src/generated/schema-types";
import * as pulumi from "@pulumi/pulumi";
import { MeshedgeInputError } from "../../provider/src/components/validation";
import { CERT, greeter, nlbVerticalIstio, OIDC, orders } from "../../scripts/lib/scenarios";
import { renderError } from "../../scripts/lib/mock-runtime";

const base: EdgeStackArgs = { loadBalancer: { type: "nlb" }, services: [greeter] };

interface Case {
    readonly title: string;
    readonly build: () => unknown;
    /** Every fragment must appear in the error message: field = value, the reason, the fix. */
    readonly message: (string | RegExp)[];
}

const edge = (args: EdgeStackArgs) => () => new EdgeStack("edge", args);

const cases: Case[] = [
    {
        title: "NLB + horizontal without acceptL4Imbalance",
        build: edge({ ...base, scalingMode: "horizontal", horizontal: { minReplicas: 3 } }),
        message: ['scalingMode = "horizontal"', "NLB balances per TCP connection", "set acceptL4Imbalance: true"],
    },
    {
        title: "vertical object with mode horizontal",
        build: edge({ ...base, loadBalancer: { type: "alb", certificateArn: CERT }, scalingMode: "horizontal", vertical: { cpu: 2 } }),
        message: ['vertical = {"cpu":2}', 'scalingMode is "horizontal", so a vertical object does not apply', 'set scalingMode to "vertical"'],
    },
    {
        title: "horizontal object with mode vertical",
        build: edge({ ...base, scalingMode: "vertical", vertical: { cpu: 2 }, horizontal: { minReplicas: 2 } }),
        message: ['horizontal = {"minReplicas":2}', 'scalingMode is "vertical"', 'set scalingMode to "horizontal"'],
    },
    {
        title: "horizontal object when auto resolves to vertical behind an NLB",
        build: edge({ ...base, horizontal: { minReplicas: 2 } }),
        message: ["horizontal = ", 'scalingMode "auto" resolves to vertical behind an NLB'],
    },
    {
        title: "cpu below 1",
        build: edge({ ...base, scalingMode: "vertical", vertical: { cpu: 0 } }),
        message: ["vertical.cpu = 0", "must be a whole number from 1 to 64", "one worker per whole CPU"],
    },
    {
        title: "cpu not an integer",
        build: edge({ ...base, scalingMode: "vertical", vertical: { cpu: 1.5 } }),
        message: ["vertical.cpu = 1.5", "must be a whole number"],
    },
    {
        title: "memoryPerWorkerMib below 500",
        build: edge({ ...base, scalingMode: "vertical", vertical: { cpu: 2, memoryPerWorkerMib: 256 } }),
        message: ["vertical.memoryPerWorkerMib = 256", "about 500 MB", "set it to 512 (the default) or more"],
    },
    {
        title: "memCacheSizeMib of 0 (nginx refuses a zero-size shared zone)",
        build: edge({ ...base, scalingMode: "vertical", vertical: { cpu: 2, memCacheSizeMib: 0 } }),
        message: ["vertical.memCacheSizeMib = 0", "must be a whole number from 8 to 65536", "the pod holds two caches of it"],
    },
    {
        title: "connection recycling every few seconds",
        build: edge({ ...base, connectionRecycling: { maxAgeSeconds: 5 } }),
        message: ["connectionRecycling.maxAgeSeconds = 5", "must be a whole number from 10 to 604800", "use seconds such as 300"],
    },
    {
        title: "minReplicas above maxReplicas",
        build: edge({ ...base, loadBalancer: { type: "alb", certificateArn: CERT }, horizontal: { minReplicas: 6, maxReplicas: 3 } }),
        message: ["horizontal.maxReplicas = 3", "is below minReplicas (6)", "raise maxReplicas to 6 or more"],
    },
    {
        title: "ALB without a certificate",
        build: edge({ ...base, loadBalancer: { type: "alb" } }),
        message: ["loadBalancer.certificateArn = (unset)", "HTTPS listener", "set certificateArn"],
    },
    {
        title: "Istio and Kuma together",
        build: edge({ ...base, mesh: { istio: {}, kuma: {} } }),
        message: ["mesh.kuma = {}", "is set together with istio", "keep exactly one of istio and kuma"],
    },
    {
        title: "istio.io/rev with istio-injection on a namespace",
        build: () => new MeshNamespace("apps", { name: "apps", istio: { revision: "canary" }, labels: { "istio-injection": "enabled" } }),
        message: ['labels["istio-injection"] = "enabled"', "istio-injection wins", "remove istio-injection"],
    },
    {
        title: "service name not DNS-1123",
        build: edge({ ...base, services: [{ ...greeter, name: "Greeter_API" }] }),
        message: ['services[0].name = "Greeter_API"', "not a DNS-1123 label", 'use a name such as "orders-api"'],
    },
    {
        title: "namespace not DNS-1123",
        build: edge({ ...base, kong: { namespace: "Kong.System" } }),
        message: ['kong.namespace = "Kong.System"', "not a DNS-1123 label"],
    },
    {
        title: "component name not DNS-1123",
        build: () => new EdgeStack("Edge!", base),
        message: ['name = "Edge!"', "not a DNS-1123 label"],
    },
    {
        title: "duplicate service names",
        build: edge({ ...base, services: [greeter, { ...greeter, paths: ["/other.Svc/"] }] }),
        message: ['services[1].name = "greeter"', "duplicates services[0] in namespace apps", "unique name"],
    },
    {
        title: "duplicate routes",
        build: edge({ ...base, services: [greeter, { ...orders, hosts: undefined, paths: ["/helloworld.Greeter/"] }] }),
        message: ['services[1].paths = "/helloworld.Greeter/"', "already routed to services[0]"],
    },
    {
        title: "port out of range",
        build: edge({ ...base, services: [{ ...greeter, port: 70000 }] }),
        message: ["services[0].port = 70000", "is not a TCP port", "from 1 to 65535"],
    },
    {
        title: "malformed gRPC path",
        build: edge({ ...base, services: [{ ...greeter, paths: ["helloworld.Greeter"] }] }),
        message: ['services[0].paths[0] = "helloworld.Greeter"', "is not a gRPC path", '"/<package>.<Service>/"'],
    },
    {
        title: "Auto Mode with a controller install",
        build: edge({ ...base, eksAutoMode: true, clusterName: "prod", loadBalancerController: { install: true, oidcProviderArn: OIDC } }),
        message: ["loadBalancerController.install = true", "EKS Auto Mode runs its own load balancer controller", "remove loadBalancerController.install"],
    },
    {
        title: "annotation Auto Mode does not support",
        build: edge({ ...base, eksAutoMode: true, loadBalancer: { type: "nlb", annotations: { "service.beta.kubernetes.io/aws-load-balancer-proxy-protocol": "*" } } }),
        message: ['loadBalancer.annotations["service.beta.kubernetes.io/aws-load-balancer-proxy-protocol"] = "*"', "not supported by EKS Auto Mode"],
    },
    {
        title: "ALB OIDC authentication under Auto Mode",
        build: edge({ ...base, eksAutoMode: true, loadBalancer: { type: "alb", certificateArn: CERT, annotations: { "alb.ingress.kubernetes.io/auth-type": "oidc" } } }),
        message: ['loadBalancer.annotations["alb.ingress.kubernetes.io/auth-type"] = "oidc"', '"oidc" is not supported by EKS Auto Mode', "authenticate in Kong"],
    },
    {
        title: "target group attributes by annotation",
        build: edge({ ...base, loadBalancer: { type: "nlb", annotations: { "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": "deregistration_delay.timeout_seconds=5" } } }),
        message: ["aws-load-balancer-target-group-attributes", "is set by meshedge's load balancer rules", "use the typed loadBalancer field"],
    },
    {
        title: "drain longer than a target group allows",
        build: edge({ ...base, loadBalancer: { type: "nlb", drainSeconds: 7200 } }),
        message: ["loadBalancer.drainSeconds = 7200", "from 0 to 3600"],
    },
    {
        title: "a service read timeout in milliseconds by mistake",
        build: edge({ ...base, services: [{ ...greeter, readTimeoutSeconds: 3600000 }] }),
        message: ["services[0].readTimeoutSeconds = 3600000", "from 1 to 2147483"],
    },
    {
        title: "annotation that overrides a rule",
        build: edge({ ...base, loadBalancer: { type: "nlb", annotations: { "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "instance" } } }),
        message: ["aws-load-balancer-nlb-target-type", "is set by meshedge's load balancer rules", "use the typed loadBalancer field"],
    },
    {
        title: "chart source with two origins",
        build: edge({ ...base, kong: { chartSource: { repository: "https://charts.example.com", path: "./ingress.tgz" } } }),
        message: ["kong.chartSource = ", "sets repository and path", "keep only one of repository, oci and path"],
    },
    {
        title: "chart repository that is not a URL",
        build: edge({ ...base, kong: { chartSource: { repository: "charts.konghq.com" } } }),
        message: ['kong.chartSource.repository = "charts.konghq.com"', "is not an http(s) URL"],
    },
    {
        title: "OCI reference without oci://",
        build: edge({ ...base, kong: { chartSource: { oci: "registry.example.com/kong/ingress" } } }),
        message: ['kong.chartSource.oci = "registry.example.com/kong/ingress"', "is not an oci:// chart reference"],
    },
    {
        title: "IRSA without the OIDC provider",
        build: edge({ ...base, clusterName: "prod", loadBalancerController: { install: true } }),
        message: ["loadBalancerController.oidcProviderArn = (unset)", "IRSA needs the cluster's IAM OIDC provider", 'use identity "podIdentity"'],
    },
    {
        title: "controller install without the cluster name",
        build: edge({ ...base, loadBalancerController: { install: true, identity: "podIdentity" } }),
        message: ["clusterName = (unset)", "needs the cluster name"],
    },
    {
        title: "credential without its plugin",
        build: edge({ ...base, services: [{ ...greeter, consumers: [{ username: "ci", keyAuthKey: "x" }] }] }),
        message: ['services[0].consumers[0].keyAuthKey = "(secret)"', "the keyAuth plugin is not enabled", "enable plugins.keyAuth"],
    },
    {
        title: "rate limiting without a limit",
        build: edge({ ...base, services: [{ ...greeter, plugins: { rateLimiting: {} } }] }),
        message: ["services[0].plugins.rateLimiting = {}", "sets no limit"],
    },
    {
        title: "rate limiting policy cluster (Kong runs without a database)",
        build: edge({ ...base, services: [{ ...greeter, plugins: { rateLimiting: { minute: 10, policy: "cluster" as never } } }] }),
        message: ['services[0].plugins.rateLimiting.policy = "cluster"', "no `cluster` policy", 'use "local", "redis"'],
    },
    {
        title: "rate limits out of Kong's period order",
        build: edge({ ...base, services: [{ ...greeter, plugins: { rateLimiting: { second: 100, minute: 60 } } }] }),
        message: ["services[0].plugins.rateLimiting.minute = 60", "is lower than second (100)", "raise minute to at least 100, or lower second to at most 60"],
    },
    {
        title: "redis policy without its connection",
        build: edge({ ...base, services: [{ ...greeter, plugins: { rateLimiting: { minute: 10, policy: "redis" } } }] }),
        message: ["services[0].plugins.rateLimiting.redis = (unset)", "is required with policy redis", "or use policy local"],
    },
    {
        title: "cors on a gRPC route (no grpcWeb)",
        build: edge({ ...base, services: [{ ...greeter, plugins: { cors: { origins: ["https://app.example.com"] } } }] }),
        message: ["services[0].plugins.cors = ", "415", "set grpcWeb: true"],
    },
    {
        title: "authMode any with one authentication plugin",
        build: edge({ ...base, services: [{ ...greeter, plugins: { keyAuth: {}, authMode: "any" } }] }),
        message: ['services[0].plugins.authMode = "any"', "only key-auth is enabled", "enable another of keyAuth, jwt, hmacAuth"],
    },
    {
        title: "image tagged :latest",
        build: edge({ ...base, services: [{ ...greeter, image: "ghcr.io/example/greeter:latest" }] }),
        message: ['services[0].image = "ghcr.io/example/greeter:latest"', "is tagged `latest`", "pin a version tag or digest"],
    },
    {
        title: "image without a tag",
        build: edge({ ...base, services: [{ ...greeter, image: "ghcr.io/example/greeter" }] }),
        message: ['services[0].image = "ghcr.io/example/greeter"', "has no tag, so it means `latest`", "pin a version tag or digest"],
    },
    {
        title: "image on a registry with a port and no tag (the port is not a tag)",
        build: edge({ ...base, services: [{ ...greeter, image: "registry.internal:5000/greeter" }] }),
        message: ['services[0].image = "registry.internal:5000/greeter"', "a `host:port/` prefix is the registry, not a tag", "pin a version tag or digest"],
    },
    {
        title: "image digest that is not a full sha256",
        build: edge({ ...base, services: [{ ...greeter, image: "ghcr.io/example/greeter@sha256:deadbeef" }] }),
        message: ['services[0].image = "ghcr.io/example/greeter@sha256:deadbeef"', "not 64 lowercase hex digits", "copy the full sha256 digest"],
    },
    {
        title: "service security weaker than its namespace's enforced Pod Security level",
        build: edge({ ...base, services: [{ ...greeter, securityContext: { allowPrivilegeEscalation: true } }] }),
        message: ['services[0].securityContext = {"allowPrivilegeEscalation":true}', 'meets Pod Security "baseline" only (allowPrivilegeEscalation true)', 'namespace apps enforces "restricted"', 'set podSecurity.enforce to "baseline"'],
    },
    {
        title: "PodDisruptionBudget minAvailable not below replicas (drains would hang)",
        build: edge({ ...base, services: [{ ...greeter, replicas: 2, podDisruptionBudget: { minAvailable: 2 } }] }),
        message: ["services[0].podDisruptionBudget.minAvailable = 2", "is not below replicas (2)", "use at most 1, or maxUnavailable: 1"],
    },
    {
        title: "root UID with runAsNonRoot left on",
        build: edge({ ...base, services: [{ ...greeter, securityContext: { runAsUser: 0 } }] }),
        message: ["services[0].securityContext.runAsUser = 0", "is root, which runAsNonRoot", "use a non-zero UID such as 65532"],
    },
    {
        title: "Pod Security version that is not v1.<minor> or latest",
        build: edge({ ...base, podSecurity: { version: "1.34" } }),
        message: ['podSecurity.version = "1.34"', "is not a Pod Security Standards version", 'use "v1.<minor>"'],
    },
    {
        title: "a service's resources with a quantity Kubernetes cannot parse (found by the fuzzer)",
        build: edge({ ...base, services: [{ ...greeter, resources: { limits: { cpu: "S2hyEf:F3" } } }] }),
        message: ['services[0].resources.limits["cpu"] = "S2hyEf:F3"', "is not a Kubernetes quantity", '"256Mi" for memory'],
    },
    {
        title: "a controller resource name with a space (found by the fuzzer)",
        build: edge({ ...base, kong: { controllerResources: { requests: { "my cpu": "1" } } } }),
        message: ['kong.controllerResources.requests["my cpu"] = "1"', "is not a resource name", '"ephemeral-storage"'],
    },
    {
        title: "a topology spread maxSkew above int32 (found by the fuzzer)",
        build: edge({ ...base, services: [{ ...greeter, topologySpread: { maxSkew: Number.MAX_SAFE_INTEGER } }] }),
        message: ["services[0].topologySpread.maxSkew = 9007199254740991", "must be a whole number from 1 to 2147483647", "use 1 for an even spread"],
    },
    {
        title: "a PodDisruptionBudget count above int32",
        build: edge({ ...base, services: [{ ...greeter, replicas: 3, podDisruptionBudget: { maxUnavailable: 2 ** 31 } }] }),
        message: ["services[0].podDisruptionBudget.maxUnavailable = 2147483648", "must be a whole number from 1 to 2147483647", "use 1"],
    },
    {
        title: "a string where the schema says integer (raw engine call or YAML)",
        build: edge({ ...base, services: [{ ...greeter, port: "50051" as never }] }),
        message: ['services[0].port = "50051"', "is a string, not a whole number", "set services[0].port to a whole number"],
    },
    {
        title: "an object where the schema says list",
        build: edge({ ...base, services: { greeter } as never }),
        message: ["services = {", "is an object, not a list of objects with name, namespace", "set services to a list"],
    },
    {
        title: "NaN where a count belongs",
        build: edge({ ...base, scalingMode: "vertical", vertical: { cpu: Number.NaN } }),
        message: ["vertical.cpu = null", "is NaN, not a whole number"],
    },
    {
        title: "Infinity inside Helm values (YAML cannot carry it)",
        build: edge({ ...base, kong: { values: { gateway: { replicaCount: Infinity } } } }),
        message: ["kong.values.gateway.replicaCount = null", "is an infinite number, which YAML and JSON cannot carry", "use a finite number"],
    },
    {
        title: "null for an object",
        build: edge({ ...base, mesh: null as never }),
        message: ["mesh = null", "is null", "or leave it out for its default"],
    },
    {
        title: "a snake_case key (a Python spelling through a raw call)",
        build: edge({ ...base, scaling_mode: "vertical" } as never),
        message: ['scaling_mode = "vertical"', "is not a field of these inputs", "rename it to scalingMode"],
    },
    {
        title: "an unknown nested key",
        build: edge({ ...base, loadBalancer: { type: "nlb", tls: true } as never }),
        message: ["loadBalancer.tls = true", "is not a field of loadBalancer", "remove it; the fields are type, scheme"],
    },
    {
        title: "a hole in a list",
        build: edge({ ...base, services: [{ ...greeter, paths: ["/helloworld.Greeter/", null as never] }] }),
        message: ["services[0].paths[1] = null", "is an empty list item", "remove it, or set it to a string"],
    },
    {
        title: "a required nested field missing",
        build: edge({ ...base, services: [{ name: "greeter", namespace: "apps" } as never] }),
        message: ["services[0].paths = (unset)", "is required", "set services[0].paths to a list of strings"],
    },
    {
        title: "a number where the schema says string",
        build: edge({ ...base, clusterName: 42 as never }),
        message: ["clusterName = 42", "is a whole number, not a string"],
    },
    {
        title: "an annotation key the API server rejects",
        build: edge({ ...base, loadBalancer: { type: "nlb", annotations: { "my key": "v" } } }),
        message: ['loadBalancer.annotations["my key"] = "v"', "is not a valid annotation key", "service.beta.kubernetes.io/aws-load-balancer-name"],
    },
    {
        title: "an empty image (the API server requires one)",
        build: edge({ ...base, services: [{ ...greeter, image: "" }] }),
        message: ['services[0].image = ""', "is not a container image reference", "leave image unset to select existing pods"],
    },
    {
        title: "replicas beyond a Deployment's int32",
        build: edge({ ...base, services: [{ ...greeter, replicas: 2147483648 }] }),
        message: ["services[0].replicas = 2147483648", "from 0 to 2147483647", "use e.g. 2"],
    },
    {
        title: "KongGateway alone: NLB + horizontal",
        build: () => new KongGateway("kong", { namespace: "kong", loadBalancer: { type: "nlb" }, scalingMode: "horizontal" }),
        message: ['scalingMode = "horizontal"', "acceptL4Imbalance"],
    },
    {
        title: "GrpcService alone: GRPCRoute without a Gateway",
        build: () => new GrpcService("greeter", { service: { ...greeter, routeKind: "grpcRoute" } }),
        message: ["gatewayName = (unset)", "a GRPCRoute needs a parent Gateway"],
    },
    {
        title: "LoadBalancerController alone: malformed OIDC provider ARN",
        build: () => new LoadBalancerController("lbc", { clusterName: "prod", oidcProviderArn: "oidc.eks.eu-west-1.amazonaws.com/id/X" }),
        message: ['oidcProviderArn = "oidc.eks.eu-west-1.amazonaws.com/id/X"', "is not an IAM OIDC provider ARN"],
    },
];

describe("bad input", () => {
    for (const c of cases) {
        it(`rejects ${c.title}`, async () => {
            const { error, registered } = await renderError(c.build);
            expect(error).to.be.instanceOf(MeshedgeInputError);
            const text = (error as MeshedgeInputError).describe();
            for (const fragment of c.message) {
                if (typeof fragment === "string") expect(text).to.include(fragment);
                else expect(text).to.match(fragment);
            }
            expect(text).to.match(/Fix: /);
            expect(registered, "nothing may be registered for rejected inputs").to.deep.equal([]);
        });
    }

    it("reports every problem at once", async () => {
        const { error } = await renderError(edge({ ...base, loadBalancer: { type: "alb" }, mesh: { istio: {}, kuma: {} }, services: [{ ...greeter, port: 0 }] }));
        expect((error as MeshedgeInputError).problems.map((p) => p.field)).to.have.members(["loadBalancer.certificateArn", "mesh.kuma", "services[0].port"]);
    });

    it("is Pulumi's InputPropertiesError: one property path and reason (with its fix) per problem, for the engine to print", async () => {
        const { error } = await renderError(edge({ ...base, services: [{ ...greeter, paths: ["/bad path"] }] }));
        expect(pulumi.InputPropertiesError.isInstance(error)).to.equal(true);
        const { message, errors } = error as pulumi.InputPropertiesError;
        expect(message).to.equal('invalid EdgeStack "edge" inputs (1 problem, each with its fix)');
        expect(errors).to.deep.equal([
            { propertyPath: "services[0].paths[0]", reason: 'is not a gRPC path. Fix: use "/<package>.<Service>/" (e.g. "/helloworld.Greeter/") or "/<package>.<Service>/<Method>".' },
        ]);
    });

    it("accepts the README scenarios", async () => {
        expect(() => new EdgeStack("edge", nlbVerticalIstio)).not.to.throw();
    });
});
