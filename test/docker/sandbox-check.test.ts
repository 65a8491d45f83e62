// `babybot-tui sandbox check` against real sandboxes on every runtime: main and a non-main group
// pass, a deliberately weakened launch fails on exactly the lines it weakens, and the host keeps
// the verdict per runtime and image.
import fs from 'node:fs';
import path from 'node:path';
import {expect, it} from 'vitest';
import {loadConfig} from '../../src/config.js';
import {checkGroupSandbox, type GroupSandboxDeps} from '../../src/host/group-sandbox.js';
import {installLabelFor} from '../../src/host/sandbox-spec.js';
import {homePaths} from '../../src/paths.js';
import {createLauncher} from '../../src/runtimes/detect.js';
import type {SandboxLauncher} from '../../src/runtimes/runtime.js';
import {formatCheckLine} from '../../src/sandbox-check/properties.js';
import type {RegisteredGroup} from '../../src/api/types.js';
import {cliEnv, runCli, waitFor} from '../support/cli.js';
import {describeWithRuntimes, testImage, type TestRuntime} from '../support/docker-gate.js';
import {startScriptedOllama} from '../support/ollama-server.js';
import {tempHome} from '../support/temp-home.js';
import {closeAfterEach, installContainers, startTestHost} from '../support/test-host.js';

const track = closeAfterEach();
const properties = ['user', 'capabilities', 'network', 'engine socket', 'root filesystem', 'project', 'other groups', 'mounts', 'global memory', 'environment', 'pids limit', 'memory limit'];
const propertiesOf = (runtime: TestRuntime) => (runtime.name === 'gvisor' ? [...properties, 'kernel'] : properties);

const group = (folder: string, overrides: Partial<RegisteredGroup> = {}): RegisteredGroup => ({
	jid: folder === 'main' ? 'local:main' : `${folder}@g.us`,
	name: folder,
	folder,
	trigger: '@Baby',
	requiresTrigger: false,
	isMain: folder === 'main',
	addedAt: '2026-01-01T00:00:00.000Z',
	extraMounts: [],
	network: false,
	...overrides,
});

/** What a host would use to start the group's sandbox, on a temp home, with `launcher`. */
function sandboxDeps(runtime: TestRuntime, launcher?: SandboxLauncher, projectRoot?: string): GroupSandboxDeps {
	const made = tempHome();
	const base = loadConfig({env: {BABYBOT_HOME: made.home, MOUNT_ALLOWLIST_PATH: made.allowlist, CONTAINER_IMAGE: testImage, CONTAINER_RUNTIME: runtime.name}});
	const config = projectRoot ? {...base, projectRoot} : base;
	return {
		config,
		paths: {...homePaths(made.home), syncedSkillsDir: path.join(made.home, 'skills-synced')},
		installLabel: installLabelFor(made.home),
		launcher: launcher ?? createLauncher(runtime.name, {engine: runtime.engine}),
		extraMounts: () => [],
	};
}

/** The run's launcher with some hardening taken out: a test-only seam, reachable from no setting. */
function weakened(launcher: SandboxLauncher, drop: string[][]): SandboxLauncher {
	return {
		...launcher,
		buildLaunch(spec) {
			const launch = launcher.buildLaunch(spec);
			const args = [...launch.args];
			for (const flag of drop) {
				const at = args.findIndex((arg, index) => flag.every((part, offset) => args[index + offset] === part));
				if (at === -1) throw new Error(`the launch has no ${flag.join(' ')} to drop`);
				args.splice(at, flag.length);
			}
			return {...launch, args};
		},
	};
}

await describeWithRuntimes('sandbox check', (runtime) => {
	it('passes for main and for a non-main group through the CLI, one ok line per property', async () => {
		const {home, allowlist} = tempHome();
		const env = cliEnv({home, allowlist, ollamaUrl: 'http://127.0.0.1:11434', runtime: runtime.name});
		expect((await runCli(['groups', 'add', '--jid', 'family@g.us', '--name', 'Family', '--folder', 'family'], env)).code).toBe(0);
		for (const folder of ['main', 'family']) {
			const result = await runCli(['sandbox', 'check', '--group', folder], env);
			const [heading, ...lines] = result.stdout.trimEnd().split('\n');
			expect(heading).toMatch(new RegExp(`^sandbox check of ${folder} on ${runtime.name}`));
			expect(lines.map((line) => /^ok {3}([a-z ]+):/.exec(line)?.[1])).toEqual(propertiesOf(runtime));
			expect(result.stderr).toBe('');
			expect(result.code).toBe(0);
		}
		expect(installContainers(home, runtime.engine)).toEqual([]);
		const cached = JSON.parse(fs.readFileSync(path.join(home, 'sandbox-checks.json'), 'utf8')) as {verdicts: Record<string, {ok: boolean}>};
		expect(Object.values(cached.verdicts).map((verdict) => verdict.ok)).toEqual([true, true]);
	}, 120_000);

	it("main's project is read-only with .env hidden; a non-main group sees neither it nor main's folder", async () => {
		const deps = sandboxDeps(runtime);
		const project = path.join(path.dirname(deps.config.home), 'project');
		fs.mkdirSync(project, {recursive: true});
		fs.writeFileSync(path.join(project, '.env'), 'OLLAMA_API_KEY=sk-do-not-leak\n');
		const withProject = {...deps, config: {...deps.config, projectRoot: project}};
		const groups = [group('main'), group('family')];
		const main = await checkGroupSandbox(withProject, groups[0], groups);
		expect(main.lines.find((line) => line.property === 'project')).toMatchObject({verdict: 'ok', text: '/workspace/project read-only, .env hidden'});
		expect(main.ok).toBe(true);
		const family = await checkGroupSandbox(withProject, groups[1], groups);
		expect(family.lines.filter((line) => ['project', 'other groups', 'global memory'].includes(line.property)).map(formatCheckLine)).toEqual([
			'ok   project: /workspace/project absent (not main)',
			"ok   other groups: other groups' folders and the host's store invisible (4 paths checked)",
			'ok   global memory: global memory read-only (not main)',
		]);
	}, 60_000);

	it('fails, on exactly those lines, when the launch loses --cap-drop ALL and --read-only', async () => {
		const real = createLauncher(runtime.name, {engine: runtime.engine});
		const deps = sandboxDeps(runtime, weakened(real, [['--cap-drop', 'ALL'], ['--read-only']]));
		const groups = [group('main'), group('family')];
		const result = await checkGroupSandbox(deps, groups[1], groups);
		expect(result.ok).toBe(false);
		const failed = result.lines.filter((line) => line.verdict === 'fail').map((line) => line.property);
		expect(failed).toEqual(['capabilities', 'root filesystem']);
		expect(result.lines.find((line) => line.property === 'capabilities')?.text).toMatch(/^capabilities held: .*CapBnd [0-9a-f]*[1-9a-f]/);
	}, 60_000);
});

await describeWithRuntimes(
	'sandbox check of a group with network under gVisor',
	(runtime) => {
		it('is refused with the one-line reason, and nothing is started', async () => {
			const {home, allowlist} = tempHome();
			const env = cliEnv({home, allowlist, ollamaUrl: 'http://127.0.0.1:11434', runtime: runtime.name});
			expect((await runCli(['groups', 'add', '--jid', 'web@g.us', '--name', 'Web', '--folder', 'web', '--network'], env)).code).toBe(0);
			const result = await runCli(['sandbox', 'check', '--group', 'web'], env);
			expect(result.stdout.trimEnd().split('\n').slice(1)).toEqual([
				'FAIL sandbox: the gvisor sandbox cannot be launched: group web has network, which gVisor cannot give (runsc runs with --network=none): run it under CONTAINER_RUNTIME=docker, or add the group again without --network',
			]);
			expect(result.code).toBe(1);
			expect(installContainers(home, runtime.engine)).toEqual([]);
		});
	},
	{runtimes: ['gvisor']},
);

await describeWithRuntimes(
	'the host checks its sandboxes once per runtime and image',
	(runtime) => {
		it('checks every group in the background at start, then takes the verdict from the home', async () => {
			const made = tempHome();
			const ollama = track(await startScriptedOllama());
			const first = track(await startTestHost({runtime: runtime.name, engine: runtime.engine, ollamaUrl: ollama.url, home: made, checkSandboxes: true}));
			const verdict = await waitFor('the check of main', () => first.host.snapshot().sandboxChecks.main?.state === 'ok' && first.host.snapshot().sandboxChecks.main, 60_000);
			expect(verdict.lines).toHaveLength(properties.length);
			await first.stop();

			const second = track(await startTestHost({runtime: runtime.name, engine: runtime.engine, ollamaUrl: ollama.url, home: made, checkSandboxes: true}));
			const again = await waitFor('the cached verdict', () => second.host.snapshot().sandboxChecks.main?.state === 'ok' && second.host.snapshot().sandboxChecks.main);
			expect(again.checkedAt).toBe(verdict.checkedAt);
			expect(second.host.logs.all().filter((line) => line.msg === 'sandbox check passed')).toEqual([]);
		}, 120_000);
	},
	{runtimes: ['docker']},
);
