import * as pulumi from "@pulumi/pulumi";
import { skipAwaitAnnotations } from "../builders/skipAwait";
import * as cloud from "../cloud";
import { Defaulted, INPUT_DEFAULTS, withDefaults } from "../defaults";
import { GrpcServiceArgs, GrpcServiceBase, GrpcServiceSpecArgs as GrpcServiceSpec, KongConsumerArgs as KongConsumer } from "../generated/schema-types";
import { grpcRouteAnnotations, grpcRouteMethodMatch, grpcServiceAnnotations, ingressPath } from "../rules/grpc";
import { KUMA_MESH_ADDRESS_PORT, kumaMeshAddress } from "../rules/mesh";
import { childName } from "../rules/names";
import { CredentialType, kongPluginSpecs } from "../rules/plugins";
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

function deploymentFor(name: string, spec: ResolvedSpec, image: string, waitForReady: boolean, opts: pulumi.CustomResourceOptions) {
    const port = spec.port;
    const labels = { [APP_LABEL]: spec.name };
    return new cloud.Deployment(
        name,
        {
            metadata: { name: spec.name, namespace: spec.namespace, labels, annotations: skipAwaitAnnotations(waitForReady) },
            spec: {
                replicas: spec.replicas,
                selector: { matchLabels: labels },
                template: {
                    metadata: { labels },
                    spec: {
                        containers: [
                            {
                                name: spec.name,
                                image,
                                ports: [{ name: "grpc", containerPort: port, protocol: "TCP" }],
                                // Native gRPC probes (grpc.health.v1); the meshes rewrite them for their sidecars.
                                readinessProbe: { grpc: { port }, periodSeconds: 5 },
                                livenessProbe: { grpc: { port }, initialDelaySeconds: 10, periodSeconds: 10 },
                                resources: spec.resources,
                            },
                        ],
                    },
                },
            },
        },
        opts,
    );
}

/** The ClusterIP Service Kong routes to; the annotations tell Kong it speaks gRPC and, in a mesh, to let the sidecar balance. */
function serviceFor(name: string, spec: ResolvedSpec, args: ResolvedArgs, opts: pulumi.CustomResourceOptions): cloud.Service {
    const labels = { [APP_LABEL]: spec.name };
    return new cloud.Service(
        childName(name, "service"),
        {
            metadata: { name: spec.name, namespace: spec.namespace, labels, annotations: { ...grpcServiceAnnotations(args.meshKind), ...skipAwaitAnnotations(args.waitForReady) } },
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
            metadata: { name: meshServiceName, namespace: spec.namespace, labels: { [APP_LABEL]: spec.name }, annotations: { "konghq.com/protocol": "grpc" } },
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

/** One KongPlugin per enabled plugin, named `<service>-<plugin>`, which the route lists. */
function pluginsFor(name: string, spec: ResolvedSpec, opts: pulumi.CustomResourceOptions): { names: string[]; resources: pulumi.Resource[] } {
    const specs = kongPluginSpecs(spec.plugins);
    const names = specs.map((p) => childName(spec.name, p.suffix));
    const resources = specs.map(
        (p, i) =>
            new cloud.CustomResource(
                childName(name, p.suffix),
                { apiVersion: "configuration.konghq.com/v1", kind: "KongPlugin", metadata: { name: names[i], namespace: spec.namespace }, plugin: p.plugin, config: p.config },
                opts,
            ),
    );
    return { names, resources };
}

/** Each consumer: a KongConsumer and one credential Secret per credential it carries. */
function consumersFor(name: string, spec: ResolvedSpec, ingressClassName: string, opts: pulumi.CustomResourceOptions): void {
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
function ingressRouteFor(name: string, spec: ResolvedSpec, args: ResolvedArgs, backend: Backend, pluginNames: string[], opts: pulumi.CustomResourceOptions): void {
    const paths = spec.paths.map((path) => ({ ...ingressPath(path), backend: { service: { name: backend.name, port: { number: backend.port } } } }));
    new cloud.Ingress(
        childName(name, "route"),
        {
            metadata: { name: spec.name, namespace: spec.namespace, annotations: { ...grpcRouteAnnotations(pluginNames), ...skipAwaitAnnotations(args.waitForReady) } },
            spec: {
                ingressClassName: args.ingressClassName,
                rules: spec.hosts?.length ? spec.hosts.map((host) => ({ host, http: { paths } })) : [{ http: { paths } }],
            },
        },
        opts,
    );
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
        consumersFor(name, spec, args.ingressClassName, ordered);

        // Validation requires gatewayName for a GRPCRoute.
        const routeOpts = { parent: this, dependsOn: [service, ...plugins.resources] };
        if (spec.routeKind === "grpcRoute" && args.gatewayName !== undefined) grpcRouteFor(name, spec, args, args.gatewayName, backend, plugins.names, routeOpts);
        else ingressRouteFor(name, spec, args, backend, plugins.names, routeOpts);

        this.setOutputs({ serviceName: spec.name, namespace: spec.namespace, routeName: spec.name, pluginNames: plugins.names });
    }
}
