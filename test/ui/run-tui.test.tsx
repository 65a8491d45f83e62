import {EventEmitter} from 'node:events';
import {Writable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {inProcessSession, runTui, type TuiSession} from '../../src/ui/run-tui.js';
import type {LeaveChoice} from '../../src/ui/ui-state.js';
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

/** A host whose stop never finishes (a run that will not die, a channel that hangs). */
class HangingHost extends FakeHost {
	override stop = () => new Promise<void>(() => {});
}

function start(host: FakeHost, options: {stopTimeoutMs?: number} = {}, session: TuiSession = inProcessSession(host)) {
	const stdout = new TerminalOut();
	const stdin = new TerminalIn();
	const stderr = new TerminalOut();
	// Stands in for the process's signal, crash and exit events.
	const events = new EventEmitter();
	const done = runTui(session, {
		stdout: stdout as unknown as NodeJS.WriteStream,
		stdin: stdin as unknown as NodeJS.ReadStream,
		stderr: stderr as unknown as NodeJS.WriteStream,
		patchConsole: false,
		process: events as unknown as NodeJS.Process,
		...options,
	});
	return {stdout, stdin, stderr, done, events};
}

/** Whether the terminal is back: the alternate screen left after the last frame, the cursor shown. */
function restored(text: string): boolean {
	return text.lastIndexOf(leave) > text.lastIndexOf('6 Skills') && text.lastIndexOf('\u001b[?25h') > text.lastIndexOf('\u001b[?25l');
}

describe('runTui', () => {
	it('draws full screen in the alternate buffer, quits on q then s with status 0 after stopping the host, and restores the screen', async () => {
		const host = new FakeHost();
		const {stdout, stdin, done} = start(host);
		await waitFor(() => stdout.text.includes('6 Skills'));
		expect(stdout.text.startsWith(enter)).toBe(true);
		stdin.type('q');
		await waitFor(() => stdout.text.includes('keep the host running in the background'));
		expect(host.stopped).toBe(false);
		stdin.type('s');
		await expect(done).resolves.toBe(0);
		expect(host.stopped).toBe(true);
		expect(stdout.text.lastIndexOf(leave)).toBeGreaterThan(stdout.text.lastIndexOf('6 Skills'));
		expect(stdout.text).toContain('\u001b[?25h');
	});

	it('says how many live runs stopping closes, and closes them through host.stop', async () => {
		const snapshot = baseSnapshot();
		snapshot.runs = [run()];
		const host = new FakeHost(snapshot);
		const {stdout, stdin, done} = start(host);
		await waitFor(() => stdout.text.includes('6 Skills'));
		stdin.type('q');
		await waitFor(() => stdout.text.includes('stop it (closes 1 live run)'));
		expect(host.stopped).toBe(false);
		stdin.type('s');
		await expect(done).resolves.toBe(0);
		expect(host.stopped).toBe(true);
	});

	it('q then b leaves with the background choice and prints what the session says once the terminal is back', async () => {
		const host = new FakeHost();
		const choices: LeaveChoice[] = [];
		const session: TuiSession = {host, leave: async (choice) => {
			choices.push(choice);
			return 'the host keeps running in the background (pid 4242)';
		}};
		const {stdout, stdin, stderr, done} = start(host, {}, session);
		await waitFor(() => stdout.text.includes('6 Skills'));
		stdin.type('q');
		await waitFor(() => stdout.text.includes('keep it running in the background'));
		stdin.type('b');
		await expect(done).resolves.toBe(0);
		expect(choices).toEqual(['background']);
		expect(stderr.text).toBe('babybot-tui: the host keeps running in the background (pid 4242)\n');
		expect(restored(stdout.text)).toBe(true);
	});

	it('attached: the status bar names the host, q detaches at once, and SIGTERM detaches too', async () => {
		for (const quit of ['q', 'SIGTERM'] as const) {
			const host = new FakeHost();
			const choices: LeaveChoice[] = [];
			const session: TuiSession = {host, attachedTo: 4242, leave: async (choice) => void choices.push(choice)};
			const {stdout, stdin, done, events} = start(host, {}, session);
			await waitFor(() => stdout.text.includes('attached to host pid 4242'));
			if (quit === 'q') stdin.type('q');
			else events.emit('SIGTERM');
			await expect(done).resolves.toBe(quit === 'q' ? 0 : 143);
			expect(choices).toEqual(['detach']);
			expect(host.stopped).toBe(false);
		}
	});

	it(':stop asks, then stops the attached host', async () => {
		const host = new FakeHost();
		const choices: LeaveChoice[] = [];
		const {stdout, stdin, done} = start(host, {}, {host, attachedTo: 4242, leave: async (choice) => void choices.push(choice)});
		await waitFor(() => stdout.text.includes('6 Skills'));
		stdin.type(':');
		stdin.type('stop');
		stdin.type('\r');
		await waitFor(() => stdout.text.includes('Stop the host (pid 4242)?'));
		stdin.type('y');
		await expect(done).resolves.toBe(0);
		expect(choices).toEqual(['stop']);
	});

	it('a host stopped by another client ends this UI with the reason; a lost connection with status 1', async () => {
		const host = new FakeHost();
		const {stdout, stderr, done} = start(host);
		await waitFor(() => stdout.text.includes('6 Skills'));
		host.emit('stopping', {reason: 'the host was stopped'});
		await expect(done).resolves.toBe(0);
		expect(stderr.text).toBe('babybot-tui: the host was stopped\n');
		expect(restored(stdout.text)).toBe(true);

		const lostHost = new FakeHost();
		let lose!: (reason: string) => void;
		const lost = start(lostHost, {}, {host: lostHost, attachedTo: 4242, leave: async () => {}, lost: new Promise((resolve) => (lose = resolve))});
		await waitFor(() => lost.stdout.text.includes('6 Skills'));
		lose('the host went away');
		await expect(lost.done).resolves.toBe(1);
		expect(lost.stderr.text).toContain('the host went away');
	});

	it('restores the screen and resolves 1 when stopping the host fails', async () => {
		const host = new FakeHost();
		host.failures.set('stop', 'a run would not die');
		const {stdout, stdin, stderr, done} = start(host);
		await waitFor(() => stdout.text.includes('6 Skills'));
		stdin.type('q');
		await waitFor(() => stdout.text.includes('keep it running'));
		stdin.type('s');
		await expect(done).resolves.toBe(1);
		expect(stdout.text).toContain(leave);
		expect(stderr.text).toContain('stopping the host failed: a run would not die');
	});

	it('SIGTERM gives the terminal back at once, even while host.stop() hangs, and exits after a bounded wait', async () => {
		const host = new HangingHost();
		const {stdout, stderr, done, events} = start(host, {stopTimeoutMs: 2500});
		await waitFor(() => stdout.text.includes('6 Skills'));
		events.emit('SIGTERM');
		// Well before the 2.5 s the host is given to stop.
		await waitFor(() => restored(stdout.text), () => stdout.text, 1000);
		await expect(done).resolves.toBe(143);
		expect(stderr.text).toContain('the host did not stop within');
		expect(events.listenerCount('SIGTERM') + events.listenerCount('uncaughtException') + events.listenerCount('exit')).toBe(0);
	});

	it('q with a host that will not stop leaves after the bounded wait with status 1', async () => {
		const host = new HangingHost();
		const {stdout, stdin, done} = start(host, {stopTimeoutMs: 300});
		await waitFor(() => stdout.text.includes('6 Skills'));
		stdin.type('q');
		await waitFor(() => stdout.text.includes('keep it running'));
		stdin.type('s');
		await waitFor(() => stdout.text.includes('Stopping'));
		expect(restored(stdout.text)).toBe(false);
		await expect(done).resolves.toBe(1);
		expect(restored(stdout.text)).toBe(true);
	});

	it('an uncaught exception leaves the alternate screen, shows the cursor, reports the crash and resolves 1', async () => {
		const host = new FakeHost();
		const {stdout, stderr, done, events} = start(host);
		await waitFor(() => stdout.text.includes('6 Skills'));
		events.emit('uncaughtException', new Error('boom in a render'));
		await expect(done).resolves.toBe(1);
		expect(restored(stdout.text)).toBe(true);
		expect(stderr.text).toContain('babybot-tui: crashed: Error: boom in a render');
		expect(host.stopped).toBe(true);
	});

	it('restores the terminal on process exit when nothing else did', async () => {
		const {stdout, events, done} = start(new HangingHost(), {stopTimeoutMs: 100});
		await waitFor(() => stdout.text.includes('6 Skills'));
		events.emit('exit', 1);
		expect(restored(stdout.text)).toBe(true);
		events.emit('SIGTERM');
		await done;
	});
});
