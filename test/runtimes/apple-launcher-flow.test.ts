// The whole run flow through the Apple Container launcher, with a fake `container` on PATH that
// records its argv and runs the real agent-runner; the model is the scripted Ollama server.
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import {afterEach, describe, expect, it} from 'vitest';
import {LlmBridge} from '../../src/llm-bridge.js';
import {SandboxRun} from '../../src/runner/sandbox-run.js';
import {createAppleContainerLauncher} from '../../src/runtimes/apple-container.js';
import {buildMountPlan} from '../../src/runtimes/mount-plan.js';
import {reapOrphans} from '../../src/runtimes/reap.js';
import {createRuntimeProbe} from '../../src/runtimes/detect.js';
import {runCli} from '../../src/runtimes/cli-exec.js';
import type {SandboxSpec} from '../../src/runtimes/runtime.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {tempHome} from '../support/temp-home.js';
import {installFakeCli} from './fake-cli.js';

let ollama: ScriptedOllama | undefined;
afterEach(async () => {
	await ollama?.close();
	ollama = undefined;
});

function groupSpec(home: string): SandboxSpec {
	const dir = (...parts: string[]) => {
		const full = path.join(home, ...parts);
		fs.mkdirSync(full, {recursive: true});
		return full;
	};
	for (const kind of ['messages', 'tasks', 'requests', 'acks']) dir('ipc', 'family', kind);
	const mounts = buildMountPlan({
		isMain: false,
		groupDir: dir('groups', 'family'),
		globalDir: dir('groups', 'global'),
		ipcDir: dir('ipc', 'family'),
		sessionDir: dir('sessions', 'family'),
		skillsDir: dir('skills'),
		projectRoot: dir('project'),
		extra: [],
	});
	return {
		runId: 'run-apple',
		groupFolder: 'family',
		containerName: 'babybot-family-20250101120000000',
		mounts,
		network: false,
		image: 'babybot-agent:latest',
		installLabel: 'abc123def456',
		hiddenFiles: [],
		limits: {memory: '1g', cpus: '1', pids: 256},
	};
}

describe('Apple Container launcher through a fake `container` on PATH', () => {
	it('runs a turn, takes a follow-up warm, closes on idle, and every call is an argv array', async () => {
		const {home, root} = tempHome('babybot-apple-');
		const fake = installFakeCli({root, name: 'container'});
		const launcher = createAppleContainerLauncher({env: {PATH: fake.path}});
		ollama = await startScriptedOllama({
			replies: [{toolCalls: [{name: 'bash', arguments: {command: 'echo from-the-sandbox > apple.txt'}}]}, {content: 'wrote it'}, {content: 'still warm'}],
		});
		const spec = groupSpec(home);
		const outputs: string[] = [];
		const run = new SandboxRun({
			launcher,
			spec,
			start: {
				runId: spec.runId,
				group: {folder: 'family', name: 'Family', isMain: false, chatJid: 'family@g.us'},
				assistantName: 'Baby',
				contextMode: 'group',
				limits: {maxToolRounds: 4, toolOutputChars: 2000, ipcAckTimeoutMs: 1000},
			},
			llm: new LlmBridge({baseUrl: ollama.url, model: 'qwen3:8b'}),
			idleTimeoutMs: 60_000,
			hardTimeoutMs: 60_000,
			maxOutputBytes: 100_000,
			logger: pino({level: 'silent'}),
			onOutput: (_turn, text) => outputs.push(text),
			onUpdate: () => {},
		});

		const first = await run.begin({turnId: 't1', prompt: 'write a file', chatJid: 'family@g.us'});
		expect(first).toEqual({ok: true, error: undefined, outputs: ['wrote it']});
		expect(fs.readFileSync(path.join(home, 'groups', 'family', 'apple.txt'), 'utf8')).toBe('from-the-sandbox\n');
		expect(run.state).toBe('idle');

		const second = await run.submit({turnId: 't2', prompt: 'again', chatJid: 'family@g.us'});
		expect(second.outputs).toEqual(['still warm']);
		expect(fake.calls().filter((argv) => argv[0] === 'run')).toHaveLength(1);

		run.close('idle');
		expect(await run.ended).toBe('idle');
		const [runArgv] = fake.calls();
		expect(runArgv.slice(0, 3)).toEqual(['run', '-i', '--rm']);
		expect(runArgv).toEqual(expect.arrayContaining(['--network', 'none', '--read-only', '--cap-drop', 'ALL', '--label', 'babybot.install=abc123def456']));
		expect(runArgv).toContain(`type=bind,source=${path.join(home, 'groups', 'global')},target=/workspace/global,readonly`);
		expect(runArgv).not.toContain('/workspace/project');
		expect(run.record.argv[0]).toBe('container');
	});

	it('reaps only this install\'s containers, listed in the 1.x shape', async () => {
		const {root} = tempHome('babybot-apple-');
		const listOutput = fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'apple-ls-1x.json'), 'utf8');
		const fake = installFakeCli({root, name: 'container', listOutput});
		const launcher = createAppleContainerLauncher({env: {PATH: fake.path}});
		expect(await reapOrphans(launcher, 'abc123def456')).toEqual(['babybot-main-20250101120000000', 'babybot-family-20250101110000000']);
		expect(await reapOrphans(launcher, 'ffffffffffff')).toEqual([]);
		expect(fake.calls()).toEqual([
			['ls', '--all', '--format', 'json'],
			['delete', '--force', 'babybot-main-20250101120000000', 'babybot-family-20250101110000000'],
			['ls', '--all', '--format', 'json'],
		]);
		await launcher.stop('babybot-main-20250101120000000');
		expect(fake.calls().at(-1)).toEqual(['stop', '-t', '3', 'babybot-main-20250101120000000']);
	});

	it('the probe starts a stopped Apple Container system', async () => {
		const {root} = tempHome('babybot-apple-');
		const fake = installFakeCli({root, name: 'container'});
		fake.setStopped(true);
		const probe = createRuntimeProbe({exec: runCli, env: {PATH: fake.path}});
		expect(await probe('apple-container')).toEqual({ok: true});
		expect(fake.calls()).toEqual([['system', 'status'], ['system', 'start'], ['system', 'status']]);
	});
});
