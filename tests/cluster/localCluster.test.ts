// The loopback control plane of scripts/lib/local-cluster.ts: etcd + kube-apiserver +
// kube-controller-manager, no kubelet. Part of `npm test`; alone:
//   npx tsc -p tsconfig.json && npx mocha --no-package --timeout 300000 dist/tests/cluster/localCluster.test.js
import { expect } from "chai";
import * as fs from "fs";
import { LocalCluster, startLocalCluster } from "../../scripts/lib/local-cluster";
import { KubeClient } from "../../scripts/lib/kube-client";
import { eventually } from "../support/clusterStack";

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (err) {
        return (err as NodeJS.ErrnoException).code === "EPERM";
    }
}

describe("local cluster (etcd + kube-apiserver + kube-controller-manager on loopback)", function () {
    this.timeout(300_000);
    let cluster: LocalCluster | undefined;
    let kube: KubeClient;
    let stopped = false;

    before(async function () {
        const started = Date.now();
        cluster = await startLocalCluster();
        kube = new KubeClient(cluster);
        console.log(`      cluster started in ${((Date.now() - started) / 1000).toFixed(1)} s at ${cluster.server}`);
    });

    after(async function () {
        if (cluster && !stopped) await cluster.stop();
    });

    it("answers GET /version with v1.34.4 and writes a usable kubeconfig", async function () {
        const c = cluster!;
        const res = await kube.request("GET", "/version");
        expect(res.status).to.equal(200);
        expect(JSON.parse(res.body).gitVersion).to.match(/^v1\.34\.4/);
        const kubeconfig = fs.readFileSync(c.kubeconfigPath, "utf8");
        expect(kubeconfig).to.contain(`server: ${c.server}`);
        expect(kubeconfig).to.contain("insecure-skip-tls-verify: true");
        expect(kubeconfig).to.contain(`token: ${c.token}`);
    });

    it("rejects an unknown token (authentication is on)", async function () {
        const c = cluster!;
        const res = await new KubeClient({ server: c.server, token: "not-a-token" }).request("GET", "/api/v1/namespaces");
        expect(res.status).to.equal(401);
    });

    it("creates a Namespace and, once deleted, the namespace controller removes it within 60 s", async function () {
        const name = `meshedge-test-${process.pid}`;
        const created = await kube.request("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
        expect(created.status, created.body).to.equal(201);
        const got = await kube.request("GET", `/api/v1/namespaces/${name}`);
        expect(got.status).to.equal(200);
        expect(JSON.parse(got.body).status.phase).to.equal("Active");

        const deleted = await kube.request("DELETE", `/api/v1/namespaces/${name}`);
        expect(deleted.status, deleted.body).to.be.oneOf([200, 202]);
        const started = Date.now();
        await eventually(`namespace ${name} removed`, 60, async () => ((await kube.get(`/api/v1/namespaces/${name}`)) === undefined ? true : undefined));
        console.log(`      namespace gone ${((Date.now() - started) / 1000).toFixed(1)} s after DELETE`);
    });

    it("stop() leaves no etcd, kube-apiserver or kube-controller-manager process and removes its files", async function () {
        const c = cluster!;
        const pids = Object.entries(c.pids);
        expect(pids.map(([name]) => name).sort()).to.deep.equal(["etcd", "kube-apiserver", "kube-controller-manager"]);
        for (const [name, pid] of pids) expect(alive(pid), `${name} (${pid}) running before stop`).to.equal(true);
        const started = Date.now();
        stopped = true;
        await c.stop();
        console.log(`      cluster stopped in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        for (const [name, pid] of pids) expect(alive(pid), `${name} (${pid}) still running after stop()`).to.equal(false);
        expect(fs.existsSync(c.kubeconfigPath)).to.equal(false);
    });
});
