import {describe, expect, it} from 'vitest';
import {SandboxArgvError} from '../../src/runtimes/argv-checks.js';
import {buildDockerArgs} from '../../src/runtimes/docker-args.js';
import {buildGvisorArgs} from '../../src/runtimes/gvisor-args.js';
import {buildPodmanArgs} from '../../src/runtimes/podman-args.js';
import {sampleSpec, valuesOf} from './spec-fixture.js';

const rootHost = {uid: 0, gid: 0};
const userHost = {uid: 1001, gid: 1002};

describe('docker argv', () => {
	const args = buildDockerArgs(sampleSpec(), {host: rootHost});

	it('starts with run -i --rm and ends with image and agent command', () => {
		expect(args.slice(0, 3)).toEqual(['run', '-i', '--rm']);
		expect(args.slice(-3)).toEqual(['babybot-agent:latest', 'node', '/app/main.js']);
	});

	it.each([
		['--name', 'babybot-main-20250101120000000'],
		['--label', 'babybot.install=abc123def456'],
		['--user', '1000:1000'],
		['--network', 'none'],
		['--pids-limit', '256'],
		['--memory', '1g'],
		['--cpus', '1'],
		['--cap-drop', 'ALL'],
		['--security-opt', 'no-new-privileges'],
		['-w', '/workspace/group'],
		['--tmpfs', '/tmp:rw,nosuid,nodev,size=256m'],
		['--runtime', undefined],
	])('has %s %s', (flag, value) => {
		expect(valuesOf(args, flag)).toEqual(value === undefined ? [] : [value]);
	});

	it('passes explicit nofile and nproc limits (a rootful Podman cannot start without them here)', () => {
		expect(valuesOf(args, '--ulimit')).toEqual(['nofile=4096:4096', 'nproc=4096:4096']);
	});

	it.each(['--read-only', '--init'])('has %s', (flag) => {
		expect(args.filter((a) => a === flag)).toHaveLength(1);
	});

	it('mounts rw without a suffix, ro with :ro, and covers .env with /dev/null read-only', () => {
		expect(valuesOf(args, '-v')).toEqual([
			'/home/u/.babybot/groups/main:/workspace/group',
			'/home/u/.babybot/groups/global:/workspace/global',
			'/home/u/.babybot/ipc/main/messages:/workspace/ipc/messages',
			'/home/u/.babybot/ipc/main/tasks:/workspace/ipc/tasks',
			'/home/u/.babybot/ipc/main/requests:/workspace/ipc/requests',
			'/home/u/.babybot/ipc/main/acks:/workspace/ipc/acks:ro',
			'/home/u/.babybot/sessions/main:/workspace/session',
			'/home/u/.babybot/skills:/workspace/skills:ro',
			'/home/u/babybot:/workspace/project:ro',
			'/dev/null:/workspace/project/.env:ro',
		]);
	});

	it('every option comes before the image', () => {
		const imageAt = args.indexOf('babybot-agent:latest');
		expect(args.slice(imageAt + 1)).toEqual(['node', '/app/main.js']);
		expect(args.slice(0, imageAt).filter((a) => a.startsWith('-')).length).toBeGreaterThan(15);
	});

	it('passes no environment into the sandbox', () => {
		expect(args.filter((a) => a === '-e' || a.startsWith('--env'))).toEqual([]);
	});

	it('a group with network gets the default network, no --network none', () => {
		expect(valuesOf(buildDockerArgs(sampleSpec({network: true}), {host: rootHost}), '--network')).toEqual([]);
	});

	it('a non-root host user runs as itself; root and unknown hosts run as the image user', () => {
		expect(valuesOf(buildDockerArgs(sampleSpec(), {host: userHost}), '--user')).toEqual(['1001:1002']);
		expect(valuesOf(buildDockerArgs(sampleSpec(), {host: undefined}), '--user')).toEqual(['1000:1000']);
	});
});

describe('podman argv', () => {
	it('keeps the host user with --userns=keep-id', () => {
		const args = buildPodmanArgs(sampleSpec(), {host: userHost});
		expect(args).toContain('--userns=keep-id');
		expect(valuesOf(args, '--user')).toEqual(['1001:1002']);
		expect(args).toEqual(expect.arrayContaining(['--read-only', '--init', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '--pids-limit']));
	});

	it('a root host runs the image user without keep-id (keep-id would map root to root)', () => {
		const args = buildPodmanArgs(sampleSpec(), {host: rootHost});
		expect(args).not.toContain('--userns=keep-id');
		expect(valuesOf(args, '--user')).toEqual(['1000:1000']);
	});
});

describe('gVisor argv', () => {
	it('on Docker: docker run --runtime runsc with every hardening flag', () => {
		const args = buildGvisorArgs(sampleSpec(), {engine: 'docker', host: rootHost});
		expect(args.slice(0, 3)).toEqual(['run', '--runtime', 'runsc']);
		expect(args.slice(3)).toEqual(buildDockerArgs(sampleSpec(), {host: rootHost}).slice(1));
	});

	it('on Podman: the runtime and --network=none as global flags before run', () => {
		const args = buildGvisorArgs(sampleSpec(), {engine: 'podman', host: rootHost});
		expect(args.slice(0, 5)).toEqual(['--runtime', 'runsc', '--runtime-flag', 'network=none', 'run']);
		expect(args.slice(4)).toEqual(buildPodmanArgs(sampleSpec(), {host: rootHost}));
	});

	it.each(['docker', 'podman'] as const)('on %s refuses a group with network in one line that says what to do', (engine) => {
		expect(() => buildGvisorArgs(sampleSpec({network: true, groupFolder: 'web'}), {engine, host: rootHost})).toThrow(
			/^group web has network, which gVisor cannot give \(runsc runs with --network=none\): run it under CONTAINER_RUNTIME=docker, or add the group again without --network$/,
		);
	});
});

const attacks: Array<[string, Parameters<typeof sampleSpec>[0], RegExp]> = [
	['a name that is a flag', {containerName: '--privileged'}, /container name/],
	['a name with a space', {containerName: 'babybot main'}, /container name/],
	['a name with a slash', {containerName: 'babybot/../x'}, /container name/],
	['a label that is a flag', {installLabel: '-x'}, /install label/],
	['a label with =', {installLabel: 'a=b'}, /install label/],
	['an image that is a flag', {image: '--privileged'}, /image/],
	['an image with a space', {image: 'ubuntu bash'}, /image/],
	['a relative host path', {mounts: [{hostPath: 'groups/main', containerPath: '/workspace/group', readonly: false}]}, /absolute/],
	['a host path starting with -', {mounts: [{hostPath: '-v/etc', containerPath: '/workspace/group', readonly: false}]}, /absolute/],
	['a host path with a colon', {mounts: [{hostPath: '/etc:/workspace/x', containerPath: '/workspace/group', readonly: false}]}, /':' ','/],
	['a host path with a comma', {mounts: [{hostPath: '/tmp/a,readonly=false', containerPath: '/workspace/group', readonly: false}]}, /':' ','/],
	['a host path with ..', {mounts: [{hostPath: '/home/u/../../etc', containerPath: '/workspace/group', readonly: false}]}, /'\.\.'/],
	['a host path with a newline', {mounts: [{hostPath: '/tmp/a\nb', containerPath: '/workspace/group', readonly: false}]}, /control/],
	['a container path outside /workspace', {mounts: [{hostPath: '/tmp/a', containerPath: '/etc', readonly: false}]}, /under \/workspace/],
	['a container path with a colon', {mounts: [{hostPath: '/tmp/a', containerPath: '/workspace/x:rw', readonly: true}]}, /':' ','/],
	['a container path escaping with ..', {mounts: [{hostPath: '/tmp/a', containerPath: '/workspace/../etc', readonly: true}]}, /'\.\.'/],
	['two mounts on one path', {mounts: [{hostPath: '/tmp/a', containerPath: '/workspace/group', readonly: false}, {hostPath: '/tmp/b', containerPath: '/workspace/group', readonly: true}]}, /mounted once/],
	['a hidden file outside every mount', {hiddenFiles: ['/workspace/elsewhere/.env']}, /not inside any mount/],
	['a memory limit with a flag', {limits: {memory: '1g --privileged', cpus: '1', pids: 256}}, /memory/],
	['a zero cpu limit', {limits: {memory: '1g', cpus: '0', pids: 256}}, /cpu/],
	['a pids limit that is not a number', {limits: {memory: '1g', cpus: '1', pids: Number.NaN}}, /pids/],
];

describe('unsafe input never reaches argv', () => {
	it.each(attacks)('refuses %s', (_name, overrides, message) => {
		for (const build of [
			() => buildDockerArgs(sampleSpec(overrides), {host: rootHost}),
			() => buildPodmanArgs(sampleSpec(overrides), {host: userHost}),
			() => buildGvisorArgs(sampleSpec(overrides), {engine: 'docker', host: rootHost}),
		]) {
			let error: unknown;
			try {
				build();
			} catch (caught) {
				error = caught;
			}
			expect(error).toBeInstanceOf(SandboxArgvError);
			expect((error as Error).message).toMatch(message);
			expect((error as Error).message).not.toContain('\n');
		}
	});
});
