// The sandbox check through the Apple Container launcher, with the recorded-behaviour fake
// `container` on PATH: the check starts the very argv a run gets (the probe in place of the agent),
// and judges what the probe sees. The fake runs the probe on this host, so isolation that only a
// real VM gives (its own mounts, its own user) fails here: that is as far as a fake goes.
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {loadConfig} from '../../src/config.js';
import {checkGroupSandbox} from '../../src/host/group-sandbox.js';
import {installLabelFor} from '../../src/host/sandbox-spec.js';
import {homePaths} from '../../src/paths.js';
import {createAppleContainerLauncher} from '../../src/runtimes/apple-container.js';
import {buildAppleContainerArgs} from '../../src/runtimes/apple-container-args.js';
import type {RegisteredGroup} from '../../src/api/types.js';
import {tempHome} from '../support/temp-home.js';
import {installFakeCli} from './fake-cli.js';

const family: RegisteredGroup = {jid: 'family@g.us', name: 'Family', folder: 'family', trigger: '@Baby', requiresTrigger: false, isMain: false, addedAt: '2026-01-01T00:00:00.000Z', extraMounts: [], network: false};
const main: RegisteredGroup = {...family, jid: 'local:main', name: 'Main', folder: 'main', isMain: true};

describe('sandbox check on Apple Container (fake `container` CLI)', () => {
	it("starts the run's argv with the probe in the agent's place, and reports every property", async () => {
		const made = tempHome('babybot-apple-check-');
		const fake = installFakeCli({root: made.root, name: 'container'});
		const config = loadConfig({env: {BABYBOT_HOME: made.home, MOUNT_ALLOWLIST_PATH: made.allowlist, CONTAINER_RUNTIME: 'apple-container'}});
		const paths = {...homePaths(made.home), syncedSkillsDir: path.join(made.home, 'skills-synced')};
		fs.mkdirSync(path.join(made.home, 'groups', 'main'), {recursive: true});
		const launcher = createAppleContainerLauncher({env: {PATH: fake.path}});
		const result = await checkGroupSandbox({config, paths, installLabel: installLabelFor(made.home), launcher, extraMounts: () => []}, family, [main, family]);

		const [call] = fake.calls();
		const nodeAt = call.lastIndexOf('node');
		expect(call.slice(nodeAt, nodeAt + 2)).toEqual(['node', '-e']);
		expect(call[nodeAt - 1]).toBe('babybot-agent:latest');
		// Everything before the command is what a run of this group passes.
		const runArgs = buildAppleContainerArgs({...spec(call), image: 'babybot-agent:latest'});
		expect(call.slice(0, nodeAt)).toEqual(runArgs.slice(0, runArgs.indexOf('babybot-agent:latest') + 1));
		expect(call).toEqual(expect.arrayContaining(['--read-only', '--cap-drop', 'ALL', '--network', 'none']));

		expect(result.lines.map((line) => line.property)).toEqual(['user', 'capabilities', 'network', 'engine socket', 'root filesystem', 'project', 'other groups', 'mounts', 'global memory', 'environment', 'pids limit', 'memory limit']);
		expect(result.lines.find((line) => line.property === 'pids limit')).toEqual({property: 'pids limit', verdict: 'n/a', text: 'Apple Container takes no pids limit (each container is its own VM)'});
		// The fake shares this host's filesystem: the other group's folders and the planned mounts show it up.
		expect(result.lines.find((line) => line.property === 'mounts')).toMatchObject({verdict: 'fail', text: expect.stringContaining('/workspace/group is not mounted')});
		expect(result.lines.find((line) => line.property === 'other groups')).toMatchObject({verdict: 'fail', text: expect.stringContaining(path.join(made.home, 'groups', 'main'))});
		expect(result.ok).toBe(false);
	});
});

/** The spec a recorded `container run` argv was built from, enough to rebuild its argv. */
function spec(call: string[]) {
	const mounts = call.flatMap((arg, index) => {
		if (call[index - 1] !== '--mount') return [];
		const fields = Object.fromEntries(arg.split(',').map((kv) => kv.split('=')));
		return [{hostPath: fields.source, containerPath: fields.target, readonly: arg.endsWith(',readonly')}];
	});
	const valueOf = (flag: string) => call[call.indexOf(flag) + 1];
	return {
		runId: 'x',
		groupFolder: 'family',
		containerName: valueOf('--name'),
		mounts,
		network: false,
		image: 'babybot-agent:latest',
		installLabel: valueOf('--label').split('=')[1],
		hiddenFiles: [],
		limits: {memory: '1g', cpus: '1', pids: 256},
	};
}
