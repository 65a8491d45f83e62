// `/name args` skill invocations and host commands in chat text. Pure.

export interface SkillInvocation {
	name: string;
	/** The rest of the line after the token, trimmed. */
	args: string;
}

export type HostCommand = 'skills' | 'clear' | 'compact' | 'help';
const hostCommands: readonly HostCommand[] = ['skills', 'clear', 'compact', 'help'];

// `/name` at the start or after whitespace, ending at whitespace, the end, or sentence punctuation
// that is itself followed by whitespace or the end (so `/usr/bin`, `/a.txt` and `x/y` are not tokens).
const tokenPattern = /(?<=^|\s)\/([a-z0-9][a-z0-9-]{0,63})(?=$|\s|[.,;:!?)](?:$|\s))/g;

/** The known skills invoked in the text, each once, in order, with the rest of its line as arguments. */
export function parseSkillInvocations(text: string, skillNames: Iterable<string>): SkillInvocation[] {
	const known = new Set(skillNames);
	const found: SkillInvocation[] = [];
	for (const match of text.matchAll(tokenPattern)) {
		const name = match[1];
		if (!known.has(name) || found.some((f) => f.name === name)) continue;
		const afterToken = match.index + match[0].length;
		const lineEnd = text.indexOf('\n', afterToken);
		const rest = text.slice(afterToken, lineEnd < 0 ? undefined : lineEnd);
		found.push({name, args: rest.replace(/^[.,;:!?)]/, '').trim()});
	}
	return found;
}

/** The host command the whole message is (after an optional leading `@Trigger`), or null. */
export function parseHostCommand(text: string, trigger?: string): HostCommand | null {
	let rest = text.trim();
	const lead = /^@[\p{L}\p{N}_-]+[,:]?\s+/u.exec(rest);
	if (lead && (trigger === undefined || lead[0].replace(/[,:]?\s+$/, '').toLowerCase() === trigger.toLowerCase())) {
		rest = rest.slice(lead[0].length);
	}
	if (!rest.startsWith('/')) return null;
	const word = rest.slice(1);
	return (hostCommands as readonly string[]).includes(word) ? (word as HostCommand) : null;
}
