// Secure defaults of the gRPC Deployments, Pod Security levels of the namespaces (checked against the
// pinned charts' injection templates and control-plane values in ../shared/charts), and pinned images.
import { expect } from "chai";
import * as yaml from "js-yaml";
import { GrpcService } from "../../../provider/src/components/grpcService";
import { MeshNamespace } from "../../../provider/src/components/meshNamespace";
import { INPUT_DEFAULTS } from "../../../provider/src/defaults";
import type { GrpcServiceSpecArgs } from "../../../provider/src/generated/schema-types";
import { Problems } from "../../../provider/src/rules/errors";
import {
    BASELINE_CAPABILITIES,
    checkImage,
    checkPodSecurity,
    checkWorkloadSecurity,
    containerResources,
    MESH_INIT_CAPABILITIES,
    meshPodSecurityLevel,
    parseImage,
    podDisruptionBudgetSpec,
    podSecurityLabels,
    RESTRICTED_CAPABILITIES,
    SYSTEM_NAMESPACE_LEVEL,
    topologySpreadConstraints,
    workloadPodSecurityLevel,
} from "../../../provider/src/rules/podSecurity";
import { one, ofType, render } from "../../../scripts/lib/mock-runtime";
import versions from "../../../versions.json";
import { chartMember } from "../../support/charts";

type Obj = Record<string, any>;

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;
const spec = (over: Partial<GrpcServiceSpecArgs> = {}): GrpcServiceSpecArgs => ({ name: "greeter", namespace: "apps", paths: ["/helloworld.Greeter/"], image: "ghcr.io/acme/greeter:1.4.2", ...over });
const problemsOf = (s: GrpcServiceSpecArgs) => {
    const problems = new Problems();
    checkWorkloadSecurity(problems, "services[0]", s);
    return problems.list;
};

/**
 * Pod Security Standards, written from the definitions (kubernetes.io/docs/concepts/security/pod-security-standards,
 * v1.34) independently of the rule: the strictest level one container (with its pod's securityContext) meets,
 * for the checks meshedge's objects and the meshes' init containers touch.
 */
function pssLevel(pod: Obj, container: Obj): "privileged" | "baseline" | "restricted" {
    const sc = container.securityContext ?? {};
    const psc = pod.securityContext ?? {};
    const added: string[] = sc.capabilities?.add ?? [];
    const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
    if (sc.privileged || pod.hostNetwork || pod.hostPID || pod.hostIPC || (pod.volumes ?? []).some((v: Obj) => v.hostPath)) return "privileged";
    if (added.some((c) => !["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"].includes(c))) return "privileged";
    if (seccomp === "Unconfined") return "privileged";
    const nonRoot = (sc.runAsNonRoot ?? psc.runAsNonRoot) === true;
    const uid = sc.runAsUser ?? psc.runAsUser;
    const restricted =
        sc.allowPrivilegeEscalation === false &&
        nonRoot &&
        uid !== 0 &&
        (sc.capabilities?.drop ?? []).includes("ALL") &&
        added.every((c) => c === "NET_BIND_SERVICE") &&
        (seccomp === "RuntimeDefault" || seccomp === "Localhost");
    return restricted ? "restricted" : "baseline";
}

async function deploymentOf(over: Partial<GrpcServiceSpecArgs> = {}) {
    const resources = await render(() => new GrpcService("greeter", { service: spec(over) }));
    return { resources, deployment: one(resources, "kubernetes:apps/v1:Deployment").inputs };
}

describe("podSecurity: the gRPC Deployment's secure defaults", () => {
    it("meets Pod Security restricted by default: non-root 65532, no escalation, ALL dropped, RuntimeDefault, read-only root", async () => {
        const { deployment } = await deploymentOf();
        const pod = deployment.spec.template.spec;
        const container = pod.containers[0];
        expect(container.securityContext).to.deep.equal({
            runAsNonRoot: true,
            runAsUser: 65532,
            runAsGroup: 65532,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            privileged: false,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        });
        // Only fsGroup at pod level: kuma-init sets runAsUser 0 without runAsNonRoot, so a pod-level runAsNonRoot would stop it.
        expect(pod.securityContext).to.deep.equal({ fsGroup: 65532 });
        expect(pssLevel(pod, container)).to.equal("restricted");
        expect(workloadPodSecurityLevel(undefined).level).to.equal("restricted");
        expect(container.resources).to.deep.equal({ requests: { cpu: "100m", memory: "128Mi" } });
        expect(pod.volumes).to.deep.equal([]);
        expect(container.volumeMounts).to.deep.equal([]);
    });

    it("spreads across zones (ScheduleAnyway, maxSkew 1, per ReplicaSet) and keeps a PodDisruptionBudget of maxUnavailable 1", async () => {
        const { resources, deployment } = await deploymentOf();
        expect(deployment.spec.template.spec.topologySpreadConstraints).to.deep.equal([
            { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { "app.kubernetes.io/name": "greeter" } }, matchLabelKeys: ["pod-template-hash"] },
        ]);
        const pdb = one(resources, "kubernetes:policy/v1:PodDisruptionBudget").inputs;
        expect(pdb.metadata).to.deep.include({ name: "greeter", namespace: "apps" });
        expect(pdb.spec).to.deep.equal({ maxUnavailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "greeter" } }, unhealthyPodEvictionPolicy: "AlwaysAllow" });
        // The PDB selects exactly the Deployment's pods.
        expect(pdb.spec.selector.matchLabels).to.deep.equal(deployment.spec.selector.matchLabels);
    });

    it("no PodDisruptionBudget for one replica, or when disabled; minAvailable replaces maxUnavailable", async () => {
        expect(ofType((await deploymentOf({ replicas: 1 })).resources, "kubernetes:policy/v1:PodDisruptionBudget")).to.have.length(0);
        expect(ofType((await deploymentOf({ podDisruptionBudget: { enabled: false } })).resources, "kubernetes:policy/v1:PodDisruptionBudget")).to.have.length(0);
        expect(podDisruptionBudgetSpec({ minAvailable: 2 }, 3, { a: "b" })).to.deep.equal({ minAvailable: 2, selector: { matchLabels: { a: "b" } }, unhealthyPodEvictionPolicy: "AlwaysAllow" });
        expect(podDisruptionBudgetSpec(undefined, 0, { a: "b" })).to.equal(undefined);
    });

    it("each default is overridable: security context, /tmp emptyDir, resources, spread", async () => {
        const { deployment } = await deploymentOf({
            securityContext: { runAsUser: 1000, runAsGroup: 3000, readOnlyRootFilesystem: false, addCapabilities: ["NET_BIND_SERVICE"], seccompProfile: "Localhost", seccompLocalhostProfile: "profiles/grpc.json" },
            tmpVolume: { sizeLimit: "256Mi", inMemory: true },
            resources: { requests: { cpu: "500m" }, limits: { memory: "1Gi" } },
            topologySpread: { whenUnsatisfiable: "DoNotSchedule", maxSkew: 2 },
        });
        const pod = deployment.spec.template.spec;
        const c = pod.containers[0];
        expect(c.securityContext).to.deep.include({ runAsUser: 1000, runAsGroup: 3000, readOnlyRootFilesystem: false, capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] }, seccompProfile: { type: "Localhost", localhostProfile: "profiles/grpc.json" } });
        expect(pssLevel(pod, c)).to.equal("restricted");
        expect(pod.volumes).to.deep.equal([{ name: "tmp", emptyDir: { sizeLimit: "256Mi", medium: "Memory" } }]);
        expect(c.volumeMounts).to.deep.equal([{ name: "tmp", mountPath: "/tmp" }]);
        // memory has a limit and no request: Kubernetes requests the limit, so no default request is added.
        expect(c.resources).to.deep.equal({ requests: { cpu: "500m" }, limits: { memory: "1Gi" } });
        expect(pod.topologySpreadConstraints[0]).to.include({ whenUnsatisfiable: "DoNotSchedule", maxSkew: 2 });
        expect(topologySpreadConstraints({ enabled: false }, {})).to.deep.equal([]);
        expect(containerResources(undefined)).to.deep.equal({ requests: INPUT_DEFAULTS.GrpcServiceSpec.resources.requests });
    });

    it("the level the rule computes agrees with the Pod Security definitions for each override", async () => {
        const cases: GrpcServiceSpecArgs["securityContext"][] = [
            undefined,
            { runAsNonRoot: false },
            { allowPrivilegeEscalation: true },
            { addCapabilities: ["NET_BIND_SERVICE"] },
            { addCapabilities: ["CHOWN"] },
            { addCapabilities: ["NET_ADMIN"] },
            { seccompProfile: "Unconfined" },
            { runAsNonRoot: false, runAsUser: 0 },
        ];
        for (const securityContext of cases) {
            const pod = (await deploymentOf({ securityContext })).deployment.spec.template.spec;
            expect(workloadPodSecurityLevel(securityContext).level, JSON.stringify(securityContext)).to.equal(pssLevel(pod, pod.containers[0]));
        }
        expect(workloadPodSecurityLevel({ addCapabilities: ["NET_ADMIN"] }).reasons[0]).to.include("NET_ADMIN");
    });

    it("refuses overrides that cannot work, each with field, value and fix", () => {
        const fields = (s: GrpcServiceSpecArgs) => problemsOf(s).map((p) => p.field);
        expect(problemsOf(spec())).to.deep.equal([]);
        expect(fields(spec({ securityContext: { runAsUser: 0 } }))).to.deep.equal(["services[0].securityContext.runAsUser"]);
        expect(fields(spec({ securityContext: { seccompProfile: "Localhost" } }))).to.deep.equal(["services[0].securityContext.seccompLocalhostProfile"]);
        expect(fields(spec({ securityContext: { addCapabilities: ["CAP_NET_ADMIN", "ALL"] } }))).to.deep.equal(["services[0].securityContext.addCapabilities[0]", "services[0].securityContext.addCapabilities[1]"]);
        expect(fields(spec({ tmpVolume: { sizeLimit: "lots" } }))).to.deep.equal(["services[0].tmpVolume.sizeLimit"]);
        expect(fields(spec({ resources: { requests: { cpu: "0" } } }))).to.deep.equal(["services[0].resources.requests.cpu"]);
        expect(fields(spec({ topologySpread: { maxSkew: 0, topologyKey: "not a key" } }))).to.deep.equal(["services[0].topologySpread.maxSkew", "services[0].topologySpread.topologyKey"]);
        expect(fields(spec({ podDisruptionBudget: { maxUnavailable: 1, minAvailable: 1 } }))).to.deep.equal(["services[0].podDisruptionBudget.minAvailable"]);
        const stuck = problemsOf(spec({ replicas: 2, podDisruptionBudget: { minAvailable: 2 } }));
        expect(stuck.map((p) => [p.field, p.value, p.problem])).to.deep.equal([["services[0].podDisruptionBudget.minAvailable", 2, "is not below replicas (2), so no pod could ever be evicted and node drains would hang"]]);
        expect(fields({ ...spec(), image: undefined, tmpVolume: {} })).to.deep.equal(["services[0].tmpVolume"]);
        // Wrong types (a raw Construct call can send anything) are problems, never a TypeError.
        expect(fields(spec({ securityContext: "restricted" as never }))).to.deep.equal(["services[0].securityContext"]);
        expect(fields(spec({ securityContext: { addCapabilities: "NET_ADMIN" as never } }))).to.deep.equal(["services[0].securityContext.addCapabilities"]);
        expect(fields(spec({ resources: { requests: "100m" as never } }))).to.deep.equal(["services[0].resources.requests"]);
        expect(workloadPodSecurityLevel("x" as never).level).to.equal("restricted");
        const ps = new Problems();
        checkPodSecurity(ps, "podSecurity", "restricted" as never);
        expect(ps.list.map((p) => p.field)).to.deep.equal(["podSecurity"]);
    });
});

describe("podSecurity: pinned images", () => {
    const accepted = [
        "ghcr.io/acme/greeter:1.4.2",
        "greeter:1.0",
        "library/greeter:v2-alpine",
        "localhost:5000/greeter:1",
        "registry.example.com:5000/team/greeter:2024.11.21",
        `greeter@${DIGEST}`,
        `registry.example.com:5000/greeter:1.2@${DIGEST}`,
        "grpc/java-example-hostname:1.66.0",
    ];
    const refused: [string, string][] = [
        ["greeter", "has no tag"],
        ["greeter:latest", "is tagged `latest`"],
        ["ghcr.io/acme/greeter", "has no tag"],
        ["registry.example.com:5000/greeter", "has no tag"],
        ["localhost:5000/team/greeter", "has no tag"],
        ["registry.example.com:5000/greeter:latest", "is tagged `latest`"],
        ["greeter@sha256:abc123", "64 lowercase hex"],
        [`greeter@${DIGEST.toUpperCase().replace("SHA256", "sha256")}`, "64 lowercase hex"],
        ["Greeter:1.0", "is not a container image reference"],
        ["greeter:", "is not a container image reference"],
        ["ghcr.io/acme/greeter:1.0 ", "is not a container image reference"],
        ["", "is not a container image reference"],
    ];
    for (const image of accepted) {
        it(`accepts ${image}`, () => {
            const problems = new Problems();
            checkImage(problems, "image", image);
            expect(problems.list).to.deep.equal([]);
        });
    }
    for (const [image, reason] of refused) {
        it(`refuses ${JSON.stringify(image)}`, () => {
            const problems = new Problems();
            checkImage(problems, "services[0].image", image);
            expect(problems.list).to.have.length(1);
            expect(problems.list[0]).to.include({ field: "services[0].image", value: image });
            expect(problems.list[0].problem).to.include(reason);
            expect(problems.list[0].fix).to.match(/digest/);
        });
    }
    it("reads a registry port as the host, never as a tag", () => {
        expect(parseImage("registry.example.com:5000/greeter")).to.deep.equal({ repository: "registry.example.com:5000/greeter" });
        expect(parseImage("registry.example.com:5000/greeter:7")).to.deep.equal({ repository: "registry.example.com:5000/greeter", tag: "7" });
        expect(parseImage(`greeter@${DIGEST}`)).to.deep.equal({ repository: "greeter", digest: DIGEST });
    });
});

describe("podSecurity: namespace levels, against the pinned charts", () => {
    it("Istio without its CNI (istiod chart 1.30.3 default) injects istio-init as root with NET_ADMIN and NET_RAW: privileged", () => {
        const values = yaml.load(chartMember("istiod-1.30.3.tgz", "istiod/values.yaml")) as Obj;
        // The injection template's `.Values.pilot.cni` is the chart's top-level `cni` (templates/istiod-injector-configmap.yaml).
        expect(chartMember("istiod-1.30.3.tgz", "istiod/templates/istiod-injector-configmap.yaml")).to.include('{{ $pilotVals := pick .Values "cni" "env" -}}\n{{ $vals = set $vals "pilot" $pilotVals -}}');
        expect(values._internal_defaults_do_not_set.cni.enabled).to.equal(false);
        const template = chartMember("istiod-1.30.3.tgz", "istiod/files/injection-template.yaml");
        const init = template.slice(template.indexOf("  - name: istio-init"), template.indexOf("  {{ if not $nativeSidecar }}\n  containers:"));
        // The non-CNI branch of istio-init's securityContext: the capabilities it adds, and root.
        const added = /\{\{- if not \.Values\.pilot\.cni\.enabled \}\}\n\s+add:\n((?:\s+- [A-Z_]+\n)+)/.exec(init);
        expect(added, "istio-init's non-CNI capabilities block").to.not.equal(null);
        const capabilities = added![1].trim().split(/\s*-\s*/).filter(Boolean);
        expect(capabilities).to.deep.equal([...MESH_INIT_CAPABILITIES]);
        expect(init).to.match(/\{\{- if not \.Values\.pilot\.cni\.enabled \}\}\n\s+readOnlyRootFilesystem: false\n\s+runAsGroup: 0\n\s+runAsNonRoot: false\n\s+runAsUser: 0\n/);
        const istioInit = { securityContext: { capabilities: { add: capabilities, drop: ["ALL"] }, runAsUser: 0, runAsNonRoot: false, allowPrivilegeEscalation: false } };
        expect(pssLevel({}, istioInit)).to.equal("privileged");
        expect(meshPodSecurityLevel("istio")).to.equal(pssLevel({}, istioInit));
    });

    it("Kuma without its CNI (kuma chart 2.12.3 default) injects kuma-init as root with NET_ADMIN and NET_RAW: privileged", () => {
        const values = yaml.load(chartMember("kuma-2.12.3.tgz", "kuma/values.yaml")) as Obj;
        expect(values.cni.enabled).to.equal(false);
        // kumahq/kuma pkg/plugins/runtime/k8s/webhooks/injector/injector.go NewInitContainer (the injector
        // is Go code in kuma-cp, not in the chart): RunAsUser 0, RunAsGroup 0, Capabilities.Add NET_ADMIN, NET_RAW.
        const kumaInit = { securityContext: { runAsUser: 0, runAsGroup: 0, capabilities: { add: ["NET_ADMIN", "NET_RAW"], drop: ["ALL"] } } };
        expect(meshPodSecurityLevel("kuma")).to.equal(pssLevel({}, kumaInit));
    });

    it("without a mesh, restricted; baseline refuses the meshes' capabilities, restricted allows only NET_BIND_SERVICE", () => {
        expect(meshPodSecurityLevel("none")).to.equal("restricted");
        for (const c of MESH_INIT_CAPABILITIES) expect(BASELINE_CAPABILITIES as readonly string[]).not.to.include(c);
        expect([...RESTRICTED_CAPABILITIES]).to.deep.equal(["NET_BIND_SERVICE"]);
    });

    it("istio-system and kuma-system: the control planes set no seccomp profile, so baseline", () => {
        const istiod = chartMember("istiod-1.30.3.tgz", "istiod/templates/deployment.yaml");
        expect(istiod).to.include("{{- if .Values.seccompProfile }}\n            seccompProfile:");
        const istiodValues = yaml.load(chartMember("istiod-1.30.3.tgz", "istiod/values.yaml")) as Obj;
        expect(istiodValues._internal_defaults_do_not_set.seccompProfile).to.deep.equal({});
        const kuma = (yaml.load(chartMember("kuma-2.12.3.tgz", "kuma/values.yaml")) as Obj).controlPlane;
        const kumaCp = { securityContext: kuma.containerSecurityContext };
        expect(pssLevel({ securityContext: kuma.podSecurityContext }, kumaCp)).to.equal("baseline");
        expect(SYSTEM_NAMESPACE_LEVEL).to.equal("baseline");
    });

    it("labels: enforce, audit and warn with versions pinned to the cluster tier's Kubernetes minor; overridable or off", () => {
        const minor = versions.cluster.kubernetes.split(".").slice(0, 2).join(".");
        expect(INPUT_DEFAULTS.PodSecurity.version).to.equal(`v${minor}`);
        expect(podSecurityLabels(undefined, "privileged")).to.deep.equal({
            "pod-security.kubernetes.io/enforce": "privileged",
            "pod-security.kubernetes.io/enforce-version": `v${minor}`,
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/audit-version": `v${minor}`,
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/warn-version": `v${minor}`,
        });
        expect(podSecurityLabels({ enforce: "baseline", warn: "baseline", version: "latest" }, "restricted")).to.include({ "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "baseline", "pod-security.kubernetes.io/enforce-version": "latest" });
        expect(podSecurityLabels({ labels: false }, "restricted")).to.deep.equal({});
        const problems = new Problems();
        checkPodSecurity(problems, "podSecurity", { enforce: "strict" as never, version: "1.34" });
        expect(problems.list.map((p) => p.field)).to.deep.equal(["podSecurity.enforce", "podSecurity.version"]);
    });

    it("a standalone MeshNamespace carries the mesh's level", async () => {
        const resources = await render(() => new MeshNamespace("apps", { name: "apps", kuma: {} }));
        expect(one(resources, "kubernetes:core/v1:Namespace").inputs.metadata.labels).to.include({ "pod-security.kubernetes.io/enforce": "privileged", "kuma.io/sidecar-injection": "enabled" });
    });
});
