import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pino from 'pino';
import {describe, expect, it, onTestFinished, vi} from 'vitest';
import {hasPairedCredentials, moveCredentialsAside, prepareAuthDir} from '../../src/channels/whatsapp/auth-files.js';
import {openAuthState} from '../../src/channels/whatsapp/auth-state.js';
import {bundledWaVersion, createBaileysSocket} from '../../src/channels/whatsapp/socket.js';
import {tempHome} from '../support/temp-home.js';
import {homePaths} from '../../src/paths.js';
import {selfPhone, writePairedCredentials} from './harness.js';
import {closedPort} from '../support/cli.js';

const mode = (file: string) => fs.statSync(file).mode & 0o777;


describe('WhatsApp credentials on disk', () => {
	it('keeps the auth folder 0700 and every key and creds file 0600', async () => {
		const authDir = path.join(tempHome().home, 'store', 'auth');
		const {state, saveCreds} = await openAuthState(authDir);
		expect(mode(authDir)).toBe(0o700);
		await state.keys.set({'pre-key': {'1': {public: new Uint8Array(32), private: new Uint8Array(32)}}, 'lid-mapping': {'4915:1': '99887766'}});
		await saveCreds();
		const files = fs.readdirSync(authDir).sort();
		expect(files).toEqual(['creds.json', 'lid-mapping-4915-1.json', 'pre-key-1.json']);
		for (const file of files) expect(mode(path.join(authDir, file))).toBe(0o600);
		expect(hasPairedCredentials(authDir)).toBe(false);
		expect((await state.keys.get('pre-key', ['1']))['1']).toBeTruthy();
	});

	it('tightens files an older install left open', () => {
		const authDir = path.join(tempHome().home, 'store', 'auth');
		fs.mkdirSync(authDir, {recursive: true, mode: 0o755});
		fs.writeFileSync(path.join(authDir, 'session-x.json'), '{}', {mode: 0o644});
		prepareAuthDir(authDir);
		expect(mode(authDir)).toBe(0o700);
		expect(mode(path.join(authDir, 'session-x.json'))).toBe(0o600);
	});

	it('tells paired credentials apart and moves them aside to auth-<timestamp>.bak', () => {
		const storeDir = path.join(tempHome().home, 'store');
		const authDir = path.join(storeDir, 'auth');
		writePairedCredentials(authDir);
		expect(hasPairedCredentials(authDir)).toBe(true);
		const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6));
		expect(moveCredentialsAside(authDir, at)).toBe(path.join(storeDir, 'auth-2026-01-02T03-04-05-006Z.bak'));
		writePairedCredentials(authDir);
		expect(moveCredentialsAside(authDir, at)).toBe(path.join(storeDir, 'auth-2026-01-02T03-04-05-006Z-1.bak'));
		expect(moveCredentialsAside(authDir, at)).toBeNull();
		expect(hasPairedCredentials(authDir)).toBe(false);
	});
});

/** A local port that accepts connections and never answers, so a socket stays "connecting". */
async function silentLocalServer(): Promise<{port: number; close(): Promise<void>}> {
	const held = new Set<net.Socket>();
	const server = net.createServer((connection) => {
		held.add(connection);
		connection.on('close', () => held.delete(connection));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		port: (server.address() as net.AddressInfo).port,
		close: async () => {
			for (const connection of held) connection.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

describe('the real Baileys socket factory', () => {
	it('saves the credentials on every creds.update into $BABYBOT_HOME/store/auth, 0600 in 0700', async () => {
		const authDir = homePaths(tempHome().home).authDir;
		const server = await silentLocalServer();
		onTestFinished(() => server.close());
		const socket = await createBaileysSocket({authDir, logger: pino({level: 'silent'}), waWebSocketUrl: `ws://127.0.0.1:${server.port}/ws`});
		const ev = socket.ev as unknown as {emit(event: 'creds.update', update: Record<string, unknown>): void};
		const credsFile = path.join(authDir, 'creds.json');
		expect(fs.existsSync(credsFile)).toBe(false);

		ev.emit('creds.update', {me: {id: `${selfPhone}:7@s.whatsapp.net`, name: 'Operator'}, account: {details: new Uint8Array([1, 2, 3])}});
		await vi.waitFor(() => expect(hasPairedCredentials(authDir)).toBe(true));
		expect(mode(credsFile)).toBe(0o600);
		expect(mode(authDir)).toBe(0o700);

		// A later update is saved too, and the file is tightened again.
		fs.chmodSync(credsFile, 0o644);
		ev.emit('creds.update', {me: {id: `${selfPhone}:7@s.whatsapp.net`, name: 'Renamed'}});
		await socket.end();
		expect(JSON.parse(fs.readFileSync(credsFile, 'utf8')).me.name).toBe('Renamed');
		expect(mode(credsFile)).toBe(0o600);
	});

	it('builds a socket of the channel\'s shape (pointed at a closed local port, never at WhatsApp)', async () => {
		const authDir = path.join(tempHome().home, 'store', 'auth');
		const port = await closedPort();
		const socket = await createBaileysSocket({authDir, logger: pino({level: 'silent'}), waWebSocketUrl: `ws://127.0.0.1:${port}/ws`});
		const closed = new Promise<unknown>((resolve) => socket.ev.on('connection.update', (update) => update.connection === 'close' && resolve(update)));
		for (const method of ['sendMessage', 'sendPresenceUpdate', 'groupFetchAllParticipating', 'requestPairingCode', 'end', 'lidToPhone'] as const) {
			expect(typeof socket[method]).toBe('function');
		}
		expect(socket.user).toBeUndefined();
		expect(await socket.lidToPhone!('123@lid')).toBeNull();
		await socket.end();
		await closed;
		expect(mode(authDir)).toBe(0o700);
		expect(bundledWaVersion).toHaveLength(3);
	});
});
