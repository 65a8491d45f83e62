// search_history (every group: its own chats; main: every chat) and read_memory (main only: another
// group's MEMORY.md, read-only). The host answers both; the group is the run's, never an argument.
import {formatHistoryResult} from '../history-format.js';
import {resultBudget, type Tool} from './tool.js';

export const searchHistoryTool: Tool = {
	name: 'search_history',
	description: 'Search all earlier messages of this chat (main: of every chat), also those you no longer see. Gives date, sender and an excerpt.',
	params: {
		query: {type: 'string', description: 'Words to find, e.g. "dog name"', required: true},
		chat_jid: {type: 'string', description: 'Only this chat'},
		since: {type: 'string', description: 'From this date, e.g. 2025-01-31'},
		limit: {type: 'integer', description: 'Most hits (default 5, max 20)', min: 1},
	},
	async run(args, context) {
		const query = args.query as string;
		const result = await context.memory.searchHistory({
			query,
			...(args.chat_jid === undefined ? {} : {chatJid: args.chat_jid as string}),
			...(args.since === undefined ? {} : {since: args.since as string}),
			...(args.limit === undefined ? {} : {limit: args.limit as number}),
			maxChars: resultBudget(context),
		});
		return formatHistoryResult(query, result);
	},
};

export const readMemoryTool: Tool = {
	name: 'read_memory',
	description: "Read another group's MEMORY.md (read-only).",
	params: {group: {type: 'string', description: 'Group folder, e.g. family', required: true}},
	mainOnly: true,
	async run(args, context) {
		const result = await context.memory.readMemory(args.group as string, resultBudget(context));
		if (result.status !== 'ok') return `${result.status}: ${result.reason}`;
		return [`# MEMORY.md of ${result.folder} (read-only)`, ...result.notes.map((note) => `note: ${note}`), '', result.text || '(empty)'].join('\n');
	},
};
