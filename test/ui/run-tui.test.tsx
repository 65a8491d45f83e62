import {EventEmitter} from 'node:events';
import {Writable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {runTui} from '../../src/ui/run-tui.js';
import {baseSnapshot, FakeHost, run} from '../support/fake-host.js';
import {waitFor} from './render-app.js';

class TerminalOut extends Writable {
	isTTY = true;
	columns = 100;
	rows = 30;
	text = '';
	override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
		this.text += chunk.toString();
		done();
	}
}

class TerminalIn extends EventEmitter {
	isTTY = true;
	private queue: string[] = [];
	rawMode: boolean[] = [];
	type(data: string): void {
		this.queue.push(data);
		this.emit('readable');
	}
	read(): string | null {
		return this.queue.shift() ?? null;
	}
	setRawMode(mode: boolean): void {
		this.rawMode.push(mode);
	}
	setEncoding(): void {}
	ref(): void {}
	unref(): void {}
	resume(): void {}
	pause(): void {}
}

const enter = '\u001b[?1049h';
const leave = '\u001b[?1049l';

function start(host: FakeHost) {
	const stdout = new TerminalOut();
	const stdin = new TerminalIn();
	const stderr = new TerminalOut();
	const done = runTui(host, {stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, stderr: stderr as unknown as NodeJS.WriteStream, patchConsole: false});
	return {stdout, stdin, stderr, done};
}

describe('runTui', () => {
	it('draws full screen in the alternate buffer, quits on q with status 0 after stopping the host, and restores the screen', async () => {
		const host = new FakeHost();
		const {stdout, stdin, done} = start(host);
		await waitFor(() => stdout.text.includes('6 Skills'));
		expect(stdout.text.startsWith(enter)).toBe(true);
		stdin.type('q');
		await expect(done).resolves.toBe(0);
		expect(host.stopped).toBe(true);
		expect(stdout.text.lastIndexOf(leave)).toBeGreaterThan(stdout.text.lastIndexOf('6 Skills'));
		expect(stdout.text).toContain('\u001b[?25h');
	});

	it('asks before quitting with live runs and closes them through host.stop', async () => {
		const snapshot = baseSnapshot();
		snapshot.runs = [run()];
		const host = new FakeHost(snapshot);
		const {stdout, stdin, done} = start(host);
		await waitFor(() => stdout.text.includes('6 Skills'));
		stdin.type('q');
		await waitFor(() => stdout.text.includes('quit and close it?'));
		expect(host.stopped).toBe(false);
		stdin.type('y');
		await expect(done).resolves.toBe(0);
		expect(host.stopped).toBe(true);
	});

	it('restores the screen and resolves 1 when stopping the host fails', async () => {
		const host = new FakeHost();
		host.failures.set('stop', 'a run would not die');
		const {stdout, stdin, stderr, done} = start(host);
		await waitFor(() => stdout.text.includes('6 Skills'));
		stdin.type('q');
		await expect(done).resolves.toBe(1);
		expect(stdout.text).toContain(leave);
		expect(stderr.text).toContain('stopping the host failed: a run would not die');
	});
});
