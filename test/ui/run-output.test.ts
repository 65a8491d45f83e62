// The bounded ring behind the run details view: the last output lines and stderr tail of a run,
// kept for the last runs only. A real child process stands in for the sandbox (it speaks no protocol:
// its stdout lines are kept as they are, as the host does for any line outside the protocol).
import os from 'node:os';
import pino from 'pino';
import {describe, expect, it} from 'vitest';
import {LlmBridge} from '../../src/llm-bridge.js';
import {RunOutputs} from '../../src/runner/run-output.js';
import {SandboxRun, type SandboxRunOptions} from '../../src/runner/sandbox-run.js';
import {workspacePathsFor} from '../../src/runtimes/mount-plan.js';
import type {SandboxLauncher} from '../../src/runtimes/runtime.js';

const outputs = new RunOutputs();
const recentRunOutput = (runId: string) => outputs.get(runId);

function options(runId: string, script: string): SandboxRunOptions {
	const launcher: SandboxLauncher = {
		name: 'none',
		sandboxed: false,
		buildLaunch: () => ({command: process.execPath, args: ['-e', script], env: {}, cwd: os.tmpdir(), paths: workspacePathsFor([], 'host')}),
		stop: async () => {},
		listInstallContainers: async () => [],
		remove: async () => {},
	};
	return {
		launcher,
		spec: {runId, groupFolder: 'main', containerName: `babybot-main-${runId}`, mounts: [], network: false, image: 'x', installLabel: 'x', hiddenFiles: [], limits: {memory: '1g', cpus: '1', pids: 64}},
		start: {runId, group: {folder: 'main', name: 'Main', isMain: true, chatJid: 'local:main'}, assistantName: 'Baby', contextMode: 'group', limits: {maxToolRounds: 1, toolOutputChars: 100, ipcAckTimeoutMs: 100}},
		llm: new LlmBridge({baseUrl: 'http://127.0.0.1:9', model: 'x'}),
		idleTimeoutMs: 60_000,
		hardTimeoutMs: 60_000,
		maxOutputBytes: 10_000,
		logger: pino({level: 'silent'}),
		onOutput: () => {},
		onUpdate: () => {},
		output: outputs.create(runId),
	};
}

describe('recent run output', () => {
	it('keeps the last 60 output lines (long ones cut) and the last 20 stderr lines of a run', async () => {
		const script = `
			for (let i = 0; i < 100; i++) process.stdout.write('out ' + i + '\\n');
			process.stdout.write('x'.repeat(1000) + '\\n');
			for (let i = 0; i < 50; i++) process.stderr.write('err ' + i + '\\n');
			process.exitCode = 3;`;
		const run = new SandboxRun(options('ring-1', script));
		const result = await run.begin({turnId: 't1', chatJid: 'local:main', prompt: 'hi'});
		expect(result.ok).toBe(false);
		const tail = recentRunOutput('ring-1')!;
		expect(tail.output).toHaveLength(60);
		expect(tail.output[0]).toBe('out 41');
		expect(tail.output.at(-2)).toBe('out 99');
		expect(tail.output.at(-1)).toMatch(/^x{299}…$/);
		expect(tail.stderr).toEqual(Array.from({length: 20}, (_, i) => `err ${30 + i}`));
	});

	it('forgets the oldest runs beyond the last 50', () => {
		for (let i = 0; i < 51; i++) new SandboxRun(options(`evict-${i}`, ''));
		expect(recentRunOutput('evict-0')).toBeUndefined();
		expect(recentRunOutput('evict-1')).toEqual({output: [], stderr: []});
		expect(recentRunOutput('evict-50')).toEqual({output: [], stderr: []});
	});
});
