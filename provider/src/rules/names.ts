import { Problems } from "./errors";

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Kubernetes DNS-1123 label: what namespaces, Services and most object names must be. */
export function isDns1123Label(value: unknown, maxLength = 63): value is string {
    return typeof value === "string" && value.length <= maxLength && DNS1123_LABEL.test(value);
}

export function checkDns1123Label(problems: Problems, field: string, value: unknown, maxLength = 63): void {
    if (!isDns1123Label(value, maxLength)) {
        problems.add(
            field,
            value,
            `not a DNS-1123 label (lowercase letters, digits and '-', starting and ending alphanumeric, at most ${maxLength} characters)`,
            `use a name such as "orders-api"`,
        );
    }
}

/**
 * A Kubernetes qualified name (apimachinery validation.IsQualifiedName): an optional DNS-1123
 * subdomain prefix and `/`, then a name of at most 63 characters. Annotation, label and resource names.
 */
const QUALIFIED_NAME = /^(?:(?=[^/]{1,253}\/)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?(?=[^/]{1,63}$)[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export function isQualifiedName(value: string): boolean {
    return QUALIFIED_NAME.test(value);
}

/** Helm stores a release in a Secret named `sh.helm.release.v1.<name>.v<n>`, so it caps release names at 53 characters. */
export const HELM_RELEASE_NAME_MAX = 53;

/** Component names leave room for the suffixes their children's release names add (`-release`, `-istio-base`, ...). */
export const COMPONENT_NAME_MAX = 40;

/** A Helm release name derived from a component name, within Helm's limit. */
export function helmReleaseName(name: string): string {
    return name.slice(0, HELM_RELEASE_NAME_MAX).replace(/-+$/, "");
}

/**
 * The name a component's children, Helm releases and Kubernetes objects are derived from: the name it
 * was created under when it has been renamed (`renamedFrom`), so a rename changes no child's name and
 * no object in the cluster; the engine carries the children over through their parent's alias.
 */
export function namingRoot(name: string, renamedFrom: string | undefined): string {
    return renamedFrom ?? name;
}

/** Kubernetes object names derived from a parent name, kept within a label's 63 characters. */
export function childName(parent: string, suffix: string): string {
    return `${parent}-${suffix}`.slice(0, 63).replace(/-+$/, "");
}
