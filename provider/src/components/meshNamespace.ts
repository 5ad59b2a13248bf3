import * as cloud from "../cloud";
import * as pulumi from "@pulumi/pulumi";
import { MeshNamespaceArgs, MeshNamespaceOutputs, MeshNamespaceToken } from "../generated/schema-types";
import { injectionLabels } from "../rules/mesh";
import { validateMeshNamespaceArgs } from "../rules/validate";
import { exposeOutputs } from "./outputs";

export function meshNamespaceLabels(args: MeshNamespaceArgs): Record<string, string> {
    return { ...(args.labels ?? {}), ...injectionLabels(args) };
}

/** A namespace whose pods get Istio or Kuma sidecars, with Istio's STRICT mTLS policy when asked. */
export class MeshNamespace extends pulumi.ComponentResource {
    declare readonly name: pulumi.Output<string>;
    declare readonly labels: pulumi.Output<Record<string, string>>;
    /** The Namespace object, for dependsOn. */
    readonly namespace: cloud.Namespace;

    constructor(name: string, args: MeshNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        validateMeshNamespaceArgs(name, args).throwIfAny(`MeshNamespace "${name}"`);
        super(MeshNamespaceToken, name, {}, opts);
        const labels = meshNamespaceLabels(args);
        this.namespace = new cloud.Namespace(name, { metadata: { name: args.name, labels } }, { parent: this, dependsOn: opts?.dependsOn });

        if (args.istio?.strictMtls) {
            new cloud.CustomResource(
                `${name}-strict-mtls`,
                {
                    apiVersion: "security.istio.io/v1",
                    kind: "PeerAuthentication",
                    metadata: { name: "default", namespace: args.name },
                    spec: { mtls: { mode: "STRICT" } },
                },
                { parent: this, dependsOn: [this.namespace] },
            );
        }

        const outputs: MeshNamespaceOutputs = { name: args.name, labels };
        exposeOutputs(this, outputs);
        this.registerOutputs(outputs);
    }
}
