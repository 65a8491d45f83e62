// One web_fetch on the host: resolve the name itself, check every address, connect to the address
// it checked (never a second lookup), follow redirects only through the same checks, and bound the
// time, the bytes and the hops. It sends no cookies, credentials or proxy settings.
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type {LookupFunction} from 'node:net';
import tls from 'node:tls';
import zlib from 'node:zlib';
import {checkAddresses} from './address-policy.js';
import {isIpHost, parseTarget, type FetchTarget} from './host-rules.js';

export interface ResolvedAddress {
	address: string;
	family: 4 | 6;
}

/** Resolves a host name to its addresses (tests map names to their loopback servers). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
	(await dns.promises.lookup(hostname, {all: true, order: 'ipv4first'})).map((found) => ({address: found.address, family: found.family === 6 ? 6 : 4}));

/** Whether a hop (the asked URL or a redirect's) may be fetched, and whether its host is internal. */
export type HopPolicy = (target: FetchTarget, hop: number) => {ok: true; internal: boolean} | {ok: false; reason: string};

export interface FetcherOptions {
	resolve?: Resolver;
	/** CA certificates (PEM) trusted besides the system's: a test seam, not a setting. */
	extraCa?: string[];
	/** The whole fetch, redirects included. */
	timeoutMs?: number;
	/** Bytes of body read (after decompression); the rest is not read. */
	maxBodyBytes?: number;
	maxRedirects?: number;
	userAgent?: string;
}

export type FetchOutcome =
	| {ok: true; status: number; finalUrl: string; contentType: string; body: Buffer; notes: string[]}
	| {ok: false; reason: string};

export const fetchDefaults = {timeoutMs: 20_000, maxBodyBytes: 2 * 1024 * 1024, maxRedirects: 5};
const redirectStatuses = new Set([301, 302, 303, 307, 308]);

class FetchError extends Error {}

export class WebFetcher {
	private readonly resolve: Resolver;
	private readonly timeoutMs: number;
	private readonly maxBodyBytes: number;
	private readonly maxRedirects: number;
	private readonly userAgent: string;
	private readonly ca?: string[];

	constructor(options: FetcherOptions = {}) {
		this.resolve = options.resolve ?? systemResolver;
		this.timeoutMs = options.timeoutMs ?? fetchDefaults.timeoutMs;
		this.maxBodyBytes = options.maxBodyBytes ?? fetchDefaults.maxBodyBytes;
		this.maxRedirects = options.maxRedirects ?? fetchDefaults.maxRedirects;
		this.userAgent = options.userAgent ?? 'BabyBot/0.1 (personal assistant; web_fetch)';
		this.ca = options.extraCa?.length ? [...tls.rootCertificates, ...options.extraCa] : undefined;
	}

	/** Fetches `first`, asking `policy` before every hop. Never throws. */
	async fetch(first: FetchTarget, policy: HopPolicy, signal?: AbortSignal): Promise<FetchOutcome> {
		const deadline = Date.now() + this.timeoutMs;
		let target = first;
		try {
			for (let hop = 0; ; hop++) {
				const stopped = (why: string) => ({ok: false as const, reason: hop === 0 ? why : `the redirect to ${target.url} was stopped: ${why}`});
				const allowed = policy(target, hop);
				if (!allowed.ok) return stopped(allowed.reason);
				const addresses = await this.addressesOf(target.host, deadline);
				const verdict = checkAddresses(target.host, addresses.map((found) => found.address), allowed.internal);
				if (!verdict.ok) return stopped(verdict.reason);
				const response = await this.request(target, addresses[0], deadline, signal);
				const location = response.headers.location;
				if (!redirectStatuses.has(response.statusCode ?? 0) || !location) return await this.readBody(target, response, deadline);
				response.destroy();
				if (hop >= this.maxRedirects) return {ok: false, reason: `${first.url} redirected more than ${this.maxRedirects} times: stopped at ${target.url}`};
				const next = parseTarget(location, target.url);
				if (!next.ok) return {ok: false, reason: `${target.url} redirected to an unusable address: ${next.error}`};
				target = next.target;
			}
		} catch (error) {
			return {ok: false, reason: error instanceof FetchError ? error.message : `${target.url} could not be fetched: ${(error as Error).message}`};
		}
	}

	private async addressesOf(host: string, deadline: number): Promise<ResolvedAddress[]> {
		const bare = host.replace(/^\[|\]$/g, '');
		if (isIpHost(host)) return [{address: bare, family: bare.includes(':') ? 6 : 4}];
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<never>((_resolve, reject) => {
			timer = setTimeout(() => reject(new FetchError(`${host} could not be resolved within ${this.timeoutMs} ms`)), Math.max(0, deadline - Date.now()));
		});
		try {
			return await Promise.race([this.resolve(bare), timeout]);
		} catch (error) {
			if (error instanceof FetchError) throw error;
			throw new FetchError(`${host} could not be resolved (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
		} finally {
			clearTimeout(timer);
		}
	}

	private request(target: FetchTarget, address: ResolvedAddress, deadline: number, signal?: AbortSignal): Promise<http.IncomingMessage> {
		const secure = target.scheme === 'https';
		const url = new URL(target.url);
		// The checked address, whatever the connection asks for: there is no second lookup to race.
		const lookup: LookupFunction = (_hostname, options, callback) => {
			if (options.all) (callback as (error: null, addresses: ResolvedAddress[]) => void)(null, [address]);
			else callback(null, address.address, address.family);
		};
		const options: https.RequestOptions = {
			host: url.hostname.replace(/^\[|\]$/g, ''),
			port: target.port,
			path: `${url.pathname}${url.search}`,
			method: 'GET',
			lookup,
			// A fresh agent: no pooled sockets, no proxy from the environment.
			agent: secure ? new https.Agent({keepAlive: false, ca: this.ca}) : new http.Agent({keepAlive: false}),
			headers: {
				'User-Agent': this.userAgent,
				Accept: 'text/html,application/xhtml+xml,text/plain;q=0.9,application/json;q=0.8,*/*;q=0.5',
				'Accept-Encoding': 'gzip, deflate, br',
				Connection: 'close',
			},
			...(secure && !isIpHost(target.host) ? {servername: url.hostname} : {}),
			signal,
		};
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => request.destroy(new FetchError(`${target.url} sent no answer within ${this.timeoutMs} ms`)), Math.max(0, deadline - Date.now()));
			const request = (secure ? https : http).request(options, (response) => {
				clearTimeout(timer);
				resolve(response);
			});
			request.on('error', (error) => {
				clearTimeout(timer);
				reject(error instanceof FetchError ? error : new FetchError(`${target.url} could not be fetched: ${error.message}`));
			});
			request.end();
		});
	}

	/** Reads at most maxBodyBytes until the deadline; what arrived by then is kept, with a note. */
	private readBody(target: FetchTarget, response: http.IncomingMessage, deadline: number): Promise<FetchOutcome> {
		const encoding = String(response.headers['content-encoding'] ?? '').trim().toLowerCase();
		const decoder = encoding === 'gzip' || encoding === 'x-gzip' ? zlib.createGunzip() : encoding === 'deflate' ? zlib.createInflate() : encoding === 'br' ? zlib.createBrotliDecompress() : undefined;
		const source = decoder ? response.pipe(decoder) : response;
		const chunks: Buffer[] = [];
		const notes: string[] = [];
		let bytes = 0;
		return new Promise((resolve) => {
			let settled = false;
			const finish = (failure?: string) => {
				if (settled) return;
				settled = true;
				clearTimeout(timer);
				response.destroy();
				decoder?.destroy();
				if (failure && bytes === 0) return resolve({ok: false, reason: failure});
				if (failure) notes.push(failure);
				resolve({ok: true, status: response.statusCode ?? 0, finalUrl: target.url, contentType: String(response.headers['content-type'] ?? ''), body: Buffer.concat(chunks), notes});
			};
			const timer = setTimeout(() => {
				notes.push(`the server was still sending after ${this.timeoutMs} ms: only what arrived by then (${bytes} bytes) is shown`);
				finish();
			}, Math.max(0, deadline - Date.now()));
			source.on('data', (chunk: Buffer) => {
				const room = this.maxBodyBytes - bytes;
				if (chunk.length > room) {
					chunks.push(chunk.subarray(0, room));
					bytes += room;
					notes.push(`the page is larger than ${this.maxBodyBytes} bytes: only the first ${this.maxBodyBytes} bytes were read`);
					return finish();
				}
				chunks.push(chunk);
				bytes += chunk.length;
			});
			source.on('end', () => finish());
			source.on('error', (error: Error) => finish(`${target.url}: the body could not be read (${error.message})`));
			response.on('close', () => {
				if (!response.complete) finish(`${target.url}: the server closed the connection mid-page`);
			});
		});
	}
}
