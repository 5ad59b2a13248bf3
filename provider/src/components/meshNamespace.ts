import * as pulumi from "@pulumi/pulumi";
import * as cloud from "../cloud";
import { MeshNamespaceArgs, MeshNamespaceBase } from "../generated/schema-types";
import { meshKindOf, meshNamespaceLabels } from "../rules/mesh";
import { meshPodSecurityLevel, podSecurityLabels } from "../rules/podSecurity";
import { checkMeshNamespaceArgs } from "../rules/validate";
import { validateOnce } from "./validation";

/** A namespace whose pods get Istio or Kuma sidecars, with Istio's STRICT mTLS policy when asked. */
export class MeshNamespace extends MeshNamespaceBase {
    /** The Namespace object, for dependsOn. */
    readonly namespace: cloud.Namespace;

    constructor(name: string, args: MeshNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        validateOnce(`MeshNamespace "${name}"`, args, (problems) => checkMeshNamespaceArgs(problems, name, args));
        super(name, opts);
        // Pod Security at the strictest level the mesh's injected init container allows (rules/podSecurity.ts).
        const labels = { ...meshNamespaceLabels(args), ...podSecurityLabels(args.podSecurity, meshPodSecurityLevel(meshKindOf(args))) };
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

        this.setOutputs({ name: args.name, labels });
    }
}
