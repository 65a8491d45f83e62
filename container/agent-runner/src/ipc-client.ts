// Agent -> host side effects as JSON files in /workspace/ipc, each answered by an ack file.
import {randomBytes} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {writeFileAtomic} from './atomic-file.js';
import {errorMessage} from './text.js';

export type IpcKind = 'messages' | 'tasks' | 'requests';

export type IpcAnswer =
	| {status: 'ok'; result?: unknown}
	| {status: 'denied'; error: string}
	| {status: 'timeout'; waitedMs: number};

export interface IpcClientOptions {
	ipcDir: string;
	ackTimeoutMs: number;
	/** File name generator (time + random by default); injectable for tests. */
	newFileName?: () => string;
}

export class IpcClient {
	private sequence = 0;

	constructor(private readonly options: IpcClientOptions) {}

	/** Writes the request atomically and waits for the host's ack (deleted once read). */
	async send(kind: IpcKind, payload: Record<string, unknown>): Promise<IpcAnswer> {
		const name = this.options.newFileName?.() ?? `${Date.now()}-${++this.sequence}-${randomBytes(4).toString('hex')}.json`;
		const acksDir = path.join(this.options.ipcDir, 'acks');
		// Start watching before the request exists so a fast ack cannot be missed.
		const ack = waitForAck(path.join(acksDir, name), this.options.ackTimeoutMs);
		try {
			await writeFileAtomic(path.join(this.options.ipcDir, kind, name), JSON.stringify(payload, null, 2));
		} catch (error) {
			ack.cancel();
			throw new Error(`could not write the request for the host: ${errorMessage(error)}`);
		}
		return ack.answer;
	}
}

function waitForAck(ackFile: string, timeoutMs: number): {answer: Promise<IpcAnswer>; cancel: () => void} {
	let cancel = () => {};
	const answer = new Promise<IpcAnswer>((resolve) => {
		let settled = false;
		const fileName = path.basename(ackFile);
		const finish = (result: IpcAnswer) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			clearInterval(poll);
			watcher.close();
			resolve(result);
		};
		const check = () => {
			if (settled) return;
			let text: string;
			try {
				text = fs.readFileSync(ackFile, 'utf8');
			} catch {
				return;
			}
			let parsed: unknown;
			try {
				parsed = JSON.parse(text);
			} catch {
				return; // a half-written ack; the rename that completes it fires another event
			}
			// acks/ is the host's (read-only here); names are unique, so a read ack is simply left.
			finish(toAnswer(parsed));
		};
		const watcher = watchAcks(path.dirname(ackFile), (changed) => {
			if (!changed || changed === fileName) check();
		});
		// Some sandboxes (gVisor) see no inotify event for a file the host writes: look now and then too.
		const poll = setInterval(check, ackPollMs);
		const timer = setTimeout(() => finish({status: 'timeout', waitedMs: timeoutMs}), timeoutMs);
		cancel = () => finish({status: 'timeout', waitedMs: 0});
		check();
	});
	return {answer, cancel: () => cancel()};
}

const ackPollMs = 250;

function watchAcks(dir: string, onChange: (name: string | undefined) => void): {close(): void} {
	try {
		const watcher = fs.watch(dir, (_event, changed) => onChange(changed?.toString()));
		watcher.on('error', () => {});
		return watcher;
	} catch {
		return {close() {}};
	}
}

function toAnswer(parsed: unknown): IpcAnswer {
	if (parsed && typeof parsed === 'object') {
		const ack = parsed as {ok?: unknown; result?: unknown; error?: unknown};
		if (ack.ok === true) return {status: 'ok', result: ack.result};
		if (ack.ok === false) return {status: 'denied', error: typeof ack.error === 'string' && ack.error ? ack.error : 'no reason given'};
	}
	return {status: 'denied', error: 'the host answered with an ack this agent does not understand'};
}

/** What the model is told about an IPC answer. */
export function describeIpcAnswer(answer: IpcAnswer, okText = 'sent'): string {
	if (answer.status === 'denied') return `denied: ${answer.error}`;
	if (answer.status === 'timeout') {
		return `no answer from the host in ${Number((answer.waitedMs / 1000).toFixed(1))} s; the request was left for the host and may still be handled`;
	}
	if (answer.result === undefined || answer.result === null) return okText;
	return typeof answer.result === 'string' ? answer.result : JSON.stringify(answer.result, null, 2);
}
