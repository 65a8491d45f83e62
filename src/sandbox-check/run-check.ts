// Starts one sandbox exactly as a run would (the launcher's argv, mounts and limits), with the probe
// in place of the agent-runner, and judges what the probe reports.
import {spawn} from 'node:child_process';
import type {LaunchCommand, SandboxLauncher, SandboxSpec} from '../runtimes/runtime.js';
import {agentCommand} from '../runtimes/sandbox-user.js';
import {readHostLimits} from './host-cgroup.js';
import {factsMarker, probeProgram, type ProbeFacts} from './probe.js';
import {judgeSandbox, probeInputFor, type CheckLine, type SandboxExpectations} from './properties.js';

export interface SandboxCheckResult {
	ok: boolean;
	lines: CheckLine[];
}

export interface RunSandboxCheckOptions {
	launcher: SandboxLauncher;
	spec: SandboxSpec;
	expected: SandboxExpectations;
	timeoutMs?: number;
}

/** The run's launch with the probe in place of the agent command; throws if the argv is not a run's. */
export function probeLaunch(launch: LaunchCommand, image: string): LaunchCommand {
	const tail = launch.args.slice(-agentCommand.length);
	const imageAt = launch.args.length - agentCommand.length - 1;
	if (tail.join(' ') !== agentCommand.join(' ') || launch.args[imageAt] !== image) {
		throw new Error(`the ${launch.command} launch does not end with the image and the agent command, so the probe cannot take its place`);
	}
	return {...launch, args: [...launch.args.slice(0, imageAt + 1), 'node', '-e', probeProgram]};
}

const failed = (text: string): SandboxCheckResult => ({ok: false, lines: [{property: 'sandbox', verdict: 'fail', text}]});

/** Runs the check; never throws for a sandbox that fails to start (that is a failed check). */
export async function runSandboxCheck(options: RunSandboxCheckOptions): Promise<SandboxCheckResult> {
	const {launcher, spec, expected} = options;
	let launch: LaunchCommand;
	try {
		launch = probeLaunch(launcher.buildLaunch(spec), spec.image);
	} catch (error) {
		return failed(`the ${launcher.name} sandbox cannot be launched: ${(error as Error).message}`);
	}
	const child = spawn(launch.command, launch.args, {env: launch.env, cwd: launch.cwd, stdio: ['pipe', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	const exited = new Promise<number | null>((resolve) => {
		child.on('close', (code) => resolve(code));
		child.on('error', (error) => {
			stderr += error.message;
			resolve(null);
		});
	});
	child.stdin.on('error', () => {});
	child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
	const facts = new Promise<ProbeFacts | undefined>((resolve) => {
		child.stdout.on('data', (chunk: Buffer) => {
			stdout = (stdout + chunk.toString('utf8')).slice(-1_000_000);
			const at = stdout.indexOf(factsMarker);
			const end = at === -1 ? -1 : stdout.indexOf('\n', at);
			if (end !== -1) resolve(JSON.parse(stdout.slice(at + factsMarker.length, end)) as ProbeFacts);
		});
		void exited.then(() => resolve(undefined));
	});
	child.stdin.write(JSON.stringify(probeInputFor(expected)) + '\n');
	let timer: NodeJS.Timeout | undefined;
	const timeoutMs = options.timeoutMs ?? 60_000;
	const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
	try {
		const seen = await Promise.race([facts, timedOut]);
		if (seen === 'timeout') return failed(`the ${launcher.name} sandbox did not answer within ${timeoutMs} ms`);
		if (!seen) {
			const why = stderr.trim().split('\n').slice(-2).join(' | ');
			return failed(`the ${launcher.name} sandbox did not start (exit ${await exited})${why ? `: ${why}` : ''}`);
		}
		// Read while the probe still runs: the cgroup exists only as long as the sandbox does.
		const host = seen.cgroup.pids === undefined || seen.cgroup.memory === undefined ? readHostLimits(await launcher.hostPid?.(spec.containerName)) : undefined;
		const lines = judgeSandbox(seen, expected, host);
		return {ok: lines.every((checked) => checked.verdict !== 'fail'), lines};
	} catch (error) {
		return failed(`the probe's answer could not be read: ${(error as Error).message}`);
	} finally {
		clearTimeout(timer);
		child.stdin.end();
		const ended = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000))]);
		if (!ended) {
			if (launcher.sandboxed) await launcher.stop(spec.containerName).catch(() => {});
			child.kill('SIGKILL');
		}
	}
}
