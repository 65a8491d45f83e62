import {spawn} from 'node:child_process';

export interface StreamResult {
	ok: boolean;
	problem: string;
}

export interface StreamOptions {
	env?: Record<string, string>;
	cwd?: string;
	/** Where the command's output goes (both streams). */
	output: NodeJS.WritableStream;
}

const describe = (command: string, args: string[]) => `\`${[command, ...args].join(' ').slice(0, 200)}\``;

/** Runs a long command (debootstrap, build) with its output streamed through. argv only, no shell. */
export function runStreaming(command: string, args: string[], options: StreamOptions): Promise<StreamResult> {
	return new Promise((resolve) => {
		const child = spawn(command, args, {env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe']});
		let tail = '';
		const forward = (chunk: Buffer) => {
			options.output.write(chunk);
			tail = (tail + chunk.toString('utf8')).slice(-2000);
		};
		child.stdout.on('data', forward);
		child.stderr.on('data', forward);
		child.on('error', (error) => resolve({ok: false, problem: `${command} could not start: ${error.message}`}));
		child.on('close', (code, signal) => {
			if (code === 0) return resolve({ok: true, problem: ''});
			const last = tail.trim().split('\n').at(-1) ?? '';
			resolve({ok: false, problem: `${describe(command, args)} failed (${signal ?? `exit ${code}`})${last ? `: ${last.slice(0, 300)}` : ''}`});
		});
	});
}

/** `producer | consumer`, e.g. `tar -c … | docker import - ref`. */
export function runPiped(
	producer: {command: string; args: string[]},
	consumer: {command: string; args: string[]},
	options: StreamOptions,
): Promise<StreamResult> {
	return new Promise((resolve) => {
		const left = spawn(producer.command, producer.args, {env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe']});
		const right = spawn(consumer.command, consumer.args, {env: options.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe']});
		left.stdout.pipe(right.stdin);
		right.stdin.on('error', () => {});
		let leftTail = '';
		left.stderr.on('data', (chunk: Buffer) => (leftTail = (leftTail + chunk.toString('utf8')).slice(-1000)));
		right.stdout.on('data', (chunk: Buffer) => options.output.write(chunk));
		right.stderr.on('data', (chunk: Buffer) => options.output.write(chunk));
		let leftDone: number | null | undefined;
		left.on('error', (error) => resolve({ok: false, problem: `${producer.command} could not start: ${error.message}`}));
		right.on('error', (error) => resolve({ok: false, problem: `${consumer.command} could not start: ${error.message}`}));
		left.on('close', (code) => (leftDone = code));
		right.on('close', (code) => {
			const finish = () => {
				if (leftDone !== 0) return resolve({ok: false, problem: `${describe(producer.command, producer.args)} failed (exit ${leftDone}): ${leftTail.trim().split('\n').at(-1) ?? ''}`});
				if (code !== 0) return resolve({ok: false, problem: `${describe(consumer.command, consumer.args)} failed (exit ${code})`});
				resolve({ok: true, problem: ''});
			};
			if (leftDone === undefined) left.once('close', finish);
			else finish();
		});
	});
}
