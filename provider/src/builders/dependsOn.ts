import type * as pulumi from "@pulumi/pulumi";

/** `dependsOn` as a list (Pulumi accepts one resource or a list, either possibly an Input), to add more to it. */
export function dependsOnList(dependsOn: pulumi.ResourceOptions["dependsOn"]): pulumi.Input<pulumi.Resource>[] {
    if (dependsOn === undefined) return [];
    return Array.isArray(dependsOn) ? dependsOn : [dependsOn as pulumi.Input<pulumi.Resource>];
}
