import {describe, expect, it} from 'vitest';
import type {AllowedHost} from '../../src/mounts/allowlist.js';
import {decideAccess, hostMatches, parseHostPattern, parseTarget, type FetchTarget, type HostRules} from '../../src/web/host-rules.js';

describe('parseHostPattern', () => {
	it.each([
		['example.com', 'example.com'],
		['  Example.COM ', 'example.com'],
		['example.com.', 'example.com'],
		['*.example.com', '*.example.com'],
		['*.Bücher.de', '*.xn--bcher-kva.de'],
		['nas', 'nas'],
		['10.0.0.5', '10.0.0.5'],
		['[::1]', '[::1]'],
		['::1', '[::1]'],
		['my_host.lan', 'my_host.lan'],
	])('%j → %s', (raw, pattern) => {
		expect(parseHostPattern(raw)).toMatchObject({ok: true, pattern});
	});

	it.each([
		['', 'is empty'],
		['https://example.com/page', 'is a URL: give its host only, e.g. example.com'],
		['*', 'a * may only start a pattern'],
		['*.com', 'whole top-level domain'],
		['a.*.example.com', 'a * may only start a pattern'],
		['ex*ample.com', 'a * may only start a pattern'],
		['example.com/path', 'no path'],
		['user@example.com', 'no path, user name'],
		['example.com:8080', 'names a port'],
		['exa mple.com', 'no path, user name or spaces'],
		['-bad.example.com', 'not a valid host name'],
		['*.10.0.0.5', 'cannot cover IP addresses'],
	])('%j is refused: %s', (raw, error) => {
		const parsed = parseHostPattern(raw);
		expect(parsed.ok).toBe(false);
		expect(!parsed.ok && parsed.error).toContain(error);
	});
});

describe('hostMatches', () => {
	it.each([
		['example.com', 'example.com', true],
		['example.com', 'www.example.com', false],
		['*.example.com', 'example.com', true],
		['*.example.com', 'www.example.com', true],
		['*.example.com', 'a.b.example.com', true],
		['*.example.com', 'badexample.com', false],
		['*.example.com', 'example.com.evil.test', false],
		['news.test', 'news.test.evil.test', false],
	])('%s covers %s: %s', (pattern, host, matches) => {
		expect(hostMatches(pattern, host)).toBe(matches);
	});
});

describe('parseTarget', () => {
	it.each([
		['https://Example.com/a?b=1#frag', {url: 'https://example.com/a?b=1', scheme: 'https', host: 'example.com', port: 443}],
		['http://example.com.:8080/', {url: 'http://example.com:8080/', scheme: 'http', host: 'example.com', port: 8080}],
		['https://[::1]/', {host: '[::1]', port: 443}],
		['http://2130706433/', {host: '127.0.0.1'}],
		['http://0x7f.1/', {host: '127.0.0.1'}],
		['https://xn--bcher-kva.de/', {host: 'xn--bcher-kva.de'}],
	])('%s', (raw, expected) => {
		const parsed = parseTarget(raw);
		expect(parsed.ok && parsed.target).toMatchObject(expected);
	});

	it.each([
		['example.com', 'is not a URL'],
		['ftp://example.com/file', 'ftp: URLs are not fetched'],
		['file:///etc/passwd', 'file: URLs are not fetched'],
		['javascript:alert(1)', 'javascript: URLs are not fetched'],
		['https://user:secret@example.com/', 'user name or password'],
		[`https://example.com/${'a'.repeat(5000)}`, 'at most 4096'],
	])('%s is refused: %s', (raw, error) => {
		const parsed = parseTarget(raw);
		expect(!parsed.ok && parsed.error).toContain(error);
	});

	it('resolves a relative redirect against the page it came from', () => {
		expect(parseTarget('/next', 'https://news.test/a/b')).toMatchObject({ok: true, target: {url: 'https://news.test/next'}});
	});
});

const target = (url: string): FetchTarget => {
	const parsed = parseTarget(url);
	if (!parsed.ok) throw new Error(parsed.error);
	return parsed.target;
};
const entry = (host: string, extra: Partial<AllowedHost> = {}): AllowedHost => ({host, http: false, ...extra});
const rules = (allowedHosts: AllowedHost[], internalHosts: string[] = []): HostRules => ({allowedHosts, internalHosts});

describe('decideAccess', () => {
	it.each([
		['a host allowed for all groups', 'https://news.test/', rules([entry('news.test')]), {}, 'allow', 'news.test is allowed for all groups'],
		['a subdomain of a *. pattern', 'https://a.news.test/', rules([entry('*.news.test')]), {}, 'allow', 'allowed for all groups (as *.news.test)'],
		['a host allowed for this group', 'https://news.test/', rules([entry('news.test', {group: 'main'})]), {}, 'allow', 'allowed for main'],
		['a host allowed for another group only', 'https://news.test/', rules([entry('news.test', {group: 'family'})]), {}, 'ask', 'not on the web allowlist of main'],
		['a host not listed', 'https://other.test/', rules([entry('news.test')]), {}, 'ask', 'other.test is not on the web allowlist'],
		['plain http without the http flag', 'http://news.test/', rules([entry('news.test')]), {}, 'refuse', 'plain http is not allowed for news.test'],
		['plain http with the http flag', 'http://news.test/', rules([entry('news.test', {http: true})]), {}, 'allow', 'allowed'],
		['plain http with one of two entries allowing it', 'http://news.test/', rules([entry('news.test'), entry('*.news.test', {http: true, group: 'main'})]), {}, 'allow', 'allowed'],
		['an unlisted host the operator allowed once', 'https://other.test/', rules([]), {once: true}, 'allow', 'allowed one fetch of other.test'],
		['an unlisted host the operator rejected', 'https://other.test/', rules([]), {rejected: {at: '2026-01-02T03:04:05Z', by: 'operator'}}, 'refuse', 'rejected fetching other.test for main (operator, 2026-01-02'],
		['a rejected host allowed since', 'https://news.test/', rules([entry('news.test')]), {rejected: {at: 'then', by: 'operator'}}, 'allow', 'allowed'],
		['an IP literal that is listed', 'https://93.184.216.34/', rules([entry('93.184.216.34')]), {}, 'allow', 'allowed'],
	] as const)('%s', (_name, url, hostRules, extra, decision, why) => {
		const verdict = decideAccess({target: target(url), groupFolder: 'main', rules: hostRules, ...extra});
		expect(verdict.decision).toBe(decision);
		expect(verdict.why).toContain(why);
	});

	it('marks a host internal only when that exact host is listed as internal', () => {
		const list = rules([entry('*.lan')], ['nas.lan']);
		expect(decideAccess({target: target('https://nas.lan/'), groupFolder: 'main', rules: list})).toMatchObject({decision: 'allow', internal: true});
		expect(decideAccess({target: target('https://tv.lan/'), groupFolder: 'main', rules: list})).toMatchObject({decision: 'allow', internal: false});
		expect(decideAccess({target: target('https://nas.lan/'), groupFolder: 'main', rules: rules([], ['nas.lan'])}).decision).toBe('ask');
	});
});
