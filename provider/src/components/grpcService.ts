import * as pulumi from "@pulumi/pulumi";
import { dependsOnList } from "../builders/dependsOn";
import { skipAwaitAnnotations } from "../builders/skipAwait";
import * as cloud from "../cloud";
import { Defaulted, INPUT_DEFAULTS, withDefaults } from "../defaults";
import { GrpcServiceArgs, GrpcServiceBase, GrpcServiceSpecArgs as GrpcServiceSpec, KongConsumerArgs as KongConsumer } from "../generated/schema-types";
import { grpcRouteAnnotations, grpcRouteMethodMatch, grpcServiceAnnotations, grpcWebRouteAnnotations, ingressPath } from "../rules/grpc";
import { KUMA_MESH_ADDRESS_PORT, kumaMeshAddress } from "../rules/mesh";
import { containerResources, containerSecurityContext, podDisruptionBudgetSpec, podSecurityContext, resolveSecurity, tmpVolume, topologySpreadConstraints } from "../rules/podSecurity";
import { childName } from "../rules/names";
import { ANONYMOUS_CONSUMER, anonymousConsumerUsername, CredentialType, kongPluginSpecs, PluginTarget, pluginNamesFor, REDIS_PASSWORD_KEY } from "../rules/plugins";
import { kongServiceTimeoutAnnotations } from "../rules/streamTimeouts";
import { checkGrpcServiceArgs } from "../rules/validate";
import { validateOnce } from "./validation";

const APP_LABEL = "app.kubernetes.io/name";

/**
 * Each credential a consumer carries, as the Secret keys Kong reads for its type (KIC 3.2+
 * `konghq.com/credential` Secrets); the values stay Pulumi secrets end to end. The order and the
 * types are consumerCredentialTypes' (a JWT needs both its key and secret, which validation checks).
 */
function credentialSecrets(consumer: KongConsumer): [CredentialType, Record<string, pulumi.Input<string>>][] {
    const found: [CredentialType, Record<string, pulumi.Input<string>>][] = [];
    if (consumer.keyAuthKey !== undefined) found.push(["key-auth", { key: pulumi.secret(consumer.keyAuthKey) }]);
    if (consumer.jwtKey !== undefined && consumer.jwtSecret !== undefined) found.push(["jwt", { key: consumer.jwtKey, secret: pulumi.secret(consumer.jwtSecret), algorithm: "HS256" }]);
    if (consumer.hmacSecret !== undefined) found.push(["hmac-auth", { username: consumer.username, secret: pulumi.secret(consumer.hmacSecret) }]);
    return found;
}

type ResolvedSpec = Defaulted<GrpcServiceSpec, typeof INPUT_DEFAULTS.GrpcServiceSpec>;
type ResolvedArgs = Defaulted<GrpcServiceArgs, typeof INPUT_DEFAULTS.GrpcService>;

/** Where Kong sends the route's traffic: the Service, or (multi-zone Kuma) its `.mesh` address. */
interface Backend {
    readonly name: string;
    readonly port: number;
}

/** The Deployment with the secure defaults (rules/podSecurity.ts), and its PodDisruptionBudget when it runs more than one pod. */
function deploymentFor(name: string, spec: ResolvedSpec, image: string, waitForReady: boolean, opts: pulumi.CustomResourceOptions) {
    const port = spec.port;
    const labels = { [APP_LABEL]: spec.name };
    const security = resolveSecurity(spec.securityContext);
    const tmp = tmpVolume(spec.tmpVolume);
    const deployment = new cloud.Deployment(
        name,
        {
            metadata: { name: spec.name, namespace: spec.namespace, labels, annotations: skipAwaitAnnotations(waitForReady) },
            spec: {
                replicas: spec.replicas,
                selector: { matchLabels: labels },
                template: {
                    metadata: { labels },
                    spec: {
                        securityContext: podSecurityContext(security),
                        topologySpreadConstraints: topologySpreadConstraints(spec.topologySpread, labels),
                        containers: [
                            {
                                name: spec.name,
                                image,
                                ports: [{ name: "grpc", containerPort: port, protocol: "TCP" }],
                                // Native gRPC probes (grpc.health.v1); the meshes rewrite them for their sidecars.
                                readinessProbe: { grpc: { port }, periodSeconds: 5 },
                                livenessProbe: { grpc: { port }, initialDelaySeconds: 10, periodSeconds: 10 },
                                resources: containerResources(spec.resources),
                                securityContext: containerSecurityContext(security),
                                volumeMounts: tmp.volumeMounts,
                            },
                        ],
                        volumes: tmp.volumes,
                    },
                },
            },
        },
        opts,
    );
    const budget = podDisruptionBudgetSpec(spec.podDisruptionBudget, spec.replicas, labels);
    if (budget) {
        new cloud.PodDisruptionBudget(childName(name, "pdb"), { metadata: { name: spec.name, namespace: spec.namespace, labels }, spec: budget }, opts);
    }
    return deployment;
}

/** The ClusterIP Service Kong routes to; the annotations tell Kong it speaks gRPC and, in a mesh, to let the sidecar balance. */
function serviceFor(name: string, spec: ResolvedSpec, args: ResolvedArgs, opts: pulumi.CustomResourceOptions): cloud.Service {
    const labels = { [APP_LABEL]: spec.name };
    return new cloud.Service(
        childName(name, "service"),
        {
            metadata: { name: spec.name, namespace: spec.namespace, labels, annotations: { ...grpcServiceAnnotations(args.meshKind), ...kongServiceTimeoutAnnotations(spec), ...skipAwaitAnnotations(args.waitForReady) } },
            spec: { selector: labels, ports: [{ name: "grpc", port: spec.port, targetPort: spec.port, protocol: "TCP", appProtocol: "grpc" }] },
        },
        opts,
    );
}

/** Multi-zone Kuma: an ExternalName Service to the `.mesh` name, which Kong resolves through its sidecar to any zone. */
function meshAddressFor(name: string, spec: ResolvedSpec, opts: pulumi.CustomResourceOptions): Backend {
    const meshServiceName = childName(spec.name, "mesh");
    new cloud.Service(
        childName(name, "mesh-address"),
        {
            metadata: { name: meshServiceName, namespace: spec.namespace, labels: { [APP_LABEL]: spec.name }, annotations: { "konghq.com/protocol": "grpc", ...kongServiceTimeoutAnnotations(spec) } },
            spec: {
                type: "ExternalName",
                externalName: kumaMeshAddress(spec.name, spec.namespace, spec.port),
                ports: [{ name: "grpc", port: KUMA_MESH_ADDRESS_PORT, protocol: "TCP", appProtocol: "grpc" }],
            },
        },
        opts,
    );
    return { name: meshServiceName, port: KUMA_MESH_ADDRESS_PORT };
}

/** The KongPlugins of a service, by what they attach to. */
interface Plugins {
    readonly names: string[];
    readonly resources: pulumi.Resource[];
    namesFor(target: PluginTarget): string[];
}

/**
 * One KongPlugin per enabled plugin, named `<service>-<plugin>`, which the routes (or the anonymous consumer)
 * list. A secret field (the Redis password) goes into a Secret of the same name that the KongPlugin's
 * `configPatches` reads (KongPlugin CRD, ingress chart 0.24.0), so the KongPlugin object never holds it.
 */
function pluginsFor(name: string, spec: ResolvedSpec, opts: pulumi.CustomResourceOptions): Plugins {
    const specs = kongPluginSpecs(spec);
    const names = specs.map((p) => childName(spec.name, p.suffix));
    const resources = specs.flatMap((p, i) => {
        const created: pulumi.Resource[] = [];
        const password = p.plugin === "rate-limiting" ? spec.plugins?.rateLimiting?.redis?.password : undefined;
        const patches = p.secretPatches ?? [];
        if (patches.length > 0 && password !== undefined) {
            created.push(
                new cloud.Secret(
                    childName(name, `${p.suffix}-secret`),
                    // KIC decodes each configPatches value as JSON, so a string is stored quoted.
                    { metadata: { name: names[i], namespace: spec.namespace }, stringData: { [REDIS_PASSWORD_KEY]: pulumi.secret(pulumi.output(password).apply((v) => JSON.stringify(v))) } },
                    opts,
                ),
            );
        }
        const configPatches = patches.map((patch) => ({ path: patch.path, valueFrom: { secretKeyRef: { name: names[i], key: patch.key } } }));
        created.push(
            new cloud.CustomResource(
                childName(name, p.suffix),
                {
                    apiVersion: "configuration.konghq.com/v1",
                    kind: "KongPlugin",
                    metadata: { name: names[i], namespace: spec.namespace },
                    plugin: p.plugin,
                    config: p.config,
                    ...(configPatches.length > 0 ? { configPatches } : {}),
                },
                { ...opts, dependsOn: [...created, ...dependsOnList(opts.dependsOn)] },
            ),
        );
        return created;
    });
    return { names, resources, namesFor: (target) => pluginNamesFor(spec.name, specs, target, childName) };
}

/**
 * Each consumer: a KongConsumer and one credential Secret per credential it carries. In authMode `any`, also the
 * anonymous consumer the auth plugins fall back to, carrying the request-termination plugin that refuses it.
 */
function consumersFor(name: string, spec: ResolvedSpec, ingressClassName: string, plugins: Plugins, opts: pulumi.CustomResourceOptions): void {
    for (const consumer of spec.consumers ?? []) {
        const consumerName = childName(spec.name, consumer.username);
        const credentials = credentialSecrets(consumer).map(([type, stringData]) => {
            const secretName = childName(consumerName, type);
            new cloud.Secret(
                childName(name, `${consumer.username}-${type}`),
                { metadata: { name: secretName, namespace: spec.namespace, labels: { "konghq.com/credential": type } }, stringData },
                opts,
            );
            return secretName;
        });
        new cloud.CustomResource(
            childName(name, `consumer-${consumer.username}`),
            {
                apiVersion: "configuration.konghq.com/v1",
                kind: "KongConsumer",
                metadata: { name: consumerName, namespace: spec.namespace, annotations: { "kubernetes.io/ingress.class": ingressClassName } },
                username: consumer.username,
                credentials,
            },
            opts,
        );
    }
    const anonymousPlugins = plugins.namesFor("anonymousConsumer");
    if (anonymousPlugins.length > 0) {
        new cloud.CustomResource(
            childName(name, `consumer-${ANONYMOUS_CONSUMER}`),
            {
                apiVersion: "configuration.konghq.com/v1",
                kind: "KongConsumer",
                metadata: {
                    name: childName(spec.name, ANONYMOUS_CONSUMER),
                    namespace: spec.namespace,
                    annotations: { "kubernetes.io/ingress.class": ingressClassName, "konghq.com/plugins": anonymousPlugins.join(",") },
                },
                username: anonymousConsumerUsername(spec),
            },
            { ...opts, dependsOn: [...plugins.resources, ...dependsOnList(opts.dependsOn)] },
        );
    }
}

/** A GRPCRoute on Kong's Gateway, one method match per path: every method of a service prefix, exactly the method of a full-method path. */
function grpcRouteFor(name: string, spec: ResolvedSpec, args: ResolvedArgs, gatewayName: string, backend: Backend, pluginNames: string[], opts: pulumi.CustomResourceOptions): void {
    new cloud.CustomResource(
        childName(name, "route"),
        {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "GRPCRoute",
            metadata: {
                name: spec.name,
                namespace: spec.namespace,
                annotations: { ...(pluginNames.length ? { "konghq.com/plugins": pluginNames.join(",") } : {}), ...skipAwaitAnnotations(args.waitForReady) },
            },
            spec: {
                parentRefs: [{ name: gatewayName, ...(args.gatewayNamespace ? { namespace: args.gatewayNamespace } : {}) }],
                ...(spec.hosts?.length ? { hostnames: spec.hosts } : {}),
                rules: [
                    {
                        matches: spec.paths.map((path) => ({ method: grpcRouteMethodMatch(path) })),
                        backendRefs: [{ name: backend.name, port: backend.port }],
                    },
                ],
            },
        },
        opts,
    );
}

/** An Ingress of Kong's class with every gRPC path (a prefix, or an exact method), per host (or for any host). */
function ingressFor(resourceName: string, objectName: string, spec: ResolvedSpec, args: ResolvedArgs, backend: Backend, annotations: Record<string, string>, opts: pulumi.CustomResourceOptions): void {
    const paths = spec.paths.map((path) => ({ ...ingressPath(path), backend: { service: { name: backend.name, port: { number: backend.port } } } }));
    new cloud.Ingress(
        resourceName,
        {
            metadata: { name: objectName, namespace: spec.namespace, annotations: { ...annotations, ...skipAwaitAnnotations(args.waitForReady) } },
            spec: {
                ingressClassName: args.ingressClassName,
                rules: spec.hosts?.length ? spec.hosts.map((host) => ({ host, http: { paths } })) : [{ http: { paths } }],
            },
        },
        opts,
    );
}

/**
 * gRPC-Web: the same paths and backend on http,https routes with Kong's grpc-web plugin; the Kong service still
 * speaks gRPC to the backend (the Service's `konghq.com/protocol: grpc`), as in Kong's own grpc-web test
 * (kong 3.9.3 spec/03-plugins/32-grpc-web/01-proxy_spec.lua: a grpc service, routes with protocols http,https).
 */
function grpcWebRoutesFor(name: string, spec: ResolvedSpec, args: ResolvedArgs, backend: Backend, plugins: Plugins, opts: pulumi.CustomResourceOptions): void {
    ingressFor(childName(name, "grpc-web-route"), childName(spec.name, "grpc-web"), spec, args, backend, grpcWebRouteAnnotations(plugins.namesFor("grpcWeb"), "request"), opts);
    ingressFor(childName(name, "grpc-web-preflight-route"), childName(spec.name, "grpc-web-preflight"), spec, args, backend, grpcWebRouteAnnotations(plugins.namesFor("grpcWebPreflight"), "preflight"), opts);
}

/** A gRPC service behind Kong: Deployment (optional), Service, route, plugins and consumers. */
export class GrpcService extends GrpcServiceBase {
    constructor(name: string, given: GrpcServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        validateOnce(`GrpcService "${name}"`, given, (problems) => checkGrpcServiceArgs(problems, name, given));
        super(name, opts);
        const args = withDefaults(given, INPUT_DEFAULTS.GrpcService);
        const spec = withDefaults(args.service, INPUT_DEFAULTS.GrpcServiceSpec);
        const ordered = { parent: this, dependsOn: opts?.dependsOn };

        if (spec.image !== undefined) deploymentFor(name, spec, spec.image, args.waitForReady, ordered);
        const service = serviceFor(name, spec, args, ordered);
        const backend = args.kumaMultiZone ? meshAddressFor(name, spec, ordered) : { name: spec.name, port: spec.port };
        const plugins = pluginsFor(name, spec, ordered);
        consumersFor(name, spec, args.ingressClassName, plugins, ordered);

        // Validation requires gatewayName for a GRPCRoute.
        const routeOpts = { parent: this, dependsOn: [service, ...plugins.resources] };
        const grpcPlugins = plugins.namesFor("grpc");
        if (spec.routeKind === "grpcRoute" && args.gatewayName !== undefined) grpcRouteFor(name, spec, args, args.gatewayName, backend, grpcPlugins, routeOpts);
        else ingressFor(childName(name, "route"), spec.name, spec, args, backend, grpcRouteAnnotations(grpcPlugins), routeOpts);
        if (spec.grpcWeb) grpcWebRoutesFor(name, spec, args, backend, plugins, routeOpts);

        this.setOutputs({ serviceName: spec.name, namespace: spec.namespace, routeName: spec.name, pluginNames: plugins.names });
    }
}
