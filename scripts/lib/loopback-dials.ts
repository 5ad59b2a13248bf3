// Which network addresses the control plane tried to reach, read from its logs. Go's net package
// names every outgoing connection that fails as `dial tcp <ip>:<port>`, and kube-apiserver logs a
// failed webhook call with its URL, so a dial off loopback cannot fail without showing up here.
import * as net from "net";

/** `dial tcp 10.0.0.7:443`, `dial tcp [fd00::1]:443`, `https://10.0.0.7:443/validate`. */
const DIALED = /(?:dial (?:tcp|udp)4?6? |https?:\/\/)(\[[0-9a-fA-F:.]+\]|\d{1,3}(?:\.\d{1,3}){3}):\d+/g;

/** Every IP address the log shows a dial to or a URL for, in order, without duplicates. */
export function dialedAddresses(log: string): string[] {
    const found = new Set<string>();
    for (const match of log.matchAll(DIALED)) found.add(match[1].replace(/^\[|\]$/g, ""));
    return [...found];
}

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** 127.0.0.0/8 or ::1 (BlockList also matches IPv4-mapped IPv6 forms). */
export function isLoopback(address: string): boolean {
    const family = net.isIPv4(address) ? "ipv4" : net.isIPv6(address) ? "ipv6" : undefined;
    return family !== undefined && LOOPBACK.check(address, family);
}

/** The dialled addresses that are not loopback. */
export function offLoopbackDials(log: string): string[] {
    return dialedAddresses(log).filter((address) => !isLoopback(address));
}

/** `dial tcp: lookup elasticloadbalancing.us-west-2.amazonaws.com on 127.0.0.53:53: ...` (Go's resolver names the host it looks up). */
const LOOKUP = /\blookup ([A-Za-z0-9][A-Za-z0-9.-]*[A-Za-z0-9])(?=[\s:])/g;

/** Host names the log shows a DNS lookup for, other than localhost: a lookup precedes a dial by name. */
export function offLoopbackHostLookups(log: string): string[] {
    const found = new Set<string>();
    for (const match of log.matchAll(LOOKUP)) if (match[1] !== "localhost" && !isLoopback(match[1])) found.add(match[1]);
    return [...found];
}
