"""AWS calls for the controller test, run with the moto venv's Python (scripts/lib/moto.ts).

Every client is pointed at the moto server given by --endpoint (a loopback URL); credentials are the
dummy ones moto.ts puts in the environment. Output is one JSON document on stdout.

  cert     --out-dir DIR --name NAME [--name NAME...]   self-signed RSA certificate: DIR/tls.crt, DIR/tls.key
  setup    --endpoint URL --region R --cluster C        VPC, two tagged public subnets, ACM certificate
  describe --endpoint URL --region R                    load balancers, listeners, target groups, attributes, tags
  probe    --region R                                   what moto accepts that AWS would refuse (in-process, no server)
"""

import argparse
import datetime
import ipaddress
import json
import os
import sys


def self_signed(names):
    """PEM certificate and key for the given DNS names (or IP addresses); Node's crypto cannot make X.509."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    sans = []
    for n in names:
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(n)))
        except ValueError:
            sans.append(x509.DNSName(n))
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .sign(key, hashes.SHA256())
    )
    return (
        cert.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()),
    )


def client(args, service):
    import boto3

    return boto3.client(service, endpoint_url=args.endpoint, region_name=args.region)


def cmd_cert(args):
    cert, key = self_signed(args.name)
    os.makedirs(args.out_dir, exist_ok=True)
    with open(os.path.join(args.out_dir, "tls.crt"), "wb") as f:
        f.write(cert)
    with open(os.path.join(args.out_dir, "tls.key"), "wb") as f:
        f.write(key)
    return {"cert": os.path.join(args.out_dir, "tls.crt"), "key": os.path.join(args.out_dir, "tls.key")}


def cmd_setup(args):
    ec2 = client(args, "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    # Public subnets (a route to an internet gateway): the controller's reachability-based discovery
    # puts internet-facing load balancers only in those.
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    route_table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=route_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
    subnets = []
    for i, zone in enumerate(zones):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
        ec2.associate_route_table(RouteTableId=route_table, SubnetId=subnet)
        # The tags the controller's subnet discovery reads (docs: deploy/subnet_discovery).
        ec2.create_tags(
            Resources=[subnet],
            Tags=[{"Key": "kubernetes.io/role/elb", "Value": "1"}, {"Key": f"kubernetes.io/cluster/{args.cluster}", "Value": "owned"}],
        )
        subnets.append(subnet)
    cert, key = self_signed(["grpc.example.com"])
    certificate_arn = client(args, "acm").import_certificate(Certificate=cert, PrivateKey=key)["CertificateArn"]
    return {"vpcId": vpc, "subnetIds": subnets, "zones": zones, "certificateArn": certificate_arn}


def tags_of(elbv2, arns):
    out = {}
    for i in range(0, len(arns), 20):
        for d in elbv2.describe_tags(ResourceArns=arns[i : i + 20])["TagDescriptions"]:
            out[d["ResourceArn"]] = {t["Key"]: t["Value"] for t in d.get("Tags", [])}
    return out


def cmd_describe(args):
    elbv2 = client(args, "elbv2")
    lbs = elbv2.describe_load_balancers()["LoadBalancers"]
    tgs = elbv2.describe_target_groups()["TargetGroups"]
    tags = tags_of(elbv2, [lb["LoadBalancerArn"] for lb in lbs] + [tg["TargetGroupArn"] for tg in tgs])
    for lb in lbs:
        arn = lb["LoadBalancerArn"]
        lb["Attributes"] = {a["Key"]: a["Value"] for a in elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]}
        lb["Listeners"] = elbv2.describe_listeners(LoadBalancerArn=arn)["Listeners"]
        for listener in lb["Listeners"]:
            attrs = elbv2.describe_listener_attributes(ListenerArn=listener["ListenerArn"])["Attributes"]
            listener["Attributes"] = {a["Key"]: a["Value"] for a in attrs}
        lb["Tags"] = tags.get(arn, {})
    for tg in tgs:
        arn = tg["TargetGroupArn"]
        tg["Attributes"] = {a["Key"]: a["Value"] for a in elbv2.describe_target_group_attributes(TargetGroupArn=arn)["Attributes"]}
        tg["Targets"] = elbv2.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
        tg["Tags"] = tags.get(arn, {})
    return {"loadBalancers": lbs, "targetGroups": tgs}


def cmd_probe(args):
    """Calls that real ELBv2 refuses, against moto in-process: which does moto store without a word?

    docs/decisions.md ("Load balancers") lists the answers; the controller test checks the list.
    """
    import boto3
    from moto import mock_aws

    out = {}
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=args.region)
        elb = boto3.client("elbv2", region_name=args.region)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
        subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=z)["Subnet"]["SubnetId"] for i, z in enumerate(zones)]
        cert, key = self_signed(["grpc.example.com"])
        cert_arn = boto3.client("acm", region_name=args.region).import_certificate(Certificate=cert, PrivateKey=key)["CertificateArn"]
        nlb = elb.create_load_balancer(Name="n", Subnets=subnets, Type="network", Scheme="internet-facing")["LoadBalancers"][0]["LoadBalancerArn"]
        alb = elb.create_load_balancer(Name="a", Subnets=subnets, Type="application", Scheme="internet-facing")["LoadBalancers"][0]["LoadBalancerArn"]
        tcp_tg = elb.create_target_group(Name="t", Protocol="TCP", Port=80, VpcId=vpc, TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
        grpc_tg = elb.create_target_group(Name="g", Protocol="HTTPS", ProtocolVersion="GRPC", Port=443, VpcId=vpc, TargetType="ip", Matcher={"GrpcCode": "0,5,12"})["TargetGroups"][0]["TargetGroupArn"]
        base = elb.create_listener(LoadBalancerArn=nlb, Protocol="TCP", Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": tcp_tg}])["Listeners"][0]["ListenerArn"]

        def tls(port, **kw):
            return lambda: elb.create_listener(LoadBalancerArn=nlb, Protocol="TLS", Port=port, DefaultActions=[{"Type": "forward", "TargetGroupArn": tcp_tg}], **kw)

        good_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"
        cases = {
            "unknown ssl policy name": tls(1001, SslPolicy="NoSuchPolicy", Certificates=[{"CertificateArn": cert_arn}]),
            "unknown ALPN policy": tls(1002, SslPolicy=good_policy, Certificates=[{"CertificateArn": cert_arn}], AlpnPolicy=["NoSuchAlpn"]),
            "TLS listener without a certificate": tls(1003),
            "certificate ARN not in ACM": tls(1004, SslPolicy=good_policy, Certificates=[{"CertificateArn": cert_arn + "0"}]),
            "HTTPS listener on an NLB": lambda: elb.create_listener(LoadBalancerArn=nlb, Protocol="HTTPS", Port=1005, DefaultActions=[{"Type": "forward", "TargetGroupArn": tcp_tg}]),
            "gRPC target group behind an HTTP listener": lambda: elb.create_listener(LoadBalancerArn=alb, Protocol="HTTP", Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": grpc_tg}]),
            "unknown load balancer attribute": lambda: elb.modify_load_balancer_attributes(LoadBalancerArn=nlb, Attributes=[{"Key": "no.such.attribute", "Value": "1"}]),
            "non-boolean cross-zone value": lambda: elb.modify_load_balancer_attributes(LoadBalancerArn=nlb, Attributes=[{"Key": "load_balancing.cross_zone.enabled", "Value": "maybe"}]),
            "ALB-only attribute (idle timeout) on an NLB": lambda: elb.modify_load_balancer_attributes(LoadBalancerArn=nlb, Attributes=[{"Key": "idle_timeout.timeout_seconds", "Value": "60"}]),
            "unknown target group attribute": lambda: elb.modify_target_group_attributes(TargetGroupArn=tcp_tg, Attributes=[{"Key": "no.such.attribute", "Value": "1"}]),
            "proxy protocol on an HTTPS target group": lambda: elb.modify_target_group_attributes(TargetGroupArn=grpc_tg, Attributes=[{"Key": "proxy_protocol_v2.enabled", "Value": "true"}]),
            "non-boolean client IP preservation": lambda: elb.modify_target_group_attributes(TargetGroupArn=tcp_tg, Attributes=[{"Key": "preserve_client_ip.enabled", "Value": "maybe"}]),
            "deregistration delay over 3600 s": lambda: elb.modify_target_group_attributes(TargetGroupArn=tcp_tg, Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "4000"}]),
            "GRPC protocol version on a TCP target group": lambda: elb.create_target_group(Name="g1", Protocol="TCP", ProtocolVersion="GRPC", Port=80, VpcId=vpc, TargetType="ip"),
            "gRPC success code 99": lambda: elb.create_target_group(Name="g2", Protocol="HTTPS", ProtocolVersion="GRPC", Port=80, VpcId=vpc, TargetType="ip", Matcher={"GrpcCode": "99"}),
            "health-check path on a TCP health check": lambda: elb.create_target_group(Name="g3", Protocol="TCP", Port=80, VpcId=vpc, TargetType="ip", HealthCheckProtocol="TCP", HealthCheckPath="/x"),
            "unknown listener attribute": lambda: elb.modify_listener_attributes(ListenerArn=base, Attributes=[{"Key": "no.such", "Value": "1"}]),
            "ALB in a single subnet": lambda: elb.create_load_balancer(Name="one", Subnets=subnets[:1], Type="application"),
        }
        for name, call in cases.items():
            try:
                call()
                out[name] = "accepted"
            except Exception as e:  # botocore ClientError: moto refused it
                out[name] = "refused: " + str(e)
    return out


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    cert = sub.add_parser("cert")
    cert.add_argument("--out-dir", required=True)
    cert.add_argument("--name", action="append", required=True)
    sub.add_parser("probe").add_argument("--region", required=True)
    for name in ("setup", "describe"):
        p = sub.add_parser(name)
        p.add_argument("--endpoint", required=True)
        p.add_argument("--region", required=True)
        if name == "setup":
            p.add_argument("--cluster", required=True)
    args = parser.parse_args()
    if getattr(args, "endpoint", None) and not args.endpoint.startswith("http://127."):
        sys.exit(f"refusing a non-loopback endpoint: {args.endpoint}")
    result = {"cert": cmd_cert, "setup": cmd_setup, "describe": cmd_describe, "probe": cmd_probe}[args.command](args)
    json.dump(result, sys.stdout, default=str)


if __name__ == "__main__":
    main()
