// Kubernetes and Helm names: what a DNS-1123 label is, and how derived names stay within 63
// (object names) and 53 (Helm release names) characters without ending in a dash.
import { expect } from "chai";
import * as fc from "fast-check";
import { Problems } from "../../../provider/src/rules/errors";
import { checkDns1123Label, childName, COMPONENT_NAME_MAX, HELM_RELEASE_NAME_MAX, helmReleaseName, isDns1123Label, isQualifiedName, namingRoot } from "../../../provider/src/rules/names";

const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);

describe("names: DNS-1123 labels", () => {
    it("qualified names (annotation keys, resource names) as apimachinery IsQualifiedName accepts them", () => {
        for (const ok of ["cpu", "nvidia.com/gpu", "service.beta.kubernetes.io/aws-load-balancer-name", "A_b.c-d", "x".repeat(63)]) expect(isQualifiedName(ok), ok).to.equal(true);
        for (const bad of ["", "my key", "-a", "a-", "Example.com/x", "a/b/c", "x".repeat(64), "/x", "a/"]) expect(isQualifiedName(bad), bad).to.equal(false);
    });

    const valid = ["a", "0", "orders-api", "1-30-3", "a--b", "x".repeat(63)];
    const invalid: unknown[] = ["", "Orders", "orders_api", "-a", "a-", "a.b", "a b", "ä", "x".repeat(64), 42, undefined, null];
    it("accepts lowercase alphanumerics and inner dashes up to 63 characters", () => {
        for (const v of valid) expect(isDns1123Label(v), v).to.equal(true);
    });
    it("rejects everything else, including non-strings", () => {
        for (const v of invalid) expect(isDns1123Label(v), String(v)).to.equal(false);
    });
    it("honours a lower maximum", () => {
        expect(isDns1123Label("x".repeat(COMPONENT_NAME_MAX), COMPONENT_NAME_MAX)).to.equal(true);
        expect(isDns1123Label("x".repeat(COMPONENT_NAME_MAX + 1), COMPONENT_NAME_MAX)).to.equal(false);
    });
    it("checkDns1123Label reports field and value, with the maximum in the message, and nothing for a valid label", () => {
        const problems = new Problems();
        checkDns1123Label(problems, "services[0].name", "orders-api");
        checkDns1123Label(problems, "name", "x".repeat(41), 40);
        expect(problems.list).to.have.length(1);
        expect(problems.list[0]).to.include({ field: "name", value: "x".repeat(41) });
        expect(problems.list[0].problem).to.include("at most 40 characters");
    });
});

describe("names: derived names", () => {
    it("childName is parent-suffix when it fits", () => {
        expect(childName("edge", "kong")).to.equal("edge-kong");
        expect(childName("edge-apps-greeter", "rate-limiting")).to.equal("edge-apps-greeter-rate-limiting");
    });

    it("childName of two labels is a label: at most 63 characters, a prefix of parent-suffix, no trailing dash", () => {
        fc.assert(
            fc.property(label, label, (parent, suffix) => {
                const name = childName(parent, suffix);
                expect(isDns1123Label(name), name).to.equal(true);
                expect(`${parent}-${suffix}`.startsWith(name)).to.equal(true);
            }),
        );
        expect(childName("p".repeat(61), "ab-cd")).to.equal(`${"p".repeat(61)}-a`);
        expect(childName("p".repeat(60), "a-bc")).to.equal(`${"p".repeat(60)}-a`); // cut at 63 lands on a dash: dropped
    });

    it("helmReleaseName keeps names up to 53 characters and cuts longer ones without a trailing dash", () => {
        expect(HELM_RELEASE_NAME_MAX).to.equal(53); // Helm's own limit (release Secret name sh.helm.release.v1.<name>.v<n>)
        expect(helmReleaseName("edge-kong")).to.equal("edge-kong");
        expect(helmReleaseName("r".repeat(53))).to.equal("r".repeat(53));
        expect(helmReleaseName(`${"r".repeat(52)}-x`)).to.equal("r".repeat(52));
        fc.assert(
            fc.property(label, (name) => {
                const release = helmReleaseName(name);
                expect(release.length).to.be.at.most(HELM_RELEASE_NAME_MAX);
                expect(release).to.not.match(/-$/);
                expect(name.startsWith(release)).to.equal(true);
            }),
        );
    });

    it("a component name of the maximum length is never cut in the release names derived from it", () => {
        const name = "n".repeat(COMPONENT_NAME_MAX);
        // EdgeStack -> KongGateway release `<name>-kong`; LoadBalancerController `<name>-release`, under EdgeStack `<name>-lbc-release`.
        for (const release of [childName(name, "kong"), childName(name, "release"), childName(childName(name, "lbc"), "release")]) {
            expect(helmReleaseName(release)).to.equal(release).and.to.have.length.at.most(HELM_RELEASE_NAME_MAX);
        }
    });
});

describe("names: the naming root of a renamed component", () => {
    it("is the old name when renamedFrom is set, else the name", () => {
        expect(namingRoot("edge-eu", "edge")).to.equal("edge");
        expect(namingRoot("edge", undefined)).to.equal("edge");
    });
});
