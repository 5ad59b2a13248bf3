/**
 * The kubernetes provider waits for objects to become ready unless told otherwise; `waitForReady:
 * false` turns that off per object (where no pods can run, or to let readiness settle later).
 */
export function skipAwaitAnnotations(waitForReady: boolean | undefined): Record<string, string> | undefined {
    return waitForReady === false ? { "pulumi.com/skipAwait": "true" } : undefined;
}
