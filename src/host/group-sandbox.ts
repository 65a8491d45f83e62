// A group's sandbox as a run gets it: the spec (mounts, hidden files, limits) and, for the sandbox
// check, what must hold inside it. One place, so the check starts the very sandbox a run would.
import type {Config} from '../config.js';
import {groupPaths} from '../paths.js';
import type {SandboxLauncher, SandboxSpec} from '../runtimes/runtime.js';
import type {SandboxExpectations} from '../sandbox-check/properties.js';
import {runSandboxCheck, type SandboxCheckResult} from '../sandbox-check/run-check.js';
import type {RegisteredGroup} from '../api/types.js';
import {buildSandboxSpec, type HostPaths} from './sandbox-spec.js';

export interface GroupSandboxDeps {
	config: Config;
	paths: HostPaths;
	installLabel: string;
	launcher: SandboxLauncher;
	/** Extra mounts validated for the group's next run. */
	extraMounts(group: RegisteredGroup): Array<{name: string; hostPath: string; readonly: boolean}>;
}

/** The spec of the group's next sandbox (prepares its folders as a run does). */
export function groupSandboxSpec(deps: GroupSandboxDeps, group: RegisteredGroup, extraMounts = deps.extraMounts(group)): SandboxSpec {
	return buildSandboxSpec({
		group,
		config: deps.config,
		paths: deps.paths,
		installLabel: deps.installLabel,
		extraMounts,
	});
}

/** What the sandbox check expects of this group's sandbox, given every registered group. */
export function sandboxExpectations(deps: GroupSandboxDeps, group: RegisteredGroup, spec: SandboxSpec, groups: RegisteredGroup[]): SandboxExpectations {
	const otherGroupPaths = groups
		.filter((other) => other.folder !== group.folder)
		.flatMap((other) => Object.values(groupPaths(deps.paths, other.folder)));
	let modelHost = '';
	try {
		modelHost = new URL(deps.config.ollamaBaseUrl).host;
	} catch {}
	return {
		runtime: deps.launcher.name,
		isMain: group.isMain,
		network: spec.network,
		mounts: spec.mounts,
		hiddenFiles: spec.hiddenFiles,
		limits: {memory: spec.limits.memory, pids: spec.limits.pids},
		otherGroupPaths: [...otherGroupPaths, deps.paths.storeDir],
		forbiddenValues: [deps.config.ollamaBaseUrl, modelHost],
	};
}

/** Starts the group's sandbox as a run would, with the probe in place of the agent, and judges it. */
export async function checkGroupSandbox(deps: GroupSandboxDeps, group: RegisteredGroup, groups: RegisteredGroup[]): Promise<SandboxCheckResult> {
	if (!deps.launcher.sandboxed) {
		return {ok: false, lines: [{property: 'sandbox', verdict: 'fail', text: 'runtime none: agents run UNSANDBOXED on this machine (install Docker or Podman, or set CONTAINER_RUNTIME)'}]};
	}
	let spec: SandboxSpec;
	try {
		spec = groupSandboxSpec(deps, group);
	} catch (error) {
		return {ok: false, lines: [{property: 'sandbox', verdict: 'fail', text: `the sandbox of ${group.folder} cannot be prepared: ${(error as Error).message}`}]};
	}
	return runSandboxCheck({launcher: deps.launcher, spec, expected: sandboxExpectations(deps, group, spec, groups)});
}

/** What of a group shapes its sandbox: a changed one is checked again. */
export const sandboxShape = (group: RegisteredGroup) => ({isMain: group.isMain, network: group.network, extraMounts: group.extraMounts});
