import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {parseDeb822Sources, parseSourcesList, pickDebianMirror, readAptSources} from '../../src/image/apt-sources.js';
import {tempHome} from '../support/temp-home.js';

const mirror = 'http://mirror.example/debian';
const security = 'http://mirror.example/debian-security';

const deb822 = `Types: deb
# a recorded snapshot comment
URIs: ${mirror}
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${security}
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

describe('apt sources', () => {
	it('reads deb822 paragraphs', () => {
		expect(parseDeb822Sources(deb822)).toEqual([
			{types: ['deb'], uris: [mirror], suites: ['bookworm', 'bookworm-updates'], components: ['main'], signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg'},
			{types: ['deb'], uris: [security], suites: ['bookworm-security'], components: ['main'], signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg'},
		]);
	});

	it('skips disabled paragraphs and inline keys', () => {
		const disabled = `Types: deb\nURIs: ${mirror}\nSuites: bookworm\nComponents: main\nEnabled: no\n`;
		expect(parseDeb822Sources(disabled)).toEqual([]);
		const inlineKey = `Types: deb\nURIs: ${mirror}\nSuites: bookworm\nComponents: main\nSigned-By: -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n abc\n`;
		expect(parseDeb822Sources(inlineKey)[0].signedBy).toBeUndefined();
	});

	it('reads one-line sources with options and comments', () => {
		const text = `# comment\ndeb [arch=amd64 signed-by=/k.gpg] ${mirror} trixie main contrib\ndeb-src ${mirror} trixie main\n`;
		expect(parseSourcesList(text)).toEqual([
			{types: ['deb'], uris: [mirror], suites: ['trixie'], components: ['main', 'contrib'], signedBy: '/k.gpg'},
			{types: ['deb-src'], uris: [mirror], suites: ['trixie'], components: ['main'], signedBy: undefined},
		]);
	});

	it.each([
		['the bookworm entry', deb822, {uri: mirror, keyring: '/usr/share/keyrings/debian-archive-keyring.gpg'}],
		['another release mirror when bookworm is not listed', `deb ${mirror} trixie main\ndeb ${security} trixie-security main\n`, {uri: mirror, keyring: undefined}],
		['nothing without main', `deb ${mirror} bookworm contrib\n`, null],
		['nothing from security alone', `deb ${security} bookworm-security main\n`, null],
	])('picks %s', (_name, text, expected) => {
		const sources = text.startsWith('Types') ? parseDeb822Sources(text) : parseSourcesList(text);
		expect(pickDebianMirror(sources, 'bookworm')).toEqual(expected);
	});

	it('reads sources.list and sources.list.d at run time, ignoring disabled files', () => {
		const {root} = tempHome('babybot-apt-');
		fs.mkdirSync(path.join(root, 'sources.list.d'));
		fs.writeFileSync(path.join(root, 'sources.list.d', 'debian.sources'), deb822);
		fs.writeFileSync(path.join(root, 'sources.list.d', 'other.list.disabled'), `deb http://other.example/x bookworm main\n`);
		expect(pickDebianMirror(readAptSources(root), 'bookworm')?.uri).toBe(mirror);
		expect(readAptSources(root)).toHaveLength(2);
	});
});
