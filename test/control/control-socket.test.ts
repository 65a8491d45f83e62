// The control socket against a real host (runtime none, scripted Ollama): an attached client sees what
// the host sees, calls its actions by name, and bad or slow clients never take the host down.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {hostActionNames} from '../../src/api/host-actions.js';
import type {HostEventMap} from '../../src/api/host-api.js';
import {serveControlSocket, type ControlServer} from '../../src/control/control-server.js';
import {ControlDirError} from '../../src/control/control-dir.js';
import {encodeFrame, protocolVersion, type HostFrame} from '../../src/control/protocol.js';
import {AttachError, connectToHost, type RemoteHost} from '../../src/control/remote-host.js';
import {homePaths} from '../../src/paths.js';
import {waitFor} from '../support/cli.js';
import {startScriptedOllama} from '../support/ollama-server.js';
import {closeAfterEach, startTestHost, type TestHost} from '../support/test-host.js';

const closing = closeAfterEach();

async function servedHost(options: {maxQueueBytes?: number; maxFrameBytes?: number} = {}): Promise<{test: TestHost; server: ControlServer; socketFile: string}> {
	const ollama = closing(await startScriptedOllama({fallback: () => ({content: 'Hello from the scripted model, in several chunks.'})}));
	const test = closing(await startTestHost({runtime: 'none', ollamaUrl: ollama.url}));
	const server = closing(await serveControlSocket({host: test.host, paths: homePaths(test.home), ...options}));
	return {test, server, socketFile: server.socketFile};
}

async function attach(socketFile: string, logTail?: number): Promise<RemoteHost> {
	const remote = await connectToHost({socketFile, logTail});
	closing({close: async () => remote.close()});
	return remote;
}

/** A raw client: writes what it is given, collects the host's frames. */
function rawClient(socketFile: string) {
	const socket = net.createConnection(socketFile);
	const frames: HostFrame[] = [];
	let buffered = '';
	let bytes = 0;
	socket.on('data', (chunk) => {
		bytes += chunk.length;
		buffered += chunk.toString('utf8');
		const lines = buffered.split('\n');
		buffered = lines.pop()!;
		for (const line of lines) frames.push(JSON.parse(line) as HostFrame);
	});
	const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
	closing({close: async () => void socket.destroy()});
	return {socket, frames, ended, bytes: () => bytes};
}

function collect<K extends keyof HostEventMap>(remote: RemoteHost, name: K): Array<HostEventMap[K]> {
	const seen: Array<HostEventMap[K]> = [];
	remote.events.on(name, (payload) => seen.push(payload));
	return seen;
}

describe('a client attached over the control socket', () => {
	it('gets the same snapshot, the streamed answer of a chat, and the host answers its calls', async () => {
		const {test, socketFile} = await servedHost();
		const remote = await attach(socketFile);
		expect(remote.pid).toBe(process.pid);
		expect(remote.snapshot()).toEqual(test.host.snapshot());
		const deltas = collect(remote, 'delta');
		const replies = collect(remote, 'reply');
		const turns = collect(remote, 'turn');
		const {seq} = await remote.sendLocalMessage('main', 'hello over the socket');
		expect(seq).toBeGreaterThan(0);
		await waitFor('the turn at the client', () => turns.length > 0);
		expect(turns[0]).toMatchObject({groupFolder: 'main', ok: true});
		expect(replies.map((reply) => reply.text)).toEqual(['Hello from the scripted model, in several chunks.']);
		expect(deltas.length).toBeGreaterThan(1);
		expect(deltas.map((delta) => delta.text).join('')).toContain('Hello from the scripted model');
		// The mirror follows the host's changes: the run of that turn is in both.
		await waitFor('the run in the mirror', () => remote.snapshot().runs.length > 0);
		expect(remote.snapshot().runs[0].id).toBe(test.host.snapshot().runs[0].id);
		const output = await remote.runOutput(remote.snapshot().runs[0].id);
		expect(output?.output.join('\n')).toContain('Hello from the scripted model');
		await expect(remote.sendLocalMessage('nope', 'hi')).rejects.toThrow('no group with folder "nope"');
		const registered = await remote.registerGroup({jid: '123@g.us', name: 'Family', folder: 'family', requiresTrigger: true});
		expect(registered).toMatchObject({folder: 'family', network: false});
		await waitFor('the group in the mirror', () => remote.snapshot().groups.some((group) => group.folder === 'family'));
	}, 60_000);

	it('has every listed action, as the host has, and the host answers each by its name', async () => {
		const {test, socketFile} = await servedHost();
		const remote = await attach(socketFile);
		for (const name of hostActionNames) {
			expect(typeof test.host[name], name).toBe('function');
			expect(typeof remote[name], name).toBe('function');
		}
		await expect(remote.skillText('no-such-skill')).rejects.toThrow('no skill "no-such-skill"');
		await expect(remote.killRun('run-x')).rejects.toThrow('run run-x is not live');
		expect(await remote.runOutput('run-x')).toBeUndefined();
	});

	it('follows the log: the tail first, then every new line', async () => {
		const {test, socketFile} = await servedHost();
		test.host.logger.info('a line before the client came');
		const remote = await attach(socketFile, 1000);
		await waitFor('the tail', () => remote.logs.all().some((line) => line.msg === 'a line before the client came'));
		test.host.logger.info({run: 'r-1'}, 'a line after');
		await waitFor('the new line', () => remote.logs.all().some((line) => line.msg === 'a line after' && line.fields === 'run=r-1'));
	});

	it('stop stops the host, and the client is told why before the connection ends', async () => {
		const {test, socketFile} = await servedHost();
		const remote = await attach(socketFile);
		const stopping = collect(remote, 'stopping');
		await remote.stop();
		expect(await remote.closed).toBe('the host was stopped');
		expect(stopping).toEqual([{reason: 'the host was stopped'}]);
		expect(fs.existsSync(path.join(test.home, 'host.lock'))).toBe(false);
		expect(fs.existsSync(socketFile)).toBe(false);
	});

	it('a frame that is not JSON gets an error and the connection is closed; the host carries on', async () => {
		const {socketFile} = await servedHost();
		const bad = rawClient(socketFile);
		bad.socket.write(encodeFrame({type: 'hello', version: protocolVersion}));
		bad.socket.write('this is not json\n');
		await bad.ended;
		expect(bad.frames.at(-1)).toEqual({type: 'error', message: 'a frame is not JSON ("this is not json"): send one JSON object per line'});
		const remote = await attach(socketFile);
		expect(remote.snapshot().groups[0].folder).toBe('main');
	});

	it('a frame larger than the limit gets an error and the connection is closed', async () => {
		const {socketFile} = await servedHost({maxFrameBytes: 4096});
		const big = rawClient(socketFile);
		big.socket.write('{"type":"hello","version":1,"pad":"' + 'x'.repeat(10_000));
		await big.ended;
		expect(big.frames).toEqual([{type: 'error', message: 'a frame is larger than 4096 bytes: send smaller frames'}]);
		expect((await attach(socketFile)).snapshot().assistantName).toBe('Baby');
	});

	it('a call before the hello, a frame of the wrong shape and an unknown method are refused', async () => {
		const {socketFile} = await servedHost();
		const early = rawClient(socketFile);
		early.socket.write(encodeFrame({type: 'call', id: 1, method: 'stop', args: []}));
		await early.ended;
		expect(early.frames).toEqual([{type: 'error', message: 'a call before the hello: send {"type":"hello","version":1} first'}]);
		const shape = rawClient(socketFile);
		shape.socket.write('{"type":"call","id":"one"}\n');
		await shape.ended;
		expect(shape.frames[0]).toMatchObject({type: 'error', message: expect.stringMatching(/^a frame is not a hello or a call/)});
		const unknown = rawClient(socketFile);
		unknown.socket.write(encodeFrame({type: 'hello', version: protocolVersion}) + encodeFrame({type: 'call', id: 7, method: 'formatDisk', args: []}));
		await waitFor('the answer', () => unknown.frames.some((frame) => frame.type === 'result'));
		expect(unknown.frames.find((frame) => frame.type === 'result')).toEqual({type: 'result', id: 7, error: expect.stringContaining('the host has no method "formatDisk"')});
	});

	it('a client of another protocol version is refused with what to do', async () => {
		const {socketFile} = await servedHost();
		await expect(connectToHost({socketFile, version: protocolVersion + 1})).rejects.toThrow(AttachError);
		await expect(connectToHost({socketFile, version: protocolVersion + 1})).rejects.toThrow(`this host speaks control protocol ${protocolVersion}, the client ${protocolVersion + 1}`);
	});

	it('a client that does not read is resynchronised with a fresh snapshot; the host never queues more than its bound for it', async () => {
		const {test, socketFile} = await servedHost({maxQueueBytes: 64 * 1024});
		const slow = rawClient(socketFile);
		slow.socket.write(encodeFrame({type: 'hello', version: protocolVersion, logTail: 10}));
		await waitFor('the welcome', () => slow.frames.some((frame) => frame.type === 'welcome'));
		slow.socket.pause();
		const line = 'x'.repeat(1000);
		for (let i = 0; i < 20_000; i++) test.host.logger.info({i}, line);
		await new Promise((resolve) => setTimeout(resolve, 200));
		slow.socket.resume();
		await waitFor('the resync', () => slow.frames.some((frame) => frame.type === 'resync'), 20_000);
		const resync = slow.frames.find((frame) => frame.type === 'resync') as Extract<HostFrame, {type: 'resync'}>;
		expect(resync.skipped).toBeGreaterThan(0);
		expect(resync.snapshot.groups[0].folder).toBe('main');
		// 20,000 lines of 1 kB were logged; what reached the client is bounded by the queue and the
		// socket's buffers, and the newest lines came after the resync.
		expect(slow.bytes()).toBeLessThan(5 * 1024 * 1024);
		const after = slow.frames.slice(slow.frames.indexOf(resync)).filter((frame) => frame.type === 'logs');
		await waitFor('the newest lines', () => slow.frames.some((frame) => frame.type === 'logs' && frame.lines.some((l) => l.fields.startsWith('i=19999'))));
		expect(after.length).toBeGreaterThan(0);
		expect((await attach(socketFile)).snapshot().assistantName).toBe('Baby');
	}, 60_000);
});

describe('the control socket in an unsafe home', () => {
	it('is refused when others can write the home, with the chmod to run', async () => {
		const ollama = closing(await startScriptedOllama());
		const test = closing(await startTestHost({runtime: 'none', ollamaUrl: ollama.url}));
		fs.chmodSync(test.home, 0o777);
		await expect(serveControlSocket({host: test.host, paths: homePaths(test.home)})).rejects.toThrow(ControlDirError);
		await expect(serveControlSocket({host: test.host, paths: homePaths(test.home)})).rejects.toThrow(`run \`chmod go-w ${test.home}\``);
		fs.chmodSync(test.home, 0o755);
		const server = closing(await serveControlSocket({host: test.host, paths: homePaths(test.home)}));
		expect(fs.statSync(path.dirname(server.socketFile)).mode & 0o777).toBe(0o700);
		expect(fs.statSync(server.socketFile).mode & 0o777).toBe(0o600);
	});
});
