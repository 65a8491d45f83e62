import fs from 'node:fs';
import path from 'node:path';
import {PassThrough} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {parsePairArgs, runPairCommand} from '../../src/cli/pair-command.js';
import {loadConfig} from '../../src/config.js';
import {homePaths} from '../../src/paths.js';
import {serveControlSocket} from '../../src/control/control-server.js';
import {waitFor} from '../support/cli.js';
import {startScriptedOllama} from '../support/ollama-server.js';
import {closeAfterEach, startTestHost} from '../support/test-host.js';
import {tempHome} from '../support/temp-home.js';

const closing = closeAfterEach();
import {FakeClock, settle} from './fake-clock.js';
import {FakeSocketFactory} from './fake-socket.js';
import {fetchedVersion, selfPhone, writePairedCredentials} from './harness.js';

function capture() {
	const stream = new PassThrough();
	let text = '';
	stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
	return {stream, text: () => text};
}

function setup() {
	const {home, allowlist} = tempHome();
	const config = loadConfig({env: {BABYBOT_HOME: home, MOUNT_ALLOWLIST_PATH: allowlist, TZ: 'UTC'}});
	const stdout = capture();
	const stderr = capture();
	const factory = new FakeSocketFactory();
	const clock = new FakeClock();
	const run = (argv: string[]) =>
		runPairCommand(argv, {config, stdout: stdout.stream, stderr: stderr.stream, socketFactory: factory.create, fetchVersion: async () => fetchedVersion, clock});
	return {home, paths: homePaths(home), stdout, stderr, factory, clock, run};
}

describe('babybot-tui pair', () => {
	it.each([
		[['--phone', 'abc'], /phone "abc" is not a phone number: type 7-15 digits, country code first/],
		[['--phone'], /--phone needs the number/],
		[['--qr'], /unknown argument "--qr"/],
	])('%j exits 2 with one line on stderr', async (argv, message) => {
		const s = setup();
		expect(await s.run(argv)).toBe(2);
		expect(s.stderr.text()).toMatch(message);
		expect(s.stderr.text().trim().split('\n')).toHaveLength(1);
		expect(s.factory.sockets).toHaveLength(0);
	});

	it('parses --phone in both spellings', () => {
		expect(parsePairArgs(['--phone=+49 151 23456789'])).toEqual({phone: '4915123456789', force: false, help: false});
		expect(parsePairArgs(['--force', '--phone', '4915123456789'])).toEqual({phone: '4915123456789', force: true, help: false});
	});

	it('renders the QR with its expiry, again when it rotates, and exits 0 once paired after the 515 restart', async () => {
		const s = setup();
		const exit = s.run([]);
		await settle();
		expect(s.factory.sockets).toHaveLength(1);
		s.factory.current.qr('2@first-ref,abc');
		await settle();
		expect(s.stdout.text()).toMatch(/Scan with WhatsApp › Settings › Linked devices/);
		expect(s.stdout.text()).toContain('expires in 60 s');
		expect(s.stdout.text()).toContain('▀');
		const firstLength = s.stdout.text().length;
		await s.clock.advance(60_000);
		s.factory.current.qr('2@second-ref,abc');
		await settle();
		expect(s.stdout.text().slice(firstLength)).toContain('expires in 20 s');
		s.factory.current.close(515);
		await settle();
		s.factory.current.open();
		expect(await exit).toBe(0);
		expect(s.stdout.text()).toContain(`Paired as +${selfPhone}.`);
		expect(s.factory.live()).toHaveLength(0);
		expect(fs.existsSync(s.paths.lockFile)).toBe(false);
	});

	it('prints the pairing code for --phone', async () => {
		const s = setup();
		const exit = s.run(['--phone', '4915123456789']);
		await settle();
		s.factory.current.qr('2@ref');
		await settle();
		expect(s.factory.current.pairingRequests).toEqual(['4915123456789']);
		expect(s.stdout.text()).toContain('Pairing code: ABCD-2345');
		expect(s.stdout.text()).not.toContain('▀');
		s.factory.current.close(515);
		await settle();
		s.factory.current.open();
		expect(await exit).toBe(0);
	});

	it('exits 1 with one line when WhatsApp refuses, and does not loop', async () => {
		const s = setup();
		const exit = s.run([]);
		await settle();
		s.factory.current.close(403);
		expect(await exit).toBe(1);
		expect(s.stderr.text()).toMatch(/^babybot-tui pair: WhatsApp refused this account/);
		expect(s.factory.sockets).toHaveLength(1);
	});

	it('gives up after a few reconnects when nobody scans', async () => {
		const s = setup();
		const exit = s.run([]);
		await settle();
		for (let i = 0; i < 4; i++) {
			s.factory.current.close(408);
			await settle();
			await s.clock.advance(5 * 60_000);
		}
		expect(await exit).toBe(1);
		expect(s.stderr.text()).toMatch(/no phone was paired in time/);
		expect(s.factory.live()).toHaveLength(0);
	});

	it('exits 1 when the QR codes of two rounds go unscanned', async () => {
		const s = setup();
		const exit = s.run([]);
		await settle();
		for (const round of [1, 2]) {
			s.factory.current.qr(`2@round-${round}`);
			await settle();
			s.factory.current.close(408);
			await settle();
			if (round === 1) await s.clock.advance(10_000);
		}
		expect(await exit).toBe(1);
		expect(s.stderr.text()).toMatch(/no phone was paired in time: run it again with your phone at hand/);
		expect(s.factory.sockets).toHaveLength(2);
	});

	it('leaves paired credentials alone unless --force, which moves them aside first', async () => {
		const s = setup();
		writePairedCredentials(s.paths.authDir);
		expect(await s.run([])).toBe(0);
		expect(s.stdout.text()).toMatch(/already paired .*pair --force/);
		expect(s.factory.sockets).toHaveLength(0);

		const exit = s.run(['--force']);
		await settle();
		expect(s.stdout.text()).toMatch(/old credentials moved to .*auth-.*\.bak/);
		expect(fs.readdirSync(s.paths.storeDir).filter((name) => name.endsWith('.bak'))).toHaveLength(1);
		s.factory.current.open();
		expect(await exit).toBe(0);
	});

	it('pairs through the host that runs for the home: its QR, then paired; --force is refused while it runs', async () => {
		const ollama = closing(await startScriptedOllama());
		const {home, allowlist, root} = tempHome();
		const factory = new FakeSocketFactory();
		const clock = new FakeClock();
		const test = closing(await startTestHost({runtime: 'none', ollamaUrl: ollama.url, home: {home, allowlist, root}, whatsapp: {socketFactory: factory.create, fetchVersion: async () => fetchedVersion, clock}}));
		closing(await serveControlSocket({host: test.host, paths: homePaths(home)}));
		const stdout = capture();
		const stderr = capture();
		const run = (argv: string[]) => runPairCommand(argv, {config: test.config, stdout: stdout.stream, stderr: stderr.stream, clock});
		expect(await run(['--force'])).toBe(1);
		expect(stderr.text()).toBe(`babybot-tui pair: a host (pid ${process.pid}) is running: --force would move its credentials aside under it; stop it first (:stop in the UI)\n`);
		const exit = run([]);
		await waitFor('the host socket', () => factory.sockets.length === 1);
		factory.current.qr('2@first-ref,abc');
		await waitFor('the QR', () => stdout.text().includes('Scan with WhatsApp › Settings › Linked devices'));
		factory.current.close(515);
		await waitFor('the restart', () => factory.sockets.length === 2);
		factory.current.open();
		expect(await exit).toBe(0);
		expect(stdout.text()).toContain(`Paired as +${selfPhone}: the host (pid ${process.pid}) is connected to WhatsApp.`);
		expect(test.host.snapshot().whatsapp).toMatchObject({status: 'paired'});
	});
});
