// Which IP addresses web_fetch may connect to: public ones, and internal ones only for a host the
// operator listed as internal. Pure: the caller resolves the name and passes the addresses.
import net from 'node:net';

/**
 * `public`: fetchable. `internal`: on this machine or its networks, fetchable only for an internal
 * host. `never`: no web page lives there (metadata services hand out credentials; multicast,
 * unspecified, documentation and reserved ranges are not hosts), refused even for internal hosts.
 */
export type AddressClass = {kind: 'public'} | {kind: 'internal' | 'never'; what: string};

interface Range {
	bytes: number[];
	bits: number;
	kind: 'internal' | 'never';
	what: string;
}

const v4 = (cidr: string, kind: Range['kind'], what: string): Range => {
	const [address, bits] = cidr.split('/');
	return {bytes: address.split('.').map(Number), bits: Number(bits), kind, what};
};
const v6 = (cidr: string, kind: Range['kind'], what: string): Range => {
	const [address, bits] = cidr.split('/');
	return {bytes: parseIpv6(address)!, bits: Number(bits), kind, what};
};

// The most specific ranges first: the first match wins.
const ipv4Ranges: Range[] = [
	v4('169.254.169.254/32', 'never', 'a cloud metadata address'),
	v4('100.100.100.200/32', 'never', 'a cloud metadata address'),
	v4('192.0.0.192/32', 'never', 'a cloud metadata address'),
	v4('0.0.0.0/8', 'never', 'an unspecified address'),
	v4('10.0.0.0/8', 'internal', 'a private address'),
	v4('100.64.0.0/10', 'internal', 'a carrier-grade NAT (CGNAT) address'),
	v4('127.0.0.0/8', 'internal', 'a loopback address'),
	v4('169.254.0.0/16', 'internal', 'a link-local address'),
	v4('172.16.0.0/12', 'internal', 'a private address'),
	v4('192.168.0.0/16', 'internal', 'a private address'),
	v4('192.0.0.0/24', 'never', 'a reserved protocol address'),
	v4('192.0.2.0/24', 'never', 'a documentation address'),
	v4('198.51.100.0/24', 'never', 'a documentation address'),
	v4('203.0.113.0/24', 'never', 'a documentation address'),
	v4('198.18.0.0/15', 'never', 'a benchmarking address'),
	v4('224.0.0.0/4', 'never', 'a multicast address'),
	v4('240.0.0.0/4', 'never', 'a reserved address'),
];

const ipv6Ranges: Range[] = [
	v6('fd00:ec2::254/128', 'never', 'a cloud metadata address'),
	v6('::/128', 'never', 'an unspecified address'),
	v6('::1/128', 'internal', 'a loopback address'),
	v6('::ffff:0:0/96', 'internal', 'an IPv4-mapped IPv6 address'),
	v6('::/96', 'never', 'a deprecated IPv4-compatible address'),
	v6('100::/64', 'never', 'a discard-only address'),
	v6('2001:db8::/32', 'never', 'a documentation address'),
	v6('fc00::/7', 'internal', 'a unique-local address'),
	v6('fe80::/10', 'internal', 'a link-local address'),
	v6('fec0::/10', 'internal', 'a site-local address'),
	v6('ff00::/8', 'never', 'a multicast address'),
];

/** Prefixes that carry an IPv4 address in their last 32 bits: that address is judged too. */
const embeddingV4: Range[] = [v6('64:ff9b::/96', 'never', 'NAT64'), v6('64:ff9b:1::/48', 'never', 'NAT64')];

function parseIpv6(text: string): number[] | undefined {
	let address = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
	if (!net.isIPv6(address)) return undefined;
	// A dotted IPv4 tail (::ffff:127.0.0.1) becomes its two hex groups.
	address = address.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_all, a, b, c, d) => `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`);
	const [left, right] = address.split('::');
	const groups = (part: string | undefined) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
	const head = groups(left);
	const tail = groups(right);
	const all = right === undefined ? head : [...head, ...Array<number>(8 - head.length - tail.length).fill(0), ...tail];
	return all.flatMap((group) => [group >> 8, group & 0xff]);
}

function inRange(bytes: number[], range: Range): boolean {
	if (bytes.length !== range.bytes.length) return false;
	let bits = range.bits;
	for (let index = 0; bits > 0; index++, bits -= 8) {
		const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
		if ((bytes[index] & mask) !== (range.bytes[index] & mask)) return false;
	}
	return true;
}

/** The class of one address (IPv4 dotted, or IPv6 with or without brackets); a non-address is `never`. */
export function classifyAddress(address: string): AddressClass {
	const bare = address.replace(/^\[|\]$/g, '');
	if (net.isIPv4(bare)) {
		const bytes = bare.split('.').map(Number);
		if (bytes.every((byte) => byte === 255)) return {kind: 'never', what: 'the broadcast address'};
		const range = ipv4Ranges.find((candidate) => inRange(bytes, candidate));
		return range ? {kind: range.kind, what: range.what} : {kind: 'public'};
	}
	const bytes = parseIpv6(bare);
	if (!bytes || bytes.length !== 16) return {kind: 'never', what: 'not an IP address'};
	if (embeddingV4.some((range) => inRange(bytes, range))) {
		const embedded = classifyAddress(bytes.slice(12).join('.'));
		return embedded.kind === 'public' ? embedded : {kind: embedded.kind, what: `a NAT64 address of ${embedded.what}`};
	}
	if (bytes[0] === 0x20 && bytes[1] === 0x02) {
		const embedded = classifyAddress(bytes.slice(2, 6).join('.'));
		if (embedded.kind !== 'public') return {kind: embedded.kind, what: `a 6to4 address of ${embedded.what}`};
	}
	const range = ipv6Ranges.find((candidate) => inRange(bytes, candidate));
	return range ? {kind: range.kind, what: range.what} : {kind: 'public'};
}

export type AddressVerdict = {ok: true} | {ok: false; reason: string};

/**
 * Every address a name resolved to must be fetchable (a name with one private address among public
 * ones is refused: the connection could land on either).
 */
export function checkAddresses(host: string, addresses: readonly string[], internal: boolean): AddressVerdict {
	if (addresses.length === 0) return {ok: false, reason: `${host} resolved to no address`};
	for (const address of addresses) {
		const found = classifyAddress(address);
		if (found.kind === 'public') continue;
		if (found.kind === 'internal' && internal) continue;
		const resolved = address === host.replace(/^\[|\]$/g, '') ? `${host} is` : `${host} resolves to ${address},`;
		const fix = found.kind === 'internal' ? ` (only a host the operator lists as internal may: \`babybot-tui hosts allow ${host} --internal\`)` : '';
		return {ok: false, reason: `${resolved} ${found.what}: web_fetch does not connect there${fix}`};
	}
	return {ok: true};
}
