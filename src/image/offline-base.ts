import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type {RunCli} from '../runtimes/cli-exec.js';
import {pickDebianMirror, readAptSources, type DebianMirror} from './apt-sources.js';
import {findPinnedNode} from './pinned-node.js';
import {runPiped, runStreaming} from './stream-exec.js';

export const offlineBaseImage = 'babybot-base:local';
export const baseIdLabel = 'babybot.base-id';
const suite = 'bookworm';
const packages = ['bash', 'coreutils', 'git', 'ca-certificates', 'libstdc++6', 'busybox'];

export interface OfflineBaseInput {
	/** `docker` or `podman` (Apple Container has no `import`). */
	binary: string;
	cliEnv: Record<string, string>;
	projectRoot: string;
	cacheDir: string;
	output: NodeJS.WritableStream;
	exec: RunCli;
	aptDir?: string;
}

interface RootStamp {
	suite: string;
	mirror: string;
	packages: string[];
}

function readStamp(file: string): RootStamp | null {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8')) as RootStamp;
	} catch {
		return null;
	}
}

/** debootstrap (minbase) of Debian into the cache, reused while mirror and packages stay the same. */
async function ensureRootfs(input: OfflineBaseInput, mirror: DebianMirror): Promise<{root: string; stamp: RootStamp}> {
	const dir = path.join(input.cacheDir, `debootstrap-${suite}`);
	const root = path.join(dir, 'rootfs');
	const stampFile = path.join(dir, 'rootfs.json');
	const wanted: RootStamp = {suite, mirror: mirror.uri, packages};
	const existing = readStamp(stampFile);
	if (existing && JSON.stringify(existing) === JSON.stringify(wanted) && fs.existsSync(path.join(root, 'bin', 'bash'))) {
		input.output.write(`reusing the cached ${suite} root in ${root}\n`);
		return {root, stamp: wanted};
	}
	const partial = path.join(dir, 'rootfs.partial');
	fs.rmSync(partial, {recursive: true, force: true});
	fs.rmSync(root, {recursive: true, force: true});
	fs.rmSync(stampFile, {force: true});
	fs.mkdirSync(dir, {recursive: true});
	input.output.write(`debootstrap ${suite} (minbase) from ${mirror.uri} into ${partial}\n`);
	const args = ['--variant=minbase', `--include=${packages.join(',')}`];
	if (mirror.keyring && fs.existsSync(mirror.keyring)) args.push(`--keyring=${mirror.keyring}`);
	args.push(suite, partial, mirror.uri);
	const result = await runStreaming('debootstrap', args, {output: input.output, env: {PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8'}});
	if (!result.ok) throw new Error(`${result.problem} (is debootstrap installed and are you root? apt-get install debootstrap)`);
	for (const junk of ['var/cache/apt/archives', 'var/lib/apt/lists']) {
		const target = path.join(partial, junk);
		for (const name of fs.existsSync(target) ? fs.readdirSync(target) : []) {
			if (name !== 'partial' && name !== 'lock') fs.rmSync(path.join(target, name), {recursive: true, force: true});
		}
	}
	fs.renameSync(partial, root);
	fs.writeFileSync(stampFile, JSON.stringify(wanted));
	return {root, stamp: wanted};
}

/**
 * Makes `babybot-base:local`: a debootstrap root of Debian plus the project's pinned Node binary,
 * `import`ed into the runtime. Skips the import when the image already carries the same base id.
 */
export async function buildOfflineBase(input: OfflineBaseInput): Promise<string> {
	const mirror = pickDebianMirror(readAptSources(input.aptDir), suite);
	if (!mirror) {
		throw new Error(`no Debian mirror found in ${input.aptDir ?? '/etc/apt'}/sources.list or sources.list.d: configure apt with a Debian mirror first`);
	}
	const node = findPinnedNode(input.projectRoot);
	const {root, stamp} = await ensureRootfs(input, mirror);
	const nodeStat = fs.statSync(node.path);
	const baseId = crypto.createHash('sha256').update(JSON.stringify({stamp, node: node.version, size: nodeStat.size})).digest('hex').slice(0, 16);

	const current = await input.exec(input.binary, ['image', 'inspect', '--format', `{{ index .Config.Labels "${baseIdLabel}" }}`, offlineBaseImage], {env: input.cliEnv});
	if (current.ok && current.stdout.trim() === baseId) {
		input.output.write(`${offlineBaseImage} is current (base ${baseId})\n`);
		return offlineBaseImage;
	}

	const nodeTarget = path.join(root, 'usr', 'local', 'bin', 'node');
	fs.mkdirSync(path.dirname(nodeTarget), {recursive: true});
	fs.copyFileSync(node.path, nodeTarget);
	fs.chmodSync(nodeTarget, 0o755);
	input.output.write(`importing ${root} with Node ${node.version} as ${offlineBaseImage}\n`);
	const result = await runPiped(
		{command: 'tar', args: ['--numeric-owner', '-C', root, '-c', '.']},
		{
			command: input.binary,
			args: ['import', '--change', `LABEL ${baseIdLabel}=${baseId}`, '--change', 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin', '-', offlineBaseImage],
		},
		{output: input.output, env: input.cliEnv},
	);
	if (!result.ok) throw new Error(result.problem);
	return offlineBaseImage;
}
