// The local control plane never sends a packet off loopback (docs/cluster.md, "Loopback only"):
// an admission webhook given as a Service is resolved to the Service's endpoints, and with no pods
// there are none, so kube-apiserver fails the call without dialling. A loopback webhook URL on a
// closed port is the control: it proves that dials are logged, so an empty scan means no dial.
import { expect } from "chai";
import * as net from "net";
import { KubeClient } from "../../scripts/lib/kube-client";
import { LocalCluster, SERVICE_CLUSTER_IP_RANGE, startLocalCluster } from "../../scripts/lib/local-cluster";
import { dialedAddresses, isLoopback } from "../../scripts/lib/loopback-dials";
import { expectLoopbackOnly } from "../support/clusterStack";

const NS = "webhook-probe";
const SERVICE = "no-pods";

/** A port on 127.0.0.1 that nothing listens on (taken, then released). */
function closedLoopbackPort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer().listen(0, "127.0.0.1", () => {
            const port = (server.address() as net.AddressInfo).port;
            server.close(() => resolve(port));
        });
        server.on("error", reject);
    });
}

/** A validating webhook for CREATE of ConfigMaps labelled `probe=<name>`. */
function webhook(name: string, failurePolicy: "Fail" | "Ignore", clientConfig: object): object {
    return {
        name: `${name}.meshedge.test`,
        clientConfig,
        failurePolicy,
        sideEffects: "None",
        admissionReviewVersions: ["v1"],
        timeoutSeconds: 5,
        rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["configmaps"] }],
        objectSelector: { matchLabels: { probe: name } },
    };
}

describe("cluster: the control plane dials only loopback", function () {
    this.timeout(300_000);
    let cluster: LocalCluster;
    let kube: KubeClient;
    let controlPort: number;

    const createConfigMap = (probe: string) =>
        kube.request("POST", `/api/v1/namespaces/${NS}/configmaps`, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `cm-${probe}`, labels: { probe } }, data: { k: "v" } });

    before(async function () {
        cluster = await startLocalCluster();
        kube = new KubeClient(cluster);
        controlPort = await closedLoopbackPort();
        const must = async (path: string, body: object) => {
            const res = await kube.request("POST", path, body);
            expect(res.status, `POST ${path}: ${res.body}`).to.equal(201);
            return JSON.parse(res.body);
        };
        await must("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
        // A Service whose selector matches no pod: the shape of Kong's and istiod's webhook Services here.
        const service = await must(`/api/v1/namespaces/${NS}/services`, {
            apiVersion: "v1", kind: "Service", metadata: { name: SERVICE },
            spec: { selector: { app: "never-scheduled" }, ports: [{ port: 443, targetPort: 8443 }] },
        });
        expect(service.spec.clusterIP, `ClusterIP from ${SERVICE_CLUSTER_IP_RANGE}`).to.satisfy(isLoopback);
        const toService = { service: { namespace: NS, name: SERVICE, port: 443, path: "/validate" } };
        await must("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations", {
            apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration", metadata: { name: "meshedge-loopback-probe" },
            webhooks: [
                webhook("closed", "Fail", toService),
                webhook("open", "Ignore", toService),
                webhook("control", "Fail", { url: `https://127.0.0.1:${controlPort}/validate` }),
            ],
        });
    });

    after(async function () {
        await cluster?.stop();
    });

    it("failurePolicy Fail: the create is refused because the Service has no endpoints", async function () {
        const res = await createConfigMap("closed");
        expect(res.status, res.body).to.equal(500);
        const message: string = JSON.parse(res.body).message;
        expect(message).to.contain('failed calling webhook "closed.meshedge.test"');
        expect(message).to.match(/no endpoints available for service/);
        expect(dialedAddresses(message), "the refusal names no dial").to.deep.equal([]);
    });

    it("failurePolicy Ignore: the create succeeds without the webhook", async function () {
        const res = await createConfigMap("open");
        expect(res.status, res.body).to.equal(201);
    });

    it("control: a loopback webhook URL is dialled, refused, and the dial is in the log", async function () {
        const res = await createConfigMap("control");
        expect(res.status, res.body).to.equal(500);
        expect(JSON.parse(res.body).message).to.contain(`dial tcp 127.0.0.1:${controlPort}: connect: connection refused`);
        expect(dialedAddresses(cluster.logs()["kube-apiserver"])).to.include("127.0.0.1");
    });

    it("no process of the control plane logged a dial to an address outside 127.0.0.0/8", async function () {
        const apiserverLog = cluster.logs()["kube-apiserver"];
        expect(apiserverLog, "the Service webhooks' failures are logged").to.contain("closed.meshedge.test").and.to.contain("open.meshedge.test");
        expectLoopbackOnly(cluster);
    });
});
