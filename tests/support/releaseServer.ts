// A loopback stand-in for GitHub release downloads, and a proxy that refuses (and records) any
// request meant for elsewhere: together they show which downloads the engine makes and that it
// needs nothing off 127.0.0.1.
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import { AddressInfo } from "net";

export interface LoggedRequest {
    readonly method: string;
    readonly path: string;
    readonly status: number;
}

export interface ReleaseServer {
    /** http://127.0.0.1:<port> */
    readonly url: string;
    /** Every request, in order, with the status it got. */
    readonly log: LoggedRequest[];
    /** Serve `file` (or bytes) at `/<owner>/<repo>/releases/download/v<version>/<asset>`, replacing what was there. */
    publish(owner: string, repo: string, version: string, asset: string, content: string | Buffer): void;
    /** Stop serving the asset (a 404, as GitHub answers for an asset never uploaded). */
    unpublish(owner: string, repo: string, version: string, asset: string): void;
    close(): Promise<void>;
}

/** The path GitHub serves a release asset at (github.com/<owner>/<repo>/releases/download/<tag>/<asset>). */
export function releaseAssetPath(owner: string, repo: string, version: string, asset: string): string {
    return `/${owner}/${repo}/releases/download/v${version}/${asset}`;
}

export async function startReleaseServer(): Promise<ReleaseServer> {
    const assets = new Map<string, string | Buffer>();
    const log: LoggedRequest[] = [];
    const server = http.createServer((req, res) => {
        const content = req.method === "GET" ? assets.get(req.url ?? "") : undefined;
        const status = content === undefined ? 404 : 200;
        log.push({ method: req.method ?? "", path: req.url ?? "", status });
        if (content === undefined) {
            res.writeHead(404, { "content-type": "text/plain" }).end("Not Found");
            return;
        }
        const body = typeof content === "string" ? fs.readFileSync(content) : content;
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length }).end(body);
    });
    await listen(server);
    return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        log,
        publish: (owner, repo, version, asset, content) => void assets.set(releaseAssetPath(owner, repo, version, asset), content),
        unpublish: (owner, repo, version, asset) => void assets.delete(releaseAssetPath(owner, repo, version, asset)),
        close: () => close(server),
    };
}

export interface TrapProxy {
    /** http://127.0.0.1:<port>, for HTTP_PROXY and HTTPS_PROXY */
    readonly url: string;
    /** `CONNECT api.github.com:443`, `GET http://get.pulumi.com/...`: what tried to leave loopback. */
    readonly attempts: string[];
    close(): Promise<void>;
}

/**
 * An HTTP(S) proxy that answers every request 403 and records it. Go's, Python's and Node's HTTP
 * clients send a request for any host but loopback through HTTPS_PROXY / HTTP_PROXY (Go's
 * ProxyFromEnvironment never proxies 127.0.0.1), so a download from GitHub or get.pulumi.com
 * shows up here and fails instead of leaving the machine.
 */
export async function startTrapProxy(): Promise<TrapProxy> {
    const attempts: string[] = [];
    const sockets = new Set<net.Socket>();
    const server = http.createServer((req, res) => {
        attempts.push(`${req.method} ${req.url}`);
        res.writeHead(403).end("meshedge tests: no network beyond loopback");
    });
    server.on("connect", (req: http.IncomingMessage, socket: net.Socket) => {
        attempts.push(`CONNECT ${req.url}`);
        socket.end("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
    });
    server.on("connection", (socket: net.Socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
    });
    await listen(server);
    return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        attempts,
        close: () => {
            for (const socket of sockets) socket.destroy();
            return close(server);
        },
    };
}

function listen(server: http.Server): Promise<void> {
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
    });
}

function close(server: http.Server): Promise<void> {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
}
