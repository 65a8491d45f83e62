// Real HTTP(S) servers on loopback for web_fetch tests, a resolver that maps test host names to
// addresses (the only way these names resolve), and a certificate made with openssl at test time.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type {AddressInfo} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type {TLSSocket} from 'node:tls';
import type {ResolvedAddress, Resolver} from '../../src/web/fetcher.js';

export interface SeenRequest {
	path: string;
	headers: http.IncomingHttpHeaders;
	/** The TLS server name the client sent (https only). */
	servername?: string;
}

export interface TestSite {
	port: number;
	/** `scheme://host:port/path` for a host name the resolver maps to this site. */
	url(host: string, pathname?: string): string;
	requests: SeenRequest[];
	close(): Promise<void>;
}

export type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

export async function startSite(handler: Handler, options: {tls?: {key: string; cert: string}} = {}): Promise<TestSite> {
	const requests: SeenRequest[] = [];
	const sockets = new Set<import('node:net').Socket>();
	const listener: Handler = (request, response) => {
		const servername = (request.socket as TLSSocket).servername || undefined;
		requests.push({path: request.url ?? '', headers: request.headers, ...(servername ? {servername} : {})});
		handler(request, response);
	};
	const server = options.tls ? https.createServer({key: options.tls.key, cert: options.tls.cert}, listener) : http.createServer(listener);
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	server.on('secureConnection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	const scheme = options.tls ? 'https' : 'http';
	return {
		port,
		url: (host, pathname = '/') => `${scheme}://${host}:${port}${pathname}`,
		requests,
		close: () =>
			new Promise((resolve) => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			}),
	};
}

export interface MappedResolver extends Resolver {
	/** Every name looked up, in order. */
	calls: string[];
}

/** Resolves the names of `map` to their addresses; any other name fails like an unknown name. */
export function mappedResolver(map: Record<string, string | string[]>): MappedResolver {
	const calls: string[] = [];
	const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
		calls.push(hostname);
		const found = map[hostname];
		if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {code: 'ENOTFOUND'});
		return (Array.isArray(found) ? found : [found]).map((address) => ({address, family: address.includes(':') ? 6 : 4}));
	};
	return Object.assign(resolve, {calls});
}

/** A self-signed certificate for `hosts`, made with openssl now; trust it by passing `cert` as an extra CA. */
export function testCertificate(hosts: string[]): {key: string; cert: string} {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'babybot-cert-'));
	try {
		const [keyFile, certFile] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
		execFileSync('openssl', [
			'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
			'-keyout', keyFile, '-out', certFile, '-subj', `/CN=${hosts[0]}`,
			'-addext', `subjectAltName=${hosts.map((host) => `DNS:${host}`).join(',')}`,
			'-addext', 'basicConstraints=critical,CA:TRUE',
		], {stdio: 'pipe'});
		return {key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8')};
	} finally {
		fs.rmSync(dir, {recursive: true, force: true});
	}
}

/** A small news page with a title, headings, a paragraph with a link, and a script that must not show. */
export const newsPage = `<!doctype html><html><head><title>Today's news</title><script>window.secret = "do not show";</script>
<style>body { color: red }</style></head><body><nav><a href="/">Home</a></nav>
<h1>Trains run late</h1><p>The 08:15 to Bern leaves at <b>08:40</b>. <a href="/details">Details</a></p>
<h2>Weather</h2><ul><li>Sunny</li><li>22 °C</li></ul></body></html>`;
