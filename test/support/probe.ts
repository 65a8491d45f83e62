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
