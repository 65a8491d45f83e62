import type {Config} from '../config.js';
import {buildAgentImage} from '../image/image-build.js';
import {detectRuntime, createRuntimeProbe} from '../runtimes/detect.js';

export interface ImageCommandIo {
	stdout: NodeJS.WritableStream;
	stderr: NodeJS.WritableStream;
}

const usage = 'usage: babybot-tui image build [--offline]';

export const imageHelp = `Usage
  $ babybot-tui image build [--offline]

Builds the agent image for the detected runtime (CONTAINER_RUNTIME, else auto). --offline makes
the base image locally with debootstrap instead of pulling it from a registry.
`;

/** `babybot-tui image build [--offline]`: builds the agent image for the detected runtime. */
export async function runImageCommand(argv: string[], config: Config, io: ImageCommandIo): Promise<number> {
	const [sub, ...rest] = argv;
	if (sub?.startsWith('-')) {
		io.stderr.write(`babybot-tui image: unknown flag ${sub.split('=')[0]}: run \`babybot-tui image --help\` for the valid ones\n`);
		return 2;
	}
	if (sub !== 'build') {
		io.stderr.write(`babybot-tui image: ${sub === undefined ? 'missing subcommand' : `unknown subcommand "${sub}"`}: ${usage}\n`);
		return 2;
	}
	const unknown = rest.filter((arg) => arg !== '--offline');
	if (unknown.length > 0) {
		const what = unknown[0].startsWith('-') ? `unknown flag ${unknown[0].split('=')[0]}` : `unknown argument "${unknown[0]}"`;
		io.stderr.write(`babybot-tui image build: ${what}: run \`babybot-tui image --help\` for the valid ones\n`);
		return 2;
	}
	try {
		const runtime = await detectRuntime({setting: config.containerRuntime, platform: process.platform, probe: createRuntimeProbe()});
		const {image, hash} = await buildAgentImage({config, runtime: runtime.name, engine: runtime.engine, offline: rest.includes('--offline'), output: io.stderr});
		io.stdout.write(`built ${image} for ${runtime.name}${runtime.engine ? ` on ${runtime.engine}` : ''} (agent-runner ${hash})\n`);
		return 0;
	} catch (error) {
		io.stderr.write(`babybot-tui image build: ${(error as Error).message}\n`);
		return 1;
	}
}
