import crypto from 'node:crypto';
import type {Config} from '../config.js';
import {cliEnv, runCli, runtimeCli, type RunCli} from '../runtimes/cli-exec.js';
import type {OciEngine, RuntimeName} from '../api/types.js';
import {agentRunnerHash, agentRunnerHashLabel} from './agent-runner-files.js';

export interface StalenessDeps {
	runtime: RuntimeName;
	/** gVisor's engine. */
	engine?: OciEngine;
	exec?: RunCli;
	env?: NodeJS.ProcessEnv;
}

/** Finds a label's value anywhere in a JSON document (Apple Container nests image config deeply). */
export function findLabel(value: unknown, key: string): string | undefined {
	if (Array.isArray(value)) {
		for (const item of value) {
			const found = findLabel(item, key);
			if (found !== undefined) return found;
		}
	} else if (value && typeof value === 'object') {
		for (const [name, item] of Object.entries(value)) {
			if (name === key && typeof item === 'string') return item;
			const found = findLabel(item, key);
			if (found !== undefined) return found;
		}
	}
	return undefined;
}

async function builtHash(config: Config, deps: StalenessDeps): Promise<{found: boolean; hash?: string}> {
	const exec = deps.exec ?? runCli;
	if (deps.runtime === 'apple-container') {
		const result = await exec('container', ['image', 'inspect', config.containerImage], {env: cliEnv('apple-container', deps.env ?? process.env)});
		if (!result.ok) return {found: false};
		try {
			return {found: true, hash: findLabel(JSON.parse(result.stdout), agentRunnerHashLabel)};
		} catch {
			return {found: true};
		}
	}
	const runtime = runtimeCli(deps.runtime as Exclude<RuntimeName, 'none' | 'apple-container'>, deps.engine) as OciEngine;
	const result = await exec(runtime, ['image', 'inspect', '--format', `{{ index .Config.Labels "${agentRunnerHashLabel}" }}`, config.containerImage], {
		env: cliEnv(runtime, deps.env ?? process.env),
	});
	if (!result.ok) return {found: false};
	const hash = result.stdout.trim();
	return {found: true, hash: hash && hash !== '<no value>' ? hash : undefined};
}

/**
 * Why the agent image is not current, or null when it is (or there is no sandbox runtime).
 * For `doctor` and start-up: the image is missing, unlabelled, or built from another agent-runner.
 */
export async function imageStaleness(config: Config, deps: StalenessDeps): Promise<string | null> {
	if (deps.runtime === 'none') return null;
	let current: string;
	try {
		current = agentRunnerHash(config.projectRoot);
	} catch (error) {
		return (error as Error).message;
	}
	const built = await builtHash(config, deps);
	if (!built.found) return `image ${config.containerImage} is missing: run \`babybot-tui image build\` (or add --offline)`;
	if (!built.hash) return `image ${config.containerImage} was not built by babybot-tui: run \`babybot-tui image build\``;
	if (built.hash !== current) {
		return `image ${config.containerImage} is stale (agent-runner ${built.hash}, current ${current}): run \`babybot-tui image build\``;
	}
	return null;
}

/** The image's id in the runtime's engine (a digest of `container image inspect` on Apple Container), or undefined when it is missing. */
export async function imageIdentity(config: Config, deps: StalenessDeps): Promise<string | undefined> {
	if (deps.runtime === 'none') return undefined;
	const exec = deps.exec ?? runCli;
	if (deps.runtime === 'apple-container') {
		const result = await exec('container', ['image', 'inspect', config.containerImage], {env: cliEnv('apple-container', deps.env ?? process.env)});
		return result.ok ? `sha256:${crypto.createHash('sha256').update(result.stdout).digest('hex')}` : undefined;
	}
	const engine = runtimeCli(deps.runtime, deps.engine) as OciEngine;
	const result = await exec(engine, ['image', 'inspect', '--format', '{{.Id}}', config.containerImage], {env: cliEnv(engine, deps.env ?? process.env)});
	const id = result.stdout.trim();
	return result.ok && id ? (id.startsWith('sha256:') ? id : `sha256:${id}`) : undefined;
}
