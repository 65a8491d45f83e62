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

/** Runs inside the sandbox (and, in tests, on the host). Only Node's built-in modules. */
export function collectFacts(input: ProbeInput): ProbeFacts {
	const fs = process.getBuiltinModule('node:fs');
	const path = process.getBuiltinModule('node:path');
	const childProcess = process.getBuiltinModule('node:child_process');
	const read = (file: string, max = 65_536): string | undefined => {
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
	};
	const exists = (file: string) => {
		try {
			fs.lstatSync(file);
			return true;
		} catch {
			return false;
		}
	};
	const status = read('/proc/self/status') ?? '';
	const caps: Record<string, string> = {};
	for (const name of ['CapEff', 'CapPrm', 'CapBnd']) {
		const match = new RegExp(`^${name}:\\s*([0-9a-f]+)`, 'm').exec(status);
		if (match) caps[name] = match[1];
	}
	const netDev = read('/proc/net/dev');
	const interfaces = netDev === undefined ? null : netDev.split('\n').slice(2).map((line) => line.split(':')[0].trim()).filter(Boolean);
	const sockets = input.socketPaths.filter(exists);
	for (const dir of ['/run', '/var/run']) {
		let names: string[] = [];
		try {
			names = fs.readdirSync(dir).slice(0, 200);
		} catch {}
		for (const name of names) if (name.endsWith('.sock')) sockets.push(path.join(dir, name));
	}
	const writes: Record<string, string> = {};
	for (const dir of input.writeProbes) {
		const file = path.join(dir, `.babybot-sandbox-check-${process.pid}`);
		try {
			fs.writeFileSync(file, '', {flag: 'wx'});
			fs.rmSync(file, {force: true});
			writes[dir] = 'written';
		} catch (error) {
			writes[dir] = (error as NodeJS.ErrnoException).code ?? 'error';
		}
	}
	const mounts = (read('/proc/self/mounts', 262_144) ?? '')
		.split('\n')
		.filter(Boolean)
		.slice(0, 500)
		.map((line) => {
			const [, point = '', , options = ''] = line.split(' ');
			return {point: point.replace(/\\040/g, ' '), options: options.split(',')};
		});
	const hidden: ProbeFacts['hidden'] = {};
	for (const file of input.hiddenFiles) {
		try {
			const stat = fs.statSync(file);
			hidden[file] = {kind: stat.isFile() ? 'file' : stat.isCharacterDevice() ? 'device' : 'other', size: stat.size};
		} catch {
			hidden[file] = {kind: 'missing', size: 0};
		}
	}
	const env: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env).slice(0, 200)) env[key] = String(value).slice(0, 500);
	const first = (files: string[]) => files.map((file) => read(file)?.trim()).find((value) => value !== undefined);
	const pids = first(['/sys/fs/cgroup/pids.max', '/sys/fs/cgroup/pids/pids.max']);
	const memory = first(['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']);
	const cgroup = pids === undefined && memory === undefined ? {error: 'no cgroup file under /sys/fs/cgroup can be read'} : {pids, memory};
	const memKb = /^MemTotal:\s*(\d+) kB/m.exec(read('/proc/meminfo') ?? '');
	let dmesg = '';
	try {
		dmesg = childProcess.execFileSync('dmesg', [], {encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore']}).slice(0, 2000);
	} catch {}
	return {
		uid: process.getuid?.() ?? -1,
		gid: process.getgid?.() ?? -1,
		caps,
		interfaces,
		sockets,
		writes,
		mounts,
		present: input.absentPaths.filter(exists),
		hidden,
		env,
		cgroup,
		memTotal: memKb ? Number(memKb[1]) * 1024 : undefined,
		kernel: {version: (read('/proc/version') ?? '').trim().slice(0, 300), dmesg},
	};
}

/** The marker that starts the probe's line on stdout. */
export const factsMarker = 'babybot-sandbox-facts ';

/**
 * The program the sandbox runs (`node -e`): one input line on stdin, one facts line on stdout, then
 * it stays until stdin closes, so the host can read the sandbox's cgroup from outside meanwhile.
 */
export const probeProgram = `
const collectFacts = ${collectFacts.toString()};
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
