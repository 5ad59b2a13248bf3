// The AWS Load Balancer Controller (built by scripts/bootstrap-toolchain.sh --with-lbc) run as a
// process on loopback against the local API server, with moto as its whole AWS API.
//
// Flags are those of the controller at the pinned pseudo-version (pkg/config/*.go, pkg/aws/cloud_config.go,
// pkg/inject/pod_readiness_gate.go at sigs.k8s.io/aws-load-balancer-controller@v0.0.0-20260423195125-93ff3b5fdaad):
// every AWS service it has a client for (pkg/aws/provider/default_aws_clients_provider.go, keyed by
// the SDK's ServiceID) and instance metadata (services/ec2_metadata.go, imds.ServiceID) point at moto;
// region and VPC are given, so nothing is looked up from IMDS (pkg/aws/cloud.go); Shield, WAF and
// WAFv2 are off; no leader election; metrics and probes on 127.0.0.1. The webhook server cannot be
// given a host (BuildRuntimeOptions sets only its port), so it listens on all interfaces of a free
// port, with a throwaway self-signed certificate; no webhook configuration points at it.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { freePorts, httpGet, LocalCluster, Proc, startProcess, stopProcess, tail, waitFor } from "./local-cluster";
import { loopbackAwsEnv, Moto, selfSignedCertificate } from "./moto";
import { ensureToolchain } from "./toolchain";

/** The SDK v2 ServiceIDs the controller resolves --aws-api-endpoints by (`const ServiceID` of each aws-sdk-go-v2/service module). */
export const LBC_AWS_SERVICE_IDS = [
    "EC2",
    "Elastic Load Balancing v2",
    "ACM",
    "STS",
    "WAFV2",
    "WAF Regional",
    "Shield",
    "Resource Groups Tagging API",
    "Global Accelerator",
    // feature/ec2/imds ServiceID: even a metadata call would reach moto, not 169.254.169.254.
    "ec2imds",
] as const;

export interface LoadBalancerControllerProcess {
    readonly proc: Proc;
    readonly args: readonly string[];
    log(): string;
    stop(): Promise<void>;
}

export interface LoadBalancerControllerOptions {
    readonly cluster: LocalCluster;
    readonly moto: Moto;
    readonly clusterName: string;
    readonly vpcId: string;
}

export async function startLoadBalancerController(options: LoadBalancerControllerOptions): Promise<LoadBalancerControllerProcess> {
    const { cluster, moto, clusterName, vpcId } = options;
    const bin = ensureToolchain({ cluster: true, lbc: true }).lbcBin;
    if (!bin) throw new Error("the toolchain reported no controller binary; rerun: bash scripts/bootstrap-toolchain.sh --with-cluster --with-lbc");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshedge-lbc-"));
    const certDir = path.join(dir, "webhook-certs");
    selfSignedCertificate(moto.install, certDir, ["127.0.0.1"]);
    const [metrics, probes, webhook] = await freePorts(3);
    const args = [
        `--kubeconfig=${cluster.kubeconfigPath}`,
        `--cluster-name=${clusterName}`,
        `--aws-region=${moto.region}`,
        `--aws-vpc-id=${vpcId}`,
        `--aws-api-endpoints=${LBC_AWS_SERVICE_IDS.map((id) => `${id}=${moto.endpoint}`).join(",")}`,
        "--aws-max-retries=2",
        "--enable-shield=false",
        "--enable-waf=false",
        "--enable-wafv2=false",
        "--enable-leader-election=false",
        // Its Gateway API controllers need the controller's own gateway CRDs, which this test does not install.
        "--feature-gates=NLBGatewayAPI=false,ALBGatewayAPI=false",
        `--metrics-bind-addr=127.0.0.1:${metrics}`,
        `--health-probe-bind-addr=127.0.0.1:${probes}`,
        `--webhook-bind-port=${webhook}`,
        `--webhook-cert-dir=${certDir}`,
        // Reconcile changes quickly after a failed AWS call instead of backing off for minutes.
        "--targetgroupbinding-max-exponential-backoff-delay=5s",
    ];
    const proc = startProcess("aws-load-balancer-controller", path.join(bin, "aws-load-balancer-controller"), args, dir, loopbackAwsEnv(moto.region));
    const stop = async () => {
        await stopProcess(proc);
        fs.rmSync(dir, { recursive: true, force: true });
    };
    try {
        // /readyz includes the webhook server's started check (main.go AddReadyzCheck "ready-webhook").
        await waitFor(
            "aws-load-balancer-controller /readyz",
            [proc],
            async () => {
                const res = await httpGet(`http://127.0.0.1:${probes}/readyz`);
                return res.status === 200 ? undefined : `HTTP ${res.status}`;
            },
            120_000,
        );
    } catch (err) {
        const message = `${(err as Error).message}\n--- controller log:\n${tail(proc.logPath, 40)}`;
        await stop();
        throw new Error(message);
    }
    return { proc, args, log: () => (fs.existsSync(proc.logPath) ? fs.readFileSync(proc.logPath, "utf8") : ""), stop };
}
