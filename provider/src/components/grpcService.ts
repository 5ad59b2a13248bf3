import * as pulumi from "@pulumi/pulumi";
import { skipAwaitAnnotations } from "../builders/skipAwait";
import * as cloud from "../cloud";
import { Defaulted, INPUT_DEFAULTS, withDefaults } from "../defaults";
import { GrpcServiceArgs, GrpcServiceBase, GrpcServiceSpecArgs as GrpcServiceSpec, KongConsumerArgs as KongConsumer } from "../generated/schema-types";
import { grpcMethodMatch, grpcRouteAnnotations, grpcServiceAnnotations } from "../rules/grpc";
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

/** A gRPC service behind Kong: Deployment (optional), Service, route, plugins and consumers. */
export class GrpcService extends GrpcServiceBase {
    constructor(name: string, given: GrpcServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        validateOnce(`GrpcService "${name}"`, given, (problems) => checkGrpcServiceArgs(problems, name, given));
        super(name, opts);
        const args = withDefaults(given, INPUT_DEFAULTS.GrpcService);
        const spec = withDefaults(args.service, INPUT_DEFAULTS.GrpcServiceSpec);
        const port = spec.port;
        const ordered = { parent: this, dependsOn: opts?.dependsOn };
        const labels = { [APP_LABEL]: spec.name };
        const skipAwait = skipAwaitAnnotations(args.waitForReady);

        if (spec.image !== undefined) deploymentFor(name, spec, spec.image, args.waitForReady, ordered);

        const service = new cloud.Service(
            childName(name, "service"),
            {
                metadata: { name: spec.name, namespace: spec.namespace, labels, annotations: { ...grpcServiceAnnotations(args.meshKind), ...skipAwait } },
                spec: {
                    selector: labels,
                    ports: [{ name: "grpc", port, targetPort: port, protocol: "TCP", appProtocol: "grpc" }],
                },
            },
            ordered,
        );

        // Multi-zone Kuma: Kong resolves the `.mesh` name through its sidecar and reaches any zone.
        let backend = { name: spec.name, port };
        if (args.kumaMultiZone) {
            const meshServiceName = childName(spec.name, "mesh");
            new cloud.Service(
                childName(name, "mesh-address"),
                {
                    metadata: { name: meshServiceName, namespace: spec.namespace, labels, annotations: { "konghq.com/protocol": "grpc" } },
                    spec: {
                        type: "ExternalName",
                        externalName: kumaMeshAddress(spec.name, spec.namespace, port),
                        ports: [{ name: "grpc", port: KUMA_MESH_ADDRESS_PORT, protocol: "TCP", appProtocol: "grpc" }],
                    },
                },
                ordered,
            );
            backend = { name: meshServiceName, port: KUMA_MESH_ADDRESS_PORT };
        }

        const pluginNames: string[] = [];
        const plugins = kongPluginSpecs(spec.plugins).map((p) => {
            const pluginName = childName(spec.name, p.suffix);
            pluginNames.push(pluginName);
            return new cloud.CustomResource(
                childName(name, p.suffix),
                {
                    apiVersion: "configuration.konghq.com/v1",
                    kind: "KongPlugin",
                    metadata: { name: pluginName, namespace: spec.namespace },
                    plugin: p.plugin,
                    config: p.config,
                },
                ordered,
            );
        });

        for (const consumer of spec.consumers ?? []) {
            const consumerName = childName(spec.name, consumer.username);
            const credentials = credentialSecrets(consumer).map(([type, stringData]) => {
                const secretName = childName(consumerName, type);
                new cloud.Secret(
                    childName(name, `${consumer.username}-${type}`),
                    {
                        metadata: { name: secretName, namespace: spec.namespace, labels: { "konghq.com/credential": type } },
                        stringData,
                    },
                    ordered,
                );
                return secretName;
            });
            new cloud.CustomResource(
                childName(name, `consumer-${consumer.username}`),
                {
                    apiVersion: "configuration.konghq.com/v1",
                    kind: "KongConsumer",
                    metadata: {
                        name: consumerName,
                        namespace: spec.namespace,
                        annotations: { "kubernetes.io/ingress.class": args.ingressClassName },
                    },
                    username: consumer.username,
                    credentials,
                },
                ordered,
            );
        }

        const routeName = spec.name;
        const routeOpts = { parent: this, dependsOn: [service, ...plugins] };
        // Validation requires gatewayName for a GRPCRoute.
        if (spec.routeKind === "grpcRoute" && args.gatewayName !== undefined) {
            new cloud.CustomResource(
                childName(name, "route"),
                {
                    apiVersion: "gateway.networking.k8s.io/v1",
                    kind: "GRPCRoute",
                    metadata: {
                        name: routeName,
                        namespace: spec.namespace,
                        annotations: { ...(pluginNames.length ? { "konghq.com/plugins": pluginNames.join(",") } : {}), ...skipAwait },
                    },
                    spec: {
                        parentRefs: [{ name: args.gatewayName, ...(args.gatewayNamespace ? { namespace: args.gatewayNamespace } : {}) }],
                        ...(spec.hosts?.length ? { hostnames: spec.hosts } : {}),
                        rules: [
                            {
                                matches: spec.paths.map((path) => ({ method: { type: "Exact", ...grpcMethodMatch(path) } })),
                                backendRefs: [{ name: backend.name, port: backend.port }],
                            },
                        ],
                    },
                },
                routeOpts,
            );
        } else {
            const paths = spec.paths.map((path) => ({
                path,
                pathType: "ImplementationSpecific",
                backend: { service: { name: backend.name, port: { number: backend.port } } },
            }));
            new cloud.Ingress(
                childName(name, "route"),
                {
                    metadata: { name: routeName, namespace: spec.namespace, annotations: { ...grpcRouteAnnotations(pluginNames), ...skipAwait } },
                    spec: {
                        ingressClassName: args.ingressClassName,
                        rules: spec.hosts?.length ? spec.hosts.map((host) => ({ host, http: { paths } })) : [{ http: { paths } }],
                    },
                },
                routeOpts,
            );
        }

        this.setOutputs({ serviceName: spec.name, namespace: spec.namespace, routeName, pluginNames });
    }
}
