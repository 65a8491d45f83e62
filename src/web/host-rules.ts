// The operator's web allowlist as rules: host patterns, fetch targets and the verdict for a group.
// Pure: no I/O (names are resolved and pages fetched elsewhere).
import net from 'node:net';
import type {AllowedHost, AllowlistResult} from '../mounts/allowlist.js';

export type PatternResult = {ok: true; pattern: string; wildcard: boolean} | {ok: false; error: string};

const maxUrlLength = 4096;
const labelPattern = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** The canonical form of a host (lower case, IDN as punycode, no trailing dot, IPv6 in brackets), or null. */
export function canonicalHost(text: string): string | null {
	const bare = text.replace(/^\[|\]$/g, '');
	if (net.isIPv6(bare)) return new URL(`http://[${bare}]/`).hostname;
	let url: URL;
	try {
		url = new URL(`http://${text}/`);
	} catch {
		return null;
	}
	if (url.port || url.username || url.password || url.pathname !== '/' || url.search) return null;
	const host = url.hostname.replace(/\.$/, '');
	if (net.isIPv4(host)) return host;
	if (host.length === 0 || host.length > 253 || !host.split('.').every((label) => labelPattern.test(label))) return null;
	return host;
}

export const isIpHost = (host: string): boolean => net.isIP(host.replace(/^\[|\]$/g, '')) !== 0;

/** An allowlist pattern: an exact host, or `*.domain` for the domain and every name under it. */
export function parseHostPattern(raw: string): PatternResult {
	const text = raw.trim().toLowerCase();
	if (!text) return {ok: false, error: 'a host is empty: give one such as example.com or *.example.com'};
	if (/^[a-z][a-z0-9+.-]*:\/\//.test(text)) {
		const host = (() => {
			try {
				return new URL(text).hostname;
			} catch {
				return 'example.com';
			}
		})();
		return {ok: false, error: `"${raw}" is a URL: give its host only, e.g. ${host}`};
	}
	const wildcard = text.startsWith('*.');
	const base = wildcard ? text.slice(2) : text;
	if (base.includes('*')) return {ok: false, error: `"${raw}": a * may only start a pattern, as in *.example.com`};
	if (/[/?#@\s\\]/.test(base)) return {ok: false, error: `"${raw}" is not a host: no path, user name or spaces (e.g. example.com)`};
	if (/:\d*$/.test(base) && !net.isIPv6(base.replace(/^\[|\]$/g, ''))) {
		return {ok: false, error: `"${raw}" names a port: give the host alone (it is allowed on every port)`};
	}
	const host = canonicalHost(base);
	if (!host) return {ok: false, error: `"${raw}" is not a valid host name: use letters, digits and hyphens, e.g. example.com`};
	if (wildcard && isIpHost(host)) return {ok: false, error: `"${raw}": a wildcard cannot cover IP addresses; list the address itself`};
	if (wildcard && !host.includes('.')) return {ok: false, error: `"${raw}" would cover a whole top-level domain: name a domain, e.g. *.example.com`};
	return {ok: true, pattern: wildcard ? `*.${host}` : host, wildcard};
}

/** Whether `host` (canonical) is covered by `pattern` (canonical). */
export function hostMatches(pattern: string, host: string): boolean {
	if (!pattern.startsWith('*.')) return pattern === host;
	const domain = pattern.slice(2);
	return host === domain || host.endsWith(`.${domain}`);
}

export interface FetchTarget {
	/** The URL to request (canonical, without its #fragment). */
	url: string;
	scheme: 'http' | 'https';
	/** Canonical host (IPv6 in brackets). */
	host: string;
	port: number;
}

export type TargetResult = {ok: true; target: FetchTarget} | {ok: false; error: string};

/** Checks the form of a URL an agent asked for (or a redirect pointed to). */
export function parseTarget(raw: string, base?: string): TargetResult {
	const shown = raw.length > 120 ? `${raw.slice(0, 120)}…` : raw;
	if (raw.length > maxUrlLength) return {ok: false, error: `the URL is ${raw.length} characters long: web_fetch takes at most ${maxUrlLength}`};
	let url: URL;
	try {
		url = new URL(raw, base);
	} catch {
		return {ok: false, error: `"${shown}" is not a URL: give a full address such as https://example.com/page`};
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		return {ok: false, error: `${url.protocol} URLs are not fetched: web_fetch reads https:// (and, where the operator allowed it, http://) pages only`};
	}
	if (url.username || url.password) return {ok: false, error: 'a URL with a user name or password is refused: web_fetch sends no credentials'};
	const host = canonicalHost(url.hostname) ?? (isIpHost(url.hostname) ? url.hostname : null);
	if (!host) return {ok: false, error: `"${url.hostname}" is not a valid host name`};
	url.hostname = host;
	url.hash = '';
	const scheme = url.protocol === 'https:' ? 'https' : 'http';
	return {ok: true, target: {url: url.href, scheme, host, port: url.port ? Number(url.port) : scheme === 'https' ? 443 : 80}};
}

export interface HostRules {
	allowedHosts: AllowedHost[];
	/** Exact hosts whose addresses may be loopback, private or link-local. */
	internalHosts: string[];
}

export const noHostRules: HostRules = {allowedHosts: [], internalHosts: []};

/** The rules of an allowlist file, or why it cannot be used (a missing file allows nothing). */
export function hostRulesOf(result: AllowlistResult): {rules: HostRules; error?: string} {
	if (!result.ok) return result.missing ? {rules: noHostRules} : {rules: noHostRules, error: result.error};
	return {rules: {allowedHosts: result.allowlist.allowedHosts ?? [], internalHosts: result.allowlist.internalHosts ?? []}};
}

export interface AccessInput {
	target: FetchTarget;
	groupFolder: string;
	rules: HostRules;
	/** The operator allowed one fetch of this host for this group (used by this fetch). */
	once?: boolean;
	/** The operator's last refusal of this host for this group. */
	rejected?: {at: string; by: string};
}

export type AccessVerdict =
	| {decision: 'allow'; internal: boolean; why: string}
	/** The host is not allowed: the operator may allow it. */
	| {decision: 'ask'; why: string}
	| {decision: 'refuse'; why: string};

export const entryScope = (entry: Pick<AllowedHost, 'group'>): string => (entry.group ? `for ${entry.group}` : 'for all groups');

/** The entries of the allowlist that let `groupFolder` fetch `host`. */
export function entriesFor(rules: HostRules, groupFolder: string, host: string): AllowedHost[] {
	return rules.allowedHosts.filter((entry) => (entry.group === undefined || entry.group === groupFolder) && hostMatches(entry.host, host));
}

/** Whether the group may fetch the target now, must ask the operator, or is refused. */
export function decideAccess({target, groupFolder, rules, once, rejected}: AccessInput): AccessVerdict {
	const {host} = target;
	const internal = rules.internalHosts.includes(host);
	const entries = entriesFor(rules, groupFolder, host);
	if (entries.length > 0) {
		const entry = entries.find((candidate) => candidate.http) ?? entries[0];
		if (target.scheme === 'http' && !entry.http && !once) {
			return {
				decision: 'refuse',
				why: `plain http is not allowed for ${host}: use https://, or the operator allows http with \`babybot-tui hosts allow ${host} --http\``,
			};
		}
		return {decision: 'allow', internal, why: `${host} is allowed ${entryScope(entry)}${entry.host === host ? '' : ` (as ${entry.host})`}`};
	}
	if (once) return {decision: 'allow', internal, why: `the operator allowed one fetch of ${host} for ${groupFolder}`};
	if (rejected) return {decision: 'refuse', why: `the operator rejected fetching ${host} for ${groupFolder} (${rejected.by}, ${rejected.at})`};
	return {decision: 'ask', why: `${host} is not on the web allowlist of ${groupFolder}`};
}
