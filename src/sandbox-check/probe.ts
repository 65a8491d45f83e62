// The probe that runs inside a sandbox: it reads what the sandbox is (user, capabilities, network,
// mounts, environment, limits, kernel) and prints it as one JSON line. It is a plain function so it
// is type-checked here; the sandbox gets its source (`node -e`), never this module. Everything it
// reads is bounded, and it writes nothing but a probe file it removes at once.

/** What the host asks the probe to look at. */
export interface ProbeInput {
	/** Directories that must refuse a new file (the root and the read-only mounts). */
	writeProbes: string[];
	/** Paths that must not exist inside (other groups' folders, as the host knows them). */
	absentPaths: string[];
	/** Files covered by an empty read-only file. */
	hiddenFiles: string[];
	/** Engine sockets that must not be reachable. */
	socketPaths: string[];
}

export interface ProbeFacts {
	uid: number;
	gid: number;
	/** CapEff, CapPrm, CapBnd from /proc/self/status (hex), or missing. */
	caps: Record<string, string>;
	/** Interfaces in /proc/net/dev, or null when unreadable. */
	interfaces: string[] | null;
	/** Engine sockets (of socketPaths, and any *.sock under /run or /var/run) that exist. */
	sockets: string[];
	/** Per write probe: `written` (it was removed again) or the error code. */
	writes: Record<string, string>;
	/** /proc/self/mounts: mount point and options. */
	mounts: Array<{point: string; options: string[]}>;
	/** The absentPaths that exist. */
	present: string[];
	/** Per hidden file: its kind and size. */
	hidden: Record<string, {kind: 'file' | 'device' | 'missing' | 'other'; size: number}>;
	env: Record<string, string>;
	/** The cgroup limits as the files say (`max` for none); error when no file could be read. */
	cgroup: {pids?: string; memory?: string; error?: string};
	/** MemTotal in bytes (a VM's memory is its limit). */
	memTotal?: number;
	kernel: {version: string; dmesg: string};
}

// The probe's parts: each a plain function of Node's built-in modules only, so the program below
// can carry their source into the sandbox.

/** A file's first `max` bytes, or undefined when it cannot be read. */
function readBounded(file: string, max = 65_536): string | undefined {
	const fs = process.getBuiltinModule('node:fs');
	try {
		const fd = fs.openSync(file, 'r');
		try {
			const buffer = Buffer.alloc(max);
			return buffer.subarray(0, fs.readSync(fd, buffer, 0, max, null)).toString('utf8');
		} finally {
			fs.closeSync(fd);
		}
	} catch {
		return undefined;
	}
}

function pathExists(file: string): boolean {
	try {
		process.getBuiltinModule('node:fs').lstatSync(file);
		return true;
	} catch {
		return false;
	}
}

function probeCaps(): Record<string, string> {
	const status = readBounded('/proc/self/status') ?? '';
	const caps: Record<string, string> = {};
	for (const name of ['CapEff', 'CapPrm', 'CapBnd']) {
		const match = new RegExp(`^${name}:\\s*([0-9a-f]+)`, 'm').exec(status);
		if (match) caps[name] = match[1];
	}
	return caps;
}

function probeSockets(socketPaths: string[]): string[] {
	const fs = process.getBuiltinModule('node:fs');
	const sockets = socketPaths.filter(pathExists);
	for (const dir of ['/run', '/var/run']) {
		let names: string[] = [];
		try {
			names = fs.readdirSync(dir).slice(0, 200);
		} catch {}
		for (const name of names) if (name.endsWith('.sock')) sockets.push(`${dir}/${name}`);
	}
	return sockets;
}

/** Tries to create a file in each directory; one that is created is removed at once. */
function probeWrites(dirs: string[]): Record<string, string> {
	const fs = process.getBuiltinModule('node:fs');
	const writes: Record<string, string> = {};
	for (const dir of dirs) {
		const file = `${dir.replace(/\/$/, '')}/.babybot-sandbox-check-${process.pid}`;
		try {
			fs.writeFileSync(file, '', {flag: 'wx'});
			fs.rmSync(file, {force: true});
			writes[dir] = 'written';
		} catch (error) {
			writes[dir] = (error as NodeJS.ErrnoException).code ?? 'error';
		}
	}
	return writes;
}

function probeMounts(): ProbeFacts['mounts'] {
	return (readBounded('/proc/self/mounts', 262_144) ?? '')
		.split('\n')
		.filter(Boolean)
		.slice(0, 500)
		.map((line) => {
			const [, point = '', , options = ''] = line.split(' ');
			return {point: point.replace(/\\040/g, ' '), options: options.split(',')};
		});
}

function probeHidden(files: string[]): ProbeFacts['hidden'] {
	const fs = process.getBuiltinModule('node:fs');
	const hidden: ProbeFacts['hidden'] = {};
	for (const file of files) {
		try {
			const stat = fs.statSync(file);
			hidden[file] = {kind: stat.isFile() ? 'file' : stat.isCharacterDevice() ? 'device' : 'other', size: stat.size};
		} catch {
			hidden[file] = {kind: 'missing', size: 0};
		}
	}
	return hidden;
}

function probeCgroup(): ProbeFacts['cgroup'] {
	const first = (files: string[]) => files.map((file) => readBounded(file)?.trim()).find((value) => value !== undefined);
	const pids = first(['/sys/fs/cgroup/pids.max', '/sys/fs/cgroup/pids/pids.max']);
	const memory = first(['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']);
	return pids === undefined && memory === undefined ? {error: 'no cgroup file under /sys/fs/cgroup can be read'} : {pids, memory};
}

function probeKernel(): ProbeFacts['kernel'] {
	let dmesg = '';
	try {
		dmesg = process.getBuiltinModule('node:child_process').execFileSync('dmesg', [], {encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore']}).slice(0, 2000);
	} catch {}
	return {version: (readBounded('/proc/version') ?? '').trim().slice(0, 300), dmesg};
}

/** Runs inside the sandbox (and, in tests, on the host). */
export function collectFacts(input: ProbeInput): ProbeFacts {
	const netDev = readBounded('/proc/net/dev');
	const env: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env).slice(0, 200)) env[key] = String(value).slice(0, 500);
	const memKb = /^MemTotal:\s*(\d+) kB/m.exec(readBounded('/proc/meminfo') ?? '');
	return {
		uid: process.getuid?.() ?? -1,
		gid: process.getgid?.() ?? -1,
		caps: probeCaps(),
		interfaces: netDev === undefined ? null : netDev.split('\n').slice(2).map((line) => line.split(':')[0].trim()).filter(Boolean),
		sockets: probeSockets(input.socketPaths),
		writes: probeWrites(input.writeProbes),
		mounts: probeMounts(),
		present: input.absentPaths.filter(pathExists),
		hidden: probeHidden(input.hiddenFiles),
		env,
		cgroup: probeCgroup(),
		memTotal: memKb ? Number(memKb[1]) * 1024 : undefined,
		kernel: probeKernel(),
	};
}

const probeParts = [readBounded, pathExists, probeCaps, probeSockets, probeWrites, probeMounts, probeHidden, probeCgroup, probeKernel, collectFacts];

/** The marker that starts the probe's line on stdout. */
export const factsMarker = 'babybot-sandbox-facts ';

/**
 * The program the sandbox runs (`node -e`): one input line on stdin, one facts line on stdout, then
 * it stays until stdin closes, so the host can read the sandbox's cgroup from outside meanwhile.
 */
export const probeProgram = `
${probeParts.map((part) => part.toString()).join('\n')}
let buffered = '';
let answered = false;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
	buffered += chunk;
	const end = buffered.indexOf('\\n');
	if (answered || end === -1) return;
	answered = true;
	process.stdout.write(${JSON.stringify(factsMarker)} + JSON.stringify(collectFacts(JSON.parse(buffered.slice(0, end)))) + '\\n');
});
process.stdin.on('end', () => process.exit(0));
`;
