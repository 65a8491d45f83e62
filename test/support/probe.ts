// The scripted model as a probe: it makes the agent run shell commands and reads their results.
import type {ChatRequestBody, ScriptedReply} from './ollama-server.js';

/** One reply that runs each command as a bash call, then a final answer "done". */
export function probeReplies(commands: string[]): ScriptedReply[] {
	return [{toolCalls: commands.map((command) => ({name: 'bash', arguments: {command}}))}, {content: 'done'}];
}

/** The tool results of the request's current turn (after its last user message), in call order. */
export function toolResults(request: ChatRequestBody): string[] {
	const lastUser = request.messages.map((m) => m.role).lastIndexOf('user');
	return request.messages.slice(lastUser).filter((m) => m.role === 'tool').map((m) => m.content);
}

/**
 * A shell command listing a directory's entries (not the hidden ones) one a line, sorted, the same
 * on every runtime (under gVisor the agent's `ls` is busybox's, whose columns differ).
 */
export const listDir = (dir: string) => `find ${dir} -mindepth 1 -maxdepth 1 -not -name '.*' -printf '%f\\n' | LC_ALL=C sort`;

/** What a write into a read-only mount answers: gVisor checks permissions first, so it may say Permission denied. */
export function readOnlyRefusal(runtime: string): RegExp {
	return runtime === 'gvisor' ? /Read-only file system|Permission denied/ : /Read-only file system/;
}
