import * as cloud from "../cloud";
import * as pulumi from "@pulumi/pulumi";
import { GRPC_REPLICAS_DEFAULT, KONG_INGRESS_CLASS_DEFAULT } from "../defaults";
import { GrpcServiceArgs, GrpcServiceOutputs, GrpcServiceToken, GrpcServiceSpecArgs as GrpcServiceSpec, KongConsumerArgs as KongConsumer } from "../generated/schema-types";
import { grpcMethodMatch, grpcPort, grpcRouteAnnotations, grpcServiceAnnotations } from "../rules/grpc";
import { KUMA_MESH_ADDRESS_PORT, kumaMeshAddress } from "../rules/mesh";
import { childName } from "../rules/names";
import { consumerCredentialTypes, CredentialType, kongPluginSpecs } from "../rules/plugins";
import { validateGrpcServiceArgs } from "../rules/validate";
import { skipAwaitAnnotations } from "./await";
import { exposeOutputs } from "./outputs";

const APP_LABEL = "app.kubernetes.io/name";

/** Secret keys of each Kong credential type; the values stay Pulumi secrets end to end. */
function credentialData(type: CredentialType, consumer: KongConsumer): Record<string, pulumi.Input<string>> {
    switch (type) {
        case "key-auth":
            return { key: pulumi.secret(consumer.keyAuthKey!) };
        case "jwt":
            return { key: consumer.jwtKey!, secret: pulumi.secret(consumer.jwtSecret!), algorithm: "HS256" };
        case "hmac-auth":
            return { username: consumer.username, secret: pulumi.secret(consumer.hmacSecret!) };
    }
}

function deploymentFor(name: string, spec: GrpcServiceSpec, waitForReady: boolean | undefined, opts: pulumi.CustomResourceOptions) {
    const port = grpcPort(spec);
    const labels = { [APP_LABEL]: spec.name };
    return new cloud.Deployment(
        name,
        {
            metadata: { name: spec.name, namespace: spec.namespace, labels, annotations: skipAwaitAnnotations(waitForReady) },
            spec: {
                replicas: spec.replicas ?? GRPC_REPLICAS_DEFAULT,
                selector: { matchLabels: labels },
                template: {
                    metadata: { labels },
                    spec: {
                        containers: [
                            {
                                name: spec.name,
                                image: spec.image!,
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
export class GrpcService extends pulumi.ComponentResource {
    declare readonly serviceName: pulumi.Output<string>;
    declare readonly namespace: pulumi.Output<string>;
    declare readonly routeName: pulumi.Output<string>;
    declare readonly pluginNames: pulumi.Output<string[]>;

    constructor(name: string, args: GrpcServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        validateGrpcServiceArgs(name, args).throwIfAny(`GrpcService "${name}"`);
        super(GrpcServiceToken, name, {}, opts);
        const spec = args.service;
        const meshKind = args.meshKind ?? "none";
        const port = grpcPort(spec);
        const ordered = { parent: this, dependsOn: opts?.dependsOn };
        const labels = { [APP_LABEL]: spec.name };

        if (spec.image !== undefined) deploymentFor(name, spec, args.waitForReady, ordered);

        const service = new cloud.Service(
            childName(name, "service"),
            {
                metadata: { name: spec.name, namespace: spec.namespace, labels, annotations: { ...grpcServiceAnnotations(meshKind), ...skipAwaitAnnotations(args.waitForReady) } },
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
            const credentials = consumerCredentialTypes(consumer).map((type) => {
                const secretName = childName(consumerName, type);
                new cloud.Secret(
                    childName(name, `${consumer.username}-${type}`),
                    {
                        metadata: { name: secretName, namespace: spec.namespace, labels: { "konghq.com/credential": type } },
                        stringData: credentialData(type, consumer),
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
                        annotations: { "kubernetes.io/ingress.class": args.ingressClassName ?? KONG_INGRESS_CLASS_DEFAULT },
                    },
                    username: consumer.username,
                    credentials,
                },
                ordered,
            );
        }

        const routeName = spec.name;
        const routeOpts = { parent: this, dependsOn: [service, ...plugins] };
        if ((spec.routeKind ?? "ingress") === "ingress") {
            const paths = spec.paths.map((path) => ({
                path,
                pathType: "ImplementationSpecific",
                backend: { service: { name: backend.name, port: { number: backend.port } } },
            }));
            new cloud.Ingress(
                childName(name, "route"),
                {
                    metadata: { name: routeName, namespace: spec.namespace, annotations: { ...grpcRouteAnnotations(pluginNames), ...skipAwaitAnnotations(args.waitForReady) } },
                    spec: {
                        ingressClassName: args.ingressClassName ?? KONG_INGRESS_CLASS_DEFAULT,
                        rules: spec.hosts?.length ? spec.hosts.map((host) => ({ host, http: { paths } })) : [{ http: { paths } }],
                    },
                },
                routeOpts,
            );
        } else {
            new cloud.CustomResource(
                childName(name, "route"),
                {
                    apiVersion: "gateway.networking.k8s.io/v1",
                    kind: "GRPCRoute",
                    metadata: {
                        name: routeName,
                        namespace: spec.namespace,
                        annotations: {
                            ...(pluginNames.length ? { "konghq.com/plugins": pluginNames.join(",") } : {}),
                            ...skipAwaitAnnotations(args.waitForReady),
                        },
                    },
                    spec: {
                        parentRefs: [{ name: args.gatewayName!, ...(args.gatewayNamespace ? { namespace: args.gatewayNamespace } : {}) }],
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
        }

        const outputs: GrpcServiceOutputs = { serviceName: spec.name, namespace: spec.namespace, routeName, pluginNames };
        exposeOutputs(this, outputs);
        this.registerOutputs(outputs);
    }
}
