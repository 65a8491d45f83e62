import {buildMountPlan} from '../../src/runtimes/mount-plan.js';
import type {SandboxSpec} from '../../src/runtimes/runtime.js';

/** A main-group spec as the host builds it; override what a case needs. */
export function sampleSpec(overrides: Partial<SandboxSpec> = {}): SandboxSpec {
	return {
		runId: 'run-1',
		groupFolder: 'main',
		containerName: 'babybot-main-20250101120000000',
		mounts: buildMountPlan({
			isMain: true,
			groupDir: '/home/u/.babybot/groups/main',
			globalDir: '/home/u/.babybot/groups/global',
			ipcDir: '/home/u/.babybot/ipc/main',
			sessionDir: '/home/u/.babybot/sessions/main',
			skillsDir: '/home/u/.babybot/skills',
			projectRoot: '/home/u/babybot',
			extra: [],
		}),
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
