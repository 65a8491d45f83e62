// Acks: the host's answer to one request, written into acks/, a folder only the host writes (the
// sandbox mounts it read-only), so the agent can neither plant a link there nor delete the answers.
import {randomBytes} from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';

export type IpcAck = {ok: true; result?: unknown} | {ok: false; error: string};

/** Request names the host answers under: what the agent-runner writes, nothing a terminal or a shell could misread. */
export const requestNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The most acks kept per group: the agent-runner reads its own within seconds, older ones are removed. */
export const maxAcksPerGroup = 1024;

/** Writes `acks/<name>` atomically: a new temp file, then a rename, both inside the host-only folder. */
export async function writeAck(acksDir: string, name: string, ack: IpcAck): Promise<string> {
	if (!requestNamePattern.test(name)) throw new Error(`request name ${JSON.stringify(name.slice(0, 80))} is not answered: name files with letters, digits, . _ -`);
	const temp = path.join(acksDir, `.tmp-${randomBytes(6).toString('hex')}`);
	await fsp.writeFile(temp, JSON.stringify(ack), {flag: 'wx', mode: 0o644});
	const target = path.join(acksDir, name);
	await fsp.rename(temp, target);
	return target;
}

/** Keeps the newest `keep` acks of a group (names start with the time the agent-runner wrote them). */
export async function pruneAcks(acksDir: string, keep = maxAcksPerGroup): Promise<number> {
	const names = (await fsp.readdir(acksDir).catch(() => [] as string[])).filter((name) => !name.startsWith('.'));
	if (names.length <= keep) return 0;
	const stale = names.sort().slice(0, names.length - keep);
	await Promise.all(stale.map((name) => fsp.unlink(path.join(acksDir, name)).catch(() => {})));
	return stale.length;
}

/** Removes every ack of a group: before a new sandbox starts nobody waits for the old ones. */
export async function clearAcks(acksDir: string): Promise<void> {
	await pruneAcks(acksDir, 0);
}
