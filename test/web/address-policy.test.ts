import {describe, expect, it} from 'vitest';
import {checkAddresses, classifyAddress} from '../../src/web/address-policy.js';

describe('classifyAddress', () => {
	it.each([
		['93.184.216.34', 'public', undefined],
		['8.8.8.8', 'public', undefined],
		['1.1.1.1', 'public', undefined],
		['127.0.0.1', 'internal', 'loopback'],
		['127.255.0.9', 'internal', 'loopback'],
		['10.1.2.3', 'internal', 'private'],
		['172.16.0.1', 'internal', 'private'],
		['172.31.255.255', 'internal', 'private'],
		['172.32.0.1', 'public', undefined],
		['192.168.1.10', 'internal', 'private'],
		['100.64.0.1', 'internal', 'CGNAT'],
		['100.127.255.255', 'internal', 'CGNAT'],
		['100.128.0.1', 'public', undefined],
		['169.254.1.1', 'internal', 'link-local'],
		['169.254.169.254', 'never', 'metadata'],
		['100.100.100.200', 'never', 'metadata'],
		['0.0.0.0', 'never', 'unspecified'],
		['255.255.255.255', 'never', 'broadcast'],
		['224.0.0.1', 'never', 'multicast'],
		['240.0.0.1', 'never', 'reserved'],
		['192.0.2.2', 'never', 'documentation'],
		['198.18.0.1', 'never', 'benchmarking'],
		['::1', 'internal', 'loopback'],
		['[::1]', 'internal', 'loopback'],
		['::', 'never', 'unspecified'],
		['::ffff:127.0.0.1', 'internal', 'IPv4-mapped'],
		['::ffff:93.184.216.34', 'internal', 'IPv4-mapped'],
		['::ffff:7f00:1', 'internal', 'IPv4-mapped'],
		['fc00::1', 'internal', 'unique-local'],
		['fd12:3456::1', 'internal', 'unique-local'],
		['fd00:ec2::254', 'never', 'metadata'],
		['fe80::1', 'internal', 'link-local'],
		['fe80::1%eth0', 'internal', 'link-local'],
		['ff02::1', 'never', 'multicast'],
		['2001:db8::1', 'never', 'documentation'],
		['64:ff9b::7f00:1', 'internal', 'NAT64 address of a loopback'],
		['64:ff9b::5db8:d822', 'public', undefined],
		['2002:7f00:1::1', 'internal', '6to4 address of a loopback'],
		['2606:4700:4700::1111', 'public', undefined],
		['not-an-ip', 'never', 'not an IP'],
	])('%s is %s', (address, kind, what) => {
		const found = classifyAddress(address);
		expect(found.kind).toBe(kind);
		if (what) expect('what' in found ? found.what : '').toContain(what);
	});
});

describe('checkAddresses', () => {
	it.each([
		['one public address', ['93.184.216.34'], false, true],
		['a loopback address', ['127.0.0.1'], false, false],
		['a loopback address of an internal host', ['127.0.0.1'], true, true],
		['a private address among public ones', ['93.184.216.34', '10.0.0.5'], false, false],
		['the metadata address of an internal host', ['169.254.169.254'], true, false],
		['no address at all', [], false, false],
	])('%s', (_name, addresses, internal, ok) => {
		expect(checkAddresses('news.test', addresses, internal).ok).toBe(ok);
	});

	it('says where the name resolves, what that is, and how the operator could allow it', () => {
		const verdict = checkAddresses('news.test', ['127.0.0.1'], false);
		expect(verdict).toEqual({ok: false, reason: expect.stringContaining('news.test resolves to 127.0.0.1, a loopback address')});
		expect(!verdict.ok && verdict.reason).toContain('babybot-tui hosts allow news.test --internal');
		const metadata = checkAddresses('169.254.169.254', ['169.254.169.254'], true);
		expect(!metadata.ok && metadata.reason).toMatch(/^169\.254\.169\.254 is a cloud metadata address: web_fetch does not connect there$/);
	});
});
