/** The marker Pulumi puts on secret values in serialized inputs. */
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export function isSecretValue(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && Object.values(value).includes(SECRET_SIG);
}

/** The inputs with secret wrappers replaced by their values, as the API server would receive them. */
export function revealSecrets(value: unknown): any {
    if (isSecretValue(value)) return revealSecrets(value.value);
    if (Array.isArray(value)) return value.map(revealSecrets);
    if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealSecrets(v)]));
    return value;
}
