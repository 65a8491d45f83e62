// CONTAINER_TIMEOUT bounds each turn, not the sandbox's life: a warm run that answered quickly and
// waited takes a follow-up with the whole budget, and only a turn that overruns it is killed.
// A real child process speaks the agent protocol; the host's clock is a fake one moved by hand.
import os from 'node:os';
import {describe, expect, it} from 'vitest';
import {LlmBridge} from '../../src/llm-bridge.js';
import {silentLogger} from '../../src/logger.js';
import {SandboxRun, type TurnRequest} from '../../src/runner/sandbox-run.js';
import {workspacePathsFor} from '../../src/runtimes/mount-plan.js';
import type {SandboxLauncher} from '../../src/runtimes/runtime.js';
import {FakeClock, flushPromises} from '../scheduler/fake-clock.js';

// Answers every turn at once, except a prompt of "hold", which it never answers.
const agent = `
const readline = require('node:readline');
const answer = (turn) => {
	if (turn.prompt === 'hold') return;
	process.stdout.write(JSON.stringify({type: 'output', turnId: turn.turnId, text: 'done ' + turn.prompt}) + '\\n');
	process.stdout.write(JSON.stringify({type: 'turn_done', turnId: turn.turnId, ok: true}) + '\\n');
};
readline.createInterface({input: process.stdin}).on('line', (line) => {
	const message = JSON.parse(line);
	if (message.type === 'start') answer(message.turn);
	if (message.type === 'turn') answer(message);
	if (message.type === 'close') process.exit(0);
});`;

const launcher: SandboxLauncher = {
	name: 'none',
	sandboxed: false,
	buildLaunch: () => ({command: process.execPath, args: ['-e', agent], env: {}, cwd: os.tmpdir(), paths: workspacePathsFor([], 'host')}),
	stop: async () => {},
	listInstallContainers: async () => [],
	remove: async () => {},
};

const minute = 60_000;

function warmRun(clock: FakeClock, hardTimeoutMs: number): SandboxRun {
	const runId = `timeout-${Math.random().toString(36).slice(2)}`;
	return new SandboxRun({
		launcher,
		spec: {runId, groupFolder: 'main', containerName: `babybot-main-${runId}`, mounts: [], network: false, image: 'x', installLabel: 'x', hiddenFiles: [], limits: {memory: '1g', cpus: '1', pids: 64}},
		start: {runId, group: {folder: 'main', name: 'Main', isMain: true, chatJid: 'local:main'}, assistantName: 'Baby', contextMode: 'group', limits: {maxToolRounds: 1, toolOutputChars: 100, ipcAckTimeoutMs: 100}},
		llm: new LlmBridge({baseUrl: 'http://127.0.0.1:9', model: 'x'}),
		idleTimeoutMs: 60 * minute,
		hardTimeoutMs,
		maxOutputBytes: 10_000,
		logger: silentLogger(),
		onOutput: () => {},
		onUpdate: () => {},
		clock,
	});
}

const turn = (prompt: string): TurnRequest => ({turnId: `turn-${prompt}-${Math.random()}`, chatJid: 'local:main', prompt});

describe('CONTAINER_TIMEOUT per turn', () => {
	it('gives a follow-up in a warm run its whole budget, counted from that turn', async () => {
		const clock = new FakeClock(Date.UTC(2026, 0, 1));
		const run = warmRun(clock, 30 * minute);
		expect(await run.begin(turn('first'))).toMatchObject({ok: true, outputs: ['done first']});
		clock.advance(25 * minute); // the run waits, warm, for a follow-up
		const followUp = run.submit(turn('hold'));
		clock.advance(10 * minute); // 35 minutes after the sandbox started, 10 into the turn
		await flushPromises();
		expect(run.state).toBe('running');
		clock.advance(20 * minute - 1);
		await flushPromises();
		expect(run.state).toBe('running');
		clock.advance(1); // the turn's own 30 minutes are up
		expect(await followUp).toMatchObject({ok: false, error: expect.stringMatching(/CONTAINER_TIMEOUT/)});
		expect(await run.ended).toBe('timeout');
	});

	it('never kills a warm run while it waits for a follow-up (the idle timeout closes it)', async () => {
		const clock = new FakeClock(Date.UTC(2026, 0, 1));
		const run = warmRun(clock, 5 * minute);
		expect(await run.begin(turn('first'))).toMatchObject({ok: true});
		clock.advance(30 * minute);
		await flushPromises();
		expect(run.state).toBe('idle');
		expect(await run.submit(turn('second'))).toMatchObject({ok: true, outputs: ['done second']});
		clock.advance(60 * minute);
		expect(await run.ended).toBe('idle');
	});

	it('kills a first turn that overruns its budget', async () => {
		const clock = new FakeClock(Date.UTC(2026, 0, 1));
		const run = warmRun(clock, 5 * minute);
		const first = run.begin(turn('hold'));
		clock.advance(5 * minute);
		expect(await first).toMatchObject({ok: false, error: expect.stringMatching(/CONTAINER_TIMEOUT \(300000 ms\)/)});
		expect(await run.ended).toBe('timeout');
	});
});
