import { expect } from "chai";
import { unpinnedImageReason } from "../../../policy/src/rules/imageTags";

describe("policy pinned images", () => {
    it("a tag other than latest, or a digest, pins the image", () => {
        for (const image of ["ghcr.io/acme/orders:1.4.2", "registry:5000/acme/orders:2", "orders@sha256:" + "a".repeat(64), "orders:1.0@sha256:" + "b".repeat(64)]) {
            expect(unpinnedImageReason(image), image).to.equal(undefined);
        }
    });
    it("no tag, :latest, a registry port without a tag, or no image are unpinned", () => {
        expect(unpinnedImageReason("orders")).to.match(/has no tag/);
        expect(unpinnedImageReason("ghcr.io/acme/orders:latest")).to.match(/uses :latest/);
        expect(unpinnedImageReason("registry:5000/acme/orders")).to.match(/has no tag/);
        expect(unpinnedImageReason("")).to.equal("has no image");
        expect(unpinnedImageReason(undefined)).to.equal("has no image");
    });
});
