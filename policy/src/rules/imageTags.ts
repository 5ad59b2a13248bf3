// Images pinned by tag or digest. A reference is `[registry[:port]/]repository[:tag][@digest]`
// (distribution/reference grammar): the tag is what follows the last ':' after the last '/', so
// `registry:5000/app` has no tag. `latest` moves, so it pins nothing.

/** Why an image reference does not pin an image, or undefined when it does. */
export function unpinnedImageReason(image: unknown): string | undefined {
    if (typeof image !== "string" || image.trim() === "") return "has no image";
    if (/@sha256:[a-f0-9]{64}$/.test(image)) return undefined;
    const lastPart = image.slice(image.lastIndexOf("/") + 1);
    const colon = lastPart.lastIndexOf(":");
    if (colon < 0) return `${JSON.stringify(image)} has no tag (pulls :latest)`;
    if (lastPart.slice(colon + 1) === "latest") return `${JSON.stringify(image)} uses :latest`;
    return undefined;
}
