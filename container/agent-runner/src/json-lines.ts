import readline from 'node:readline';
import type {Readable, Writable} from 'node:stream';
import type {AgentToHost} from './protocol.js';

/** Yields each line of `input` (the host's JSON lines). Ends at EOF or when closed. */
export function readLines(input: Readable): readline.Interface {
	return readline.createInterface({input, crlfDelay: Infinity});
}

/** Writes protocol messages, one JSON object per line; silent once the stream is gone. */
export class MessageWriter {
	constructor(private readonly output: Writable) {}

	send(message: AgentToHost): void {
		if (this.output.destroyed || this.output.writableEnded) return;
		this.output.write(JSON.stringify(message) + '\n');
	}

	log(level: 'debug' | 'info' | 'warn' | 'error', msg: string): void {
		this.send({type: 'log', level, msg});
	}
}
