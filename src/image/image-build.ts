import path from 'node:path';
import type {Config} from '../config.js';
import {cliEnv, runCli, runtimeCli, type RunCli} from '../runtimes/cli-exec.js';
import type {OciEngine, RuntimeName} from '../api/types.js';
import {agentRunnerHash, agentRunnerHashLabel, stageBuildContext} from './agent-runner-files.js';
import {buildOfflineBase} from './offline-base.js';
import {runStreaming} from './stream-exec.js';

export interface BuildImageInput {
	config: Config;
	runtime: RuntimeName;
	/** gVisor's engine (the image is built with its CLI). */
	engine?: OciEngine;
	offline: boolean;
	output: NodeJS.WritableStream;
	exec?: RunCli;
	env?: NodeJS.ProcessEnv;
	aptDir?: string;
}

const binaries = {docker: 'docker', podman: 'podman', 'apple-container': 'container'} as const;

/** The build argv (without the binary), pure. */
export function imageBuildArgs(input: {image: string; hash: string; dockerfile: string; contextDir: string; baseImage?: string}): string[] {
	return [
		'build',
		'-t',
		input.image,
		'--label',
		`${agentRunnerHashLabel}=${input.hash}`,
		...(input.baseImage ? ['--build-arg', `BASE_IMAGE=${input.baseImage}`] : []),
		'-f',
		input.dockerfile,
		input.contextDir,
	];
}

/** Builds the agent image for `runtime` from a staged context; `offline` first makes a local base. */
export async function buildAgentImage(input: BuildImageInput): Promise<{image: string; hash: string}> {
	const {config, runtime, output} = input;
	if (runtime === 'none') {
		throw new Error('no container runtime answers, so there is nothing to build for: install and start Docker or Podman (or Apple Container on macOS)');
	}
	const cli = runtimeCli(runtime, input.engine);
	const binary = binaries[cli];
	const env = cliEnv(cli, input.env ?? process.env);
	const exec = input.exec ?? runCli;
	const cacheDir = path.join(config.home, 'cache');
	const hash = agentRunnerHash(config.projectRoot);
	let baseImage: string | undefined;
	if (input.offline) {
		if (runtime === 'apple-container') {
			throw new Error('--offline needs `import`, which Apple Container lacks: build with network, or use CONTAINER_RUNTIME=docker or podman');
		}
		baseImage = await buildOfflineBase({binary, cliEnv: env, projectRoot: config.projectRoot, cacheDir, output, exec, aptDir: input.aptDir});
	}
	const contextDir = path.join(cacheDir, 'image-context');
	const dockerfile = stageBuildContext(config.projectRoot, contextDir);
	output.write(`building ${config.containerImage} with ${binary} (agent-runner ${hash})\n`);
	const result = await runStreaming(binary, imageBuildArgs({image: config.containerImage, hash, dockerfile, contextDir, baseImage}), {output, env});
	if (!result.ok) throw new Error(result.problem);
	return {image: config.containerImage, hash};
}
