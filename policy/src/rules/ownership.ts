// Which resources the policies judge: only what meshedge's components create. A URN carries the types
// of its parents (`urn:pulumi:<stack>::<project>::<parent type>$...$<type>::<name>`), so a resource is
// meshedge's when one of its ancestors is a meshedge component; a stack without meshedge is never judged.

/** The ancestor types of a URN's resource, outermost first (its own type excluded). */
export function ancestorTypes(urn: string): string[] {
    const qualifiedType = urn.split("::")[2] ?? "";
    return qualifiedType.split("$").slice(0, -1);
}

/** True when a meshedge component (any `meshedge:` type) is among the resource's ancestors. */
export function isMeshedgeOwned(urn: string): boolean {
    return ancestorTypes(urn).some((type) => type.startsWith("meshedge:"));
}

/** True when the resource sits under the given meshedge component type, e.g. `meshedge:index:GrpcService`. */
export function isUnder(urn: string, componentType: string): boolean {
    return ancestorTypes(urn).includes(componentType);
}

/** `*` matches any run of characters; everything else is literal. Used by the policies' allow and waive lists. */
export function matchesAny(name: string, patterns: readonly string[] | undefined): boolean {
    return (patterns ?? []).some((pattern) => {
        const literal = pattern.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
        return new RegExp(`^${literal.join(".*")}$`).test(name);
    });
}
