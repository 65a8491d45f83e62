// The sandbox check's judgement, property by property, from facts a probe could report.
import {describe, expect, it} from 'vitest';
import type {ProbeFacts} from '../../src/sandbox-check/probe.js';
import {formatCheckLine, judgeSandbox, memoryBytes, probeInputFor, type HostLimits, type SandboxExpectations} from '../../src/sandbox-check/properties.js';
import {cgroupLimitFiles} from '../../src/sandbox-check/host-cgroup.js';

const mounts = [
	{hostPath: '/h/groups/family', containerPath: '/workspace/group', readonly: false},
	{hostPath: '/h/groups/global', containerPath: '/workspace/global', readonly: true},
	{hostPath: '/h/ipc/family', containerPath: '/workspace/ipc', readonly: false},
	{hostPath: '/h/sessions/family', containerPath: '/workspace/session', readonly: false},
	{hostPath: '/h/skills-synced', containerPath: '/workspace/skills', readonly: true},
];

function expectations(overrides: Partial<SandboxExpectations> = {}): SandboxExpectations {
	return {
		runtime: 'docker',
		isMain: false,
		network: false,
		mounts,
		hiddenFiles: [],
		limits: {memory: '1g', pids: 256},
		otherGroupPaths: ['/h/groups/main', '/h/ipc/main', '/h/sessions/main', '/h/store'],
		forbiddenValues: ['http://127.0.0.1:11434', '127.0.0.1:11434'],
		...overrides,
	};
}

/** What a correct Docker sandbox of a non-main group reports. */
function facts(overrides: Partial<ProbeFacts> = {}): ProbeFacts {
	return {
		uid: 1000,
		gid: 1000,
		caps: {CapEff: '0000000000000000', CapPrm: '0000000000000000', CapBnd: '0000000000000000'},
		interfaces: ['lo'],
		sockets: [],
		writes: {'/': 'EROFS', '/workspace/global': 'EROFS', '/workspace/skills': 'EROFS'},
		mounts: [
			{point: '/', options: ['ro', 'relatime']},
			{point: '/proc', options: ['rw']},
			{point: '/tmp', options: ['rw', 'nosuid']},
			...mounts.map((m) => ({point: m.containerPath, options: [m.readonly ? 'ro' : 'rw', 'relatime']})),
		],
		present: [],
		hidden: {},
		env: {PATH: '/usr/bin:/bin', HOME: '/home/agent', HOSTNAME: 'abc', LANG: 'C.UTF-8'},
		cgroup: {pids: '256', memory: '1073741824'},
		kernel: {version: 'Linux version 6.1.0', dmesg: ''},
		...overrides,
	};
}

const verdicts = (lines: ReturnType<typeof judgeSandbox>) => Object.fromEntries(lines.map((l) => [l.property, l.verdict]));
const failing = (lines: ReturnType<typeof judgeSandbox>) => lines.filter((l) => l.verdict === 'fail').map(formatCheckLine);

describe('judgeSandbox', () => {
	it('a correct sandbox holds every property, one line each', () => {
		const lines = judgeSandbox(facts(), expectations());
		expect(lines.map(formatCheckLine)).toEqual([
			'ok   user: not root (uid 1000, gid 1000)',
			'ok   capabilities: no capabilities (CapEff, CapPrm, CapBnd all zero)',
			'ok   network: only loopback (/proc/net/dev: lo)',
			'ok   engine socket: no engine socket (docker, podman, containerd)',
			'ok   root filesystem: read-only root (a new file in / is refused: EROFS)',
			'ok   project: /workspace/project absent (not main)',
			"ok   other groups: other groups' folders and the host's store invisible (4 paths checked)",
			'ok   mounts: mounts as planned (5, read-only where planned)',
			'ok   global memory: global memory read-only (not main)',
			'ok   environment: no model host or credential in the environment (4 variables)',
			'ok   pids limit: pids limit 256 in force (its cgroup)',
			'ok   memory limit: memory limit 1g in force (its cgroup)',
		]);
	});

	it.each<[string, Partial<ProbeFacts>, Partial<SandboxExpectations>, string | string[]]>([
		['root', {uid: 0, gid: 0}, {}, 'FAIL user: runs as root (uid 0, gid 0)'],
		['a bounding set (no --cap-drop)', {caps: {CapEff: '0', CapPrm: '0', CapBnd: '00000000a80425fb'}}, {}, 'FAIL capabilities: capabilities held: CapBnd 00000000a80425fb'],
		['unreadable capabilities', {caps: {}}, {}, 'FAIL capabilities: CapEff cannot be read in /proc/self/status'],
		['an interface besides lo', {interfaces: ['lo', 'eth0']}, {}, 'FAIL network: interfaces besides loopback: eth0'],
		['no /proc/net/dev', {interfaces: null}, {}, 'FAIL network: /proc/net/dev cannot be read, so the interfaces are unknown'],
		['the Docker socket', {sockets: ['/var/run/docker.sock']}, {}, 'FAIL engine socket: an engine socket is reachable: /var/run/docker.sock'],
		['a writable root', {writes: {'/': 'written', '/workspace/global': 'EROFS', '/workspace/skills': 'EROFS'}}, {}, 'FAIL root filesystem: the root filesystem is writable (a file could be created in /)'],
		['the project in a non-main group', {mounts: [...facts().mounts, {point: '/workspace/project', options: ['ro']}]}, {}, ['FAIL project: /workspace/project is mounted in a non-main group', 'FAIL mounts: unexpected mount /workspace/project']],
		["main's folder visible", {present: ['/h/groups/main']}, {}, "FAIL other groups: another group's folder is visible: /h/groups/main"],
		['writable skills', {writes: {'/': 'EROFS', '/workspace/global': 'EROFS', '/workspace/skills': 'written'}}, {}, 'FAIL mounts: /workspace/skills is writable, planned read-only'],
		['an unplanned mount', {mounts: [...facts().mounts, {point: '/workspace/extra/secrets', options: ['rw']}]}, {}, 'FAIL mounts: unexpected mount /workspace/extra/secrets'],
		['global mounted rw for a non-main group', {mounts: facts().mounts.map((m) => (m.point === '/workspace/global' ? {...m, options: ['rw']} : m))}, {}, ['FAIL mounts: /workspace/global is writable, planned read-only', 'FAIL global memory: global memory is writable by a non-main group']],
		['a model host in the environment', {env: {PATH: '/bin', OLLAMA_HOST: 'http://127.0.0.1:11434'}}, {}, 'FAIL environment: the environment holds OLLAMA_HOST (a model host or credential)'],
		['a token', {env: {PATH: '/bin', GITHUB_TOKEN: 'x'}}, {}, 'FAIL environment: the environment holds GITHUB_TOKEN (a model host or credential)'],
		['the model host under another name', {env: {PATH: '/bin', UPSTREAM: 'see 127.0.0.1:11434'}}, {}, 'FAIL environment: the environment holds UPSTREAM (a model host or credential)'],
		['no pids limit', {cgroup: {pids: 'max', memory: '1073741824'}}, {}, 'FAIL pids limit: pids.max is max in its cgroup, wanted 256'],
		['no memory limit (cgroup v1)', {cgroup: {pids: '256', memory: '9223372036854771712'}}, {}, 'FAIL memory limit: memory limit is 9223372036854771712 in its cgroup, wanted 1073741824 (1g)'],
		['the host kernel under gVisor', {}, {runtime: 'gvisor'}, 'FAIL kernel: not the gVisor kernel: Linux version 6.1.0'],
	])('fails on %s, on its lines only', (_name, factChanges, expectedChanges, failure) => {
		expect(failing(judgeSandbox(facts(factChanges), expectations(expectedChanges)))).toEqual([failure].flat());
	});

	it('main: the project read-only with .env covered by an empty file, global memory read-write', () => {
		const mainMounts = [...mounts.map((m) => (m.containerPath === '/workspace/global' ? {...m, readonly: false} : m)), {hostPath: '/p', containerPath: '/workspace/project', readonly: true}];
		const expected = expectations({isMain: true, mounts: mainMounts, hiddenFiles: ['/workspace/project/.env']});
		const seen = facts({
			mounts: [{point: '/', options: ['ro']}, ...mainMounts.map((m) => ({point: m.containerPath, options: [m.readonly ? 'ro' : 'rw']})), {point: '/workspace/project/.env', options: ['ro']}],
			writes: {'/': 'EROFS', '/workspace/skills': 'EROFS', '/workspace/project': 'EROFS'},
			hidden: {'/workspace/project/.env': {kind: 'device', size: 0}},
		});
		const lines = judgeSandbox(seen, expected);
		expect(lines.filter((l) => ['project', 'global memory', 'mounts'].includes(l.property)).map(formatCheckLine)).toEqual([
			'ok   project: /workspace/project read-only, .env hidden',
			'ok   mounts: mounts as planned (6, read-only where planned)',
			'ok   global memory: global memory read-write (main)',
		]);
		const leaked = judgeSandbox({...seen, hidden: {'/workspace/project/.env': {kind: 'file', size: 31}}}, expected);
		expect(failing(leaked)).toEqual(['FAIL project: not hidden: /workspace/project/.env']);
	});

	it('a group with network, as the operator set it, is not a failure', () => {
		const lines = judgeSandbox(facts({interfaces: ['lo', 'eth0']}), expectations({network: true}));
		expect(lines.find((l) => l.property === 'network')).toEqual({property: 'network', verdict: 'ok', text: 'network on for this group, as the operator set it (lo, eth0)'});
	});

	it('under gVisor: the kernel line, and the limits read on the host when no cgroup file shows inside', () => {
		const host: HostLimits = {pids: '256', memory: '1073741824', source: 'read on the host, cgroup /docker/abc'};
		const seen = facts({cgroup: {error: 'no cgroup file under /sys/fs/cgroup can be read'}, kernel: {version: 'Linux version 4.4.0 #1 SMP Sun Jan 10 15:06:54 PST 2016', dmesg: '[    0.000000] Starting gVisor...\n[    0.4] Digging up root...'}});
		const lines = judgeSandbox(seen, expectations({runtime: 'gvisor'}), host);
		expect(lines.slice(-3).map(formatCheckLine)).toEqual([
			'ok   pids limit: pids limit 256 in force (read on the host, cgroup /docker/abc)',
			'ok   memory limit: memory limit 1g in force (read on the host, cgroup /docker/abc)',
			'ok   kernel: gVisor kernel (dmesg: Starting gVisor...)',
		]);
		const unreadable = judgeSandbox(seen, expectations({runtime: 'gvisor'}), {source: 'the engine does not tell the sandbox\'s host pid'});
		expect(unreadable.filter((l) => l.verdict === 'n/a').map(formatCheckLine)).toEqual([
			"n/a  pids limit: the pids limit cannot be read: the engine does not tell the sandbox's host pid",
			"n/a  memory limit: the memory limit cannot be read: the engine does not tell the sandbox's host pid",
		]);
	});

	it('Apple Container: no pids limit to expect, the VM memory as the memory limit', () => {
		const seen = facts({cgroup: {error: 'none'}, memTotal: 1000 * 1024 ** 2});
		const lines = judgeSandbox(seen, expectations({runtime: 'apple-container'}));
		expect(lines.slice(-2).map(formatCheckLine)).toEqual([
			'n/a  pids limit: Apple Container takes no pids limit (each container is its own VM)',
			'ok   memory limit: memory limit 1g in force (the VM has 1000 MiB)',
		]);
		expect(verdicts(judgeSandbox({...seen, memTotal: 2 * 1024 ** 3}, expectations({runtime: 'apple-container'})))['memory limit']).toBe('fail');
	});

	it('asks the probe to try writing only where the plan says read-only (and the root)', () => {
		expect(probeInputFor(expectations()).writeProbes).toEqual(['/', '/workspace/global', '/workspace/skills']);
	});
});

describe('limits', () => {
	it.each([
		['1g', 1024 ** 3],
		['512m', 512 * 1024 ** 2],
		['2048', 2048],
		['1.5g', Number.NaN],
	])('memoryBytes(%s) = %d', (limit, bytes) => {
		expect(memoryBytes(limit)).toBe(bytes);
	});

	it.each<[string, string, {pids?: string; memory?: string}]>([
		['cgroup v1', '8:pids:/docker/abc\n4:memory:/docker/abc\n0::/', {pids: '/sys/fs/cgroup/pids/docker/abc/pids.max', memory: '/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes'}],
		['cgroup v2', '0::/system.slice/docker-abc.scope', {pids: '/sys/fs/cgroup/system.slice/docker-abc.scope/pids.max', memory: '/sys/fs/cgroup/system.slice/docker-abc.scope/memory.max'}],
		['joined v1 controllers', '3:cpu,cpuacct,memory:/libpod_parent/x\n2:pids:/libpod_parent/x', {pids: '/sys/fs/cgroup/pids/libpod_parent/x/pids.max', memory: '/sys/fs/cgroup/memory/libpod_parent/x/memory.limit_in_bytes'}],
	])('finds the limit files of a sandbox in %s', (_name, text, files) => {
		expect(cgroupLimitFiles(text)).toEqual(files);
	});
});
