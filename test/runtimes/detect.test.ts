import {describe, expect, it} from 'vitest';
import {autoOrder, createLauncher, createRuntimeProbe, detectRuntime, RuntimeUnavailableError, type ProbeResult, type SandboxRuntime} from '../../src/runtimes/detect.js';
import type {CliResult, RunCli} from '../../src/runtimes/cli-exec.js';
import type {RuntimeSetting} from '../../src/api/types.js';

const probeAnswering = (answering: SandboxRuntime[], asked: SandboxRuntime[] = []) => async (runtime: SandboxRuntime) => {
	asked.push(runtime);
	return answering.includes(runtime) ? ({ok: true} as const) : ({ok: false, reason: `${runtime} is not running`} as const);
};

describe('detectRuntime', () => {
	it.each<[RuntimeSetting, NodeJS.Platform, SandboxRuntime[], string, SandboxRuntime[]]>([
		['auto', 'darwin', ['apple-container', 'docker', 'podman'], 'apple-container', ['apple-container']],
		['auto', 'darwin', ['docker', 'podman'], 'docker', ['apple-container', 'docker']],
		['auto', 'darwin', ['podman'], 'podman', ['apple-container', 'docker', 'podman']],
		['auto', 'darwin', [], 'none', ['apple-container', 'docker', 'podman']],
		['auto', 'linux', ['gvisor', 'docker', 'podman'], 'gvisor', ['gvisor']],
		['auto', 'linux', ['docker', 'podman'], 'docker', ['gvisor', 'docker']],
		['auto', 'linux', ['podman'], 'podman', ['gvisor', 'docker', 'podman']],
		['auto', 'linux', ['apple-container'], 'none', ['gvisor', 'docker', 'podman']],
		['auto', 'linux', [], 'none', ['gvisor', 'docker', 'podman']],
		['auto', 'win32', ['docker'], 'none', []],
		['none', 'linux', ['docker'], 'none', []],
		['docker', 'linux', ['gvisor', 'docker'], 'docker', ['docker']],
		['gvisor', 'linux', ['gvisor', 'docker'], 'gvisor', ['gvisor']],
		['podman', 'darwin', ['podman', 'docker'], 'podman', ['podman']],
		['apple-container', 'darwin', ['apple-container'], 'apple-container', ['apple-container']],
	])('setting %s on %s with %j answering picks %s (asking %j)', async (setting, platform, answering, expected, expectedAsked) => {
		const asked: SandboxRuntime[] = [];
		expect((await detectRuntime({setting, platform, probe: probeAnswering(answering, asked)})).name).toBe(expected);
		expect(asked).toEqual(expectedAsked);
	});

	it.each<[RuntimeSetting, NodeJS.Platform, RegExp]>([
		['docker', 'linux', /^CONTAINER_RUNTIME=docker but docker does not answer \(docker is not running\): start it, or set CONTAINER_RUNTIME=auto$/],
		['podman', 'darwin', /CONTAINER_RUNTIME=podman but podman does not answer/],
		['apple-container', 'darwin', /CONTAINER_RUNTIME=apple-container but apple-container does not answer/],
		['apple-container', 'linux', /needs macOS/],
		['gvisor', 'darwin', /needs Linux/],
		['gvisor', 'linux', /CONTAINER_RUNTIME=gvisor but gvisor does not answer/],
	])('a forced %s that does not answer on %s is a clear error, never a fallback', async (setting, platform, message) => {
		const error = await detectRuntime({setting, platform, probe: probeAnswering([])}).catch((caught: Error) => caught);
		expect(error).toBeInstanceOf(RuntimeUnavailableError);
		expect((error as Error).message).toMatch(message);
	});

	it('tells why each skipped runtime did not answer', async () => {
		const skipped: string[] = [];
		await detectRuntime({setting: 'auto', platform: 'linux', probe: probeAnswering(['podman']), onSkip: (runtime, reason) => skipped.push(`${runtime}: ${reason}`)});
		expect(skipped).toEqual(['gvisor: gvisor is not running', 'docker: docker is not running']);
	});

	it('orders auto per platform', () => {
		expect(autoOrder('darwin')).toEqual(['apple-container', 'docker', 'podman']);
		expect(autoOrder('linux')).toEqual(['gvisor', 'docker', 'podman']);
		expect(autoOrder('freebsd')).toEqual([]);
	});
});

const answer = (ok: boolean, stderr = ''): CliResult => ({ok, exitCode: ok ? 0 : 1, stdout: '', stderr, problem: ok ? '' : `failed: ${stderr}`});

describe('the real probes ask the engine, not the binary', () => {
	it('asks docker info and podman info in forms both engines take (podman 4.3 has no .ID)', async () => {
		const calls: string[][] = [];
		const exec: RunCli = async (command, args) => {
			calls.push([command, ...args]);
			return answer(command === 'podman');
		};
		const probe = createRuntimeProbe({exec, env: {PATH: '/usr/bin'}});
		expect(await probe('docker')).toEqual({ok: false, reason: 'failed: '});
		expect(await probe('podman')).toEqual({ok: true});
		expect(calls).toEqual([
			['docker', 'info', '--format', '{{json .Runtimes}}'],
			['podman', 'info', '--format', '{{json .Host.OCIRuntime.Name}}'],
		]);
	});

	const engines = (docker: string | null, podmanRunsc: string | null): RunCli => async (command, args) => {
		if (command === 'docker') return docker === null ? answer(false, 'Cannot connect') : {...answer(true), stdout: docker};
		if (args[0] === '--runtime') return podmanRunsc === null ? answer(false, 'not found') : {...answer(true), stdout: podmanRunsc};
		return {...answer(true), stdout: '"runc"\n'};
	};

	it.each<[string, string | null, string | null, ProbeResult | RegExp]>([
		['Docker lists runsc', '{"runc":{"path":"runc"},"runsc":{"path":"/usr/bin/runsc"}}\n', null, {ok: true, engine: 'docker'}],
		['Docker lists no runsc, Podman finds it', '{"runc":{"path":"runc"}}\n', '"runsc"\n', {ok: true, engine: 'podman'}],
		['Docker lists no runsc, Podman neither', '{"runc":{"path":"runc"}}\n', null, /^gVisor is not available \(Docker answers but lists no runsc runtime\): install runsc .*daemon\.json.*kill -HUP/],
		['no Docker, Podman has no runsc', null, null, /^gVisor is not available \(no engine lists a runsc runtime\)/],
	])('gVisor when %s', async (_case, docker, podmanRunsc, expected) => {
		const result = await createRuntimeProbe({exec: engines(docker, podmanRunsc)})('gvisor');
		if (expected instanceof RegExp) expect(result.ok ? '' : result.reason).toMatch(expected);
		else expect(result).toEqual(expected);
	});

	it('asks each engine once however many runtimes are probed', async () => {
		const calls: string[] = [];
		const exec: RunCli = async (command, args) => {
			calls.push([command, ...args].join(' '));
			return {...answer(true), stdout: '{"runc":{}}'};
		};
		const probe = createRuntimeProbe({exec});
		await probe('gvisor');
		await probe('docker');
		expect(calls.filter((call) => call.startsWith('docker'))).toEqual(['docker info --format {{json .Runtimes}}']);
	});

	it('starts Apple Container when its system is stopped, then checks again', async () => {
		const calls: string[] = [];
		let started = false;
		const exec: RunCli = async (command, args) => {
			calls.push([command, ...args].join(' '));
			if (args[1] === 'start') started = true;
			return args[1] === 'status' ? answer(started, 'apiserver is not running') : answer(true);
		};
		expect(await createRuntimeProbe({exec})('apple-container')).toEqual({ok: true});
		expect(calls).toEqual(['container system status', 'container system start', 'container system status']);
	});

	it('does not try to start an Apple Container that is not installed', async () => {
		const calls: string[] = [];
		const exec: RunCli = async (command, args) => {
			calls.push([command, ...args].join(' '));
			return {ok: false, exitCode: null, stdout: '', stderr: '', problem: 'container is not installed (not found on PATH)'};
		};
		expect(await createRuntimeProbe({exec})('apple-container')).toEqual({ok: false, reason: 'container is not installed (not found on PATH)'});
		expect(calls).toEqual(['container system status']);
	});
});

describe('createLauncher', () => {
	it.each([
		['docker', true],
		['podman', true],
		['gvisor', true],
		['apple-container', true],
		['none', false],
	] as const)('%s is sandboxed: %s', (name, sandboxed) => {
		const launcher = createLauncher(name, {env: {PATH: '/usr/bin', OLLAMA_HOST: 'http://x', API_KEY: 'secret'}});
		expect(launcher.name).toBe(name);
		expect(launcher.sandboxed).toBe(sandboxed);
	});
});
