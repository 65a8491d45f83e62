import type {SandboxSpec} from '../../src/runtimes/runtime.js';

/** A main-group spec as the host builds it; override what a case needs. */
export function sampleSpec(overrides: Partial<SandboxSpec> = {}): SandboxSpec {
	return {
		runId: 'run-1',
		groupFolder: 'main',
		containerName: 'babybot-main-20250101120000000',
		mounts: [
			{hostPath: '/home/u/.babybot/groups/main', containerPath: '/workspace/group', readonly: false},
			{hostPath: '/home/u/.babybot/groups/global', containerPath: '/workspace/global', readonly: false},
			{hostPath: '/home/u/.babybot/ipc/main', containerPath: '/workspace/ipc', readonly: false},
			{hostPath: '/home/u/.babybot/sessions/main', containerPath: '/workspace/session', readonly: false},
			{hostPath: '/home/u/.babybot/skills', containerPath: '/workspace/skills', readonly: true},
			{hostPath: '/home/u/babybot', containerPath: '/workspace/project', readonly: true},
		],
		network: false,
		image: 'babybot-agent:latest',
		installLabel: 'abc123def456',
		hiddenFiles: ['/workspace/project/.env'],
		limits: {memory: '1g', cpus: '1', pids: 256},
		...overrides,
	};
}

/** The value right after `flag` in argv (each occurrence). */
export function valuesOf(args: string[], flag: string): string[] {
	return args.flatMap((arg, index) => (arg === flag ? [args[index + 1]] : []));
}
