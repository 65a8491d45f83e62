// What a sandbox must be, judged from the probe's facts: one line per property. Pure.
import type {MountPlanEntry} from '../runtimes/runtime.js';
import type {RuntimeName} from '../api/types.js';
import type {ProbeFacts, ProbeInput} from './probe.js';

export type CheckVerdict = 'ok' | 'fail' | 'n/a';

export interface CheckLine {
	property: string;
	verdict: CheckVerdict;
	/** One line: what holds, or why not. */
	text: string;
}

/** What the host expects of one group's sandbox. */
export interface SandboxExpectations {
	runtime: RuntimeName;
	isMain: boolean;
	network: boolean;
	mounts: MountPlanEntry[];
	hiddenFiles: string[];
	limits: {memory: string; pids: number};
	/** Host paths of the other groups' folders (group, IPC, session). */
	otherGroupPaths: string[];
	/** Values that must appear nowhere in the environment (the model's address). */
	forbiddenValues: string[];
}

/** Limits read from the host's side (the sandbox's cgroup), when the sandbox cannot read its own. */
export interface HostLimits {
	pids?: string;
	memory?: string;
	/** Where they were read, or why they could not be. */
	source: string;
}

export const engineSockets = ['/var/run/docker.sock', '/run/docker.sock', '/run/podman/podman.sock', '/var/run/podman/podman.sock', '/run/containerd/containerd.sock', '/var/run/containerd/containerd.sock'];

/** The probe's input for these expectations. */
export function probeInputFor(expected: SandboxExpectations): ProbeInput {
	return {
		writeProbes: ['/', ...expected.mounts.filter((m) => m.readonly).map((m) => m.containerPath)],
		absentPaths: expected.otherGroupPaths,
		hiddenFiles: expected.hiddenFiles,
		socketPaths: engineSockets,
	};
}

const credentialKey = /OLLAMA|API_?KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|DOCKER_HOST|CONTAINER_HOST|^AWS_|_KEY$/i;

/** `512m`, `1g`, `1024` (bytes) → bytes. */
export function memoryBytes(limit: string): number {
	const match = /^(\d+)([bkmg]?)$/i.exec(limit.trim());
	if (!match) return Number.NaN;
	const unit = {'': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3}[match[2].toLowerCase() as '' | 'b' | 'k' | 'm' | 'g'];
	return Number(match[1]) * unit;
}

const line = (property: string, verdict: CheckVerdict, text: string): CheckLine => ({property, verdict, text});
const mountAt = (facts: ProbeFacts, point: string) => facts.mounts.findLast((m) => m.point === point);
const refused = (facts: ProbeFacts, dir: string) => facts.writes[dir] !== undefined && facts.writes[dir] !== 'written';

function userLine(facts: ProbeFacts): CheckLine {
	if (facts.uid === 0 || facts.gid === 0) return line('user', 'fail', `runs as root (uid ${facts.uid}, gid ${facts.gid})`);
	return line('user', 'ok', `not root (uid ${facts.uid}, gid ${facts.gid})`);
}

function capabilitiesLine(facts: ProbeFacts): CheckLine {
	const names = ['CapEff', 'CapPrm', 'CapBnd'];
	const missing = names.filter((name) => facts.caps[name] === undefined);
	if (missing.includes('CapEff')) return line('capabilities', 'fail', 'CapEff cannot be read in /proc/self/status');
	const held = names.filter((name) => facts.caps[name] !== undefined && !/^0+$/.test(facts.caps[name]));
	if (held.length > 0) return line('capabilities', 'fail', `capabilities held: ${held.map((name) => `${name} ${facts.caps[name]}`).join(', ')}`);
	return line('capabilities', 'ok', `no capabilities (${names.filter((name) => !missing.includes(name)).join(', ')} all zero)`);
}

function networkLine(facts: ProbeFacts, expected: SandboxExpectations): CheckLine {
	if (facts.interfaces === null) return line('network', 'fail', '/proc/net/dev cannot be read, so the interfaces are unknown');
	const others = facts.interfaces.filter((name) => name !== 'lo');
	if (expected.network) return line('network', 'ok', `network on for this group, as the operator set it (${facts.interfaces.join(', ')})`);
	if (others.length > 0) return line('network', 'fail', `interfaces besides loopback: ${others.join(', ')}`);
	return line('network', 'ok', 'only loopback (/proc/net/dev: lo)');
}

function socketLine(facts: ProbeFacts): CheckLine {
	if (facts.sockets.length > 0) return line('engine socket', 'fail', `an engine socket is reachable: ${[...new Set(facts.sockets)].join(', ')}`);
	return line('engine socket', 'ok', 'no engine socket (docker, podman, containerd)');
}

function rootLine(facts: ProbeFacts): CheckLine {
	const root = mountAt(facts, '/');
	if (!refused(facts, '/')) return line('root filesystem', 'fail', 'the root filesystem is writable (a file could be created in /)');
	if (root && !root.options.includes('ro')) return line('root filesystem', 'fail', `/ is mounted ${root.options[0]}, not read-only`);
	return line('root filesystem', 'ok', `read-only root (a new file in / is refused: ${facts.writes['/']})`);
}

function projectLine(facts: ProbeFacts, expected: SandboxExpectations): CheckLine {
	const project = '/workspace/project';
	const mount = mountAt(facts, project);
	if (!expected.isMain) {
		return mount ? line('project', 'fail', `${project} is mounted in a non-main group`) : line('project', 'ok', `${project} absent (not main)`);
	}
	if (!mount) return line('project', 'fail', `${project} is not mounted for main`);
	if (!mount.options.includes('ro') || !refused(facts, project)) return line('project', 'fail', `${project} is writable`);
	const exposed = expected.hiddenFiles.filter((file) => {
		const seen = facts.hidden[file];
		return !seen || seen.kind === 'other' || seen.size > 0;
	});
	if (exposed.length > 0) return line('project', 'fail', `not hidden: ${exposed.join(', ')}`);
	const hidden = expected.hiddenFiles.map((file) => file.slice(project.length + 1));
	return line('project', 'ok', `${project} read-only${hidden.length > 0 ? `, ${hidden.join(', ')} hidden` : ' (no .env to hide)'}`);
}

function otherGroupsLine(facts: ProbeFacts, expected: SandboxExpectations): CheckLine {
	if (facts.present.length > 0) return line('other groups', 'fail', `another group's folder is visible: ${facts.present.join(', ')}`);
	const count = expected.otherGroupPaths.length;
	return line('other groups', 'ok', `other groups' folders and the host's store invisible (${count} path${count === 1 ? '' : 's'} checked)`);
}

function mountsLine(facts: ProbeFacts, expected: SandboxExpectations): CheckLine {
	const problems: string[] = [];
	for (const planned of expected.mounts) {
		const mount = mountAt(facts, planned.containerPath);
		if (!mount) problems.push(`${planned.containerPath} is not mounted`);
		else if (planned.readonly && (!mount.options.includes('ro') || !refused(facts, planned.containerPath))) problems.push(`${planned.containerPath} is writable, planned read-only`);
	}
	const known = new Set([...expected.mounts.map((m) => m.containerPath), ...expected.hiddenFiles]);
	for (const mount of facts.mounts) {
		if ((mount.point === '/workspace' || mount.point.startsWith('/workspace/')) && !known.has(mount.point)) problems.push(`unexpected mount ${mount.point}`);
	}
	if (!mountAt(facts, '/workspace/ipc') && !facts.mounts.some((m) => m.point.startsWith('/workspace/ipc/'))) problems.push('/workspace/ipc is not mounted');
	if (problems.length > 0) return line('mounts', 'fail', problems.join('; '));
	return line('mounts', 'ok', `mounts as planned (${expected.mounts.length}, read-only where planned)`);
}

function globalLine(facts: ProbeFacts, expected: SandboxExpectations): CheckLine {
	const mount = mountAt(facts, '/workspace/global');
	if (!mount) return line('global memory', 'fail', '/workspace/global is not mounted');
	if (expected.isMain) return mount.options.includes('ro') ? line('global memory', 'fail', 'global memory is read-only for main') : line('global memory', 'ok', 'global memory read-write (main)');
	if (!mount.options.includes('ro') || !refused(facts, '/workspace/global')) return line('global memory', 'fail', 'global memory is writable by a non-main group');
	return line('global memory', 'ok', 'global memory read-only (not main)');
}

function environmentLine(facts: ProbeFacts, expected: SandboxExpectations): CheckLine {
	const keys = Object.keys(facts.env).filter((key) => credentialKey.test(key));
	const values = Object.entries(facts.env)
		.filter(([, value]) => expected.forbiddenValues.some((forbidden) => forbidden !== '' && value.includes(forbidden)))
		.map(([key]) => key);
	const found = [...new Set([...keys, ...values])];
	if (found.length > 0) return line('environment', 'fail', `the environment holds ${found.join(', ')} (a model host or credential)`);
	return line('environment', 'ok', `no model host or credential in the environment (${Object.keys(facts.env).length} variables)`);
}

function limitValue(inside: string | undefined, host: HostLimits | undefined, pick: 'pids' | 'memory'): {value?: string; source: string} {
	if (inside !== undefined) return {value: inside, source: 'its cgroup'};
	if (host?.[pick] !== undefined) return {value: host[pick], source: host.source};
	return {source: host?.source ?? 'no cgroup file can be read inside'};
}

function limitLines(facts: ProbeFacts, expected: SandboxExpectations, host?: HostLimits): CheckLine[] {
	const lines: CheckLine[] = [];
	const pids = limitValue(facts.cgroup.pids, host, 'pids');
	if (expected.runtime === 'apple-container') lines.push(line('pids limit', 'n/a', 'Apple Container takes no pids limit (each container is its own VM)'));
	else if (pids.value === undefined) lines.push(line('pids limit', 'n/a', `the pids limit cannot be read: ${pids.source}`));
	else if (Number(pids.value) !== expected.limits.pids) lines.push(line('pids limit', 'fail', `pids.max is ${pids.value} in ${pids.source}, wanted ${expected.limits.pids}`));
	else lines.push(line('pids limit', 'ok', `pids limit ${pids.value} in force (${pids.source})`));

	const wanted = memoryBytes(expected.limits.memory);
	const memory = limitValue(facts.cgroup.memory, host, 'memory');
	if (memory.value !== undefined) {
		const bytes = Number(memory.value);
		if (!(bytes <= wanted)) lines.push(line('memory limit', 'fail', `memory limit is ${memory.value} in ${memory.source}, wanted ${wanted} (${expected.limits.memory})`));
		else lines.push(line('memory limit', 'ok', `memory limit ${expected.limits.memory} in force (${memory.source})`));
	} else if (expected.runtime === 'apple-container' && facts.memTotal !== undefined) {
		// Each Apple container is a VM: its memory is the limit.
		if (facts.memTotal > wanted) lines.push(line('memory limit', 'fail', `the VM has ${facts.memTotal} bytes, wanted at most ${wanted}`));
		else lines.push(line('memory limit', 'ok', `memory limit ${expected.limits.memory} in force (the VM has ${Math.round(facts.memTotal / 1024 ** 2)} MiB)`));
	} else {
		lines.push(line('memory limit', 'n/a', `the memory limit cannot be read: ${memory.source}`));
	}
	return lines;
}

function kernelLine(facts: ProbeFacts): CheckLine {
	const said = /gVisor/i.test(facts.kernel.dmesg) || /gVisor/i.test(facts.kernel.version);
	if (!said) return line('kernel', 'fail', `not the gVisor kernel: ${facts.kernel.version || 'no /proc/version'}`);
	const first = facts.kernel.dmesg.split('\n').find((text) => /gVisor/i.test(text))?.replace(/^\[[^\]]*\]\s*/, '');
	return line('kernel', 'ok', `gVisor kernel (dmesg: ${first ?? facts.kernel.version})`);
}

/** Every property of the sandbox contract (docs/ARCHITECTURE.md), judged from inside (and the host's cgroup view). */
export function judgeSandbox(facts: ProbeFacts, expected: SandboxExpectations, host?: HostLimits): CheckLine[] {
	return [
		userLine(facts),
		capabilitiesLine(facts),
		networkLine(facts, expected),
		socketLine(facts),
		rootLine(facts),
		projectLine(facts, expected),
		otherGroupsLine(facts, expected),
		mountsLine(facts, expected),
		globalLine(facts, expected),
		environmentLine(facts, expected),
		...limitLines(facts, expected, host),
		...(expected.runtime === 'gvisor' ? [kernelLine(facts)] : []),
	];
}

/** `ok   text`, `FAIL text`, `n/a  text`. */
export function formatCheckLine(checked: CheckLine): string {
	return `${checked.verdict === 'fail' ? 'FAIL' : checked.verdict.padEnd(4)} ${checked.property}: ${checked.text}`;
}
