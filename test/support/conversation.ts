// The conversation of the context benchmark and its end-to-end test: each turn the user asks about
// a ~6 KB log file, the model reads it with bash (`cat`), then answers in a few sentences.
import fs from 'node:fs';
import path from 'node:path';
import type {ChatRequestBody, ScriptedReply} from './ollama-server.js';

export const conversationTurns = 12;

const services = ['api', 'worker', 'billing', 'search', 'mailer', 'auth'];
const levels = ['INFO', 'INFO', 'INFO', 'WARN', 'INFO', 'ERROR', 'INFO', 'DEBUG'];

/** About 6 KB of log lines for turn `turn` (deterministic). */
export function logText(turn: number): string {
	const lines: string[] = [];
	for (let i = 0; lines.join('\n').length < 6000; i++) {
		const n = turn * 1000 + i;
		const service = services[n % services.length];
		const level = levels[(n * 7) % levels.length];
		const ms = (n * 37) % 900;
		const message =
			level === 'ERROR'
				? `request ${n * 13} failed: upstream timeout after ${ms}ms (retry ${i % 3})`
				: `GET /v1/orders/${n * 17} 200 ${ms}ms user=u-${(n * 29) % 5000}`;
		lines.push(`2026-03-${String(1 + (turn % 28)).padStart(2, '0')}T09:${String(i % 60).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}.${String(ms).padStart(3, '0')}Z ${level.padEnd(5)} ${service}[${2000 + (n % 97)}]: ${message}`);
	}
	return lines.join('\n') + '\n';
}

export const logPath = (turn: number) => `logs/service-${turn}.log`;

export function writeConversationFiles(groupDir: string): void {
	fs.mkdirSync(path.join(groupDir, 'logs'), {recursive: true});
	for (let turn = 1; turn <= conversationTurns; turn++) fs.writeFileSync(path.join(groupDir, logPath(turn)), logText(turn));
}

export const question = (turn: number) => `Turn ${turn}: what went wrong in ${logPath(turn)}? Keep it short.`;

export const answer = (turn: number) =>
	`In ${logPath(turn)} a few requests failed with upstream timeouts; everything else returned 200. The errors cluster around the retries, so the upstream was slow rather than down. Nothing needs doing now.`;

/** The model's side: read the file the latest question names, then answer about it. */
export function conversationReply(request: ChatRequestBody): ScriptedReply {
	const last = request.messages.at(-1);
	const asked = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
	const turn = Number(/service-(\d+)\.log/.exec(asked)?.[1] ?? 0);
	if (last?.role === 'tool') return {content: answer(turn)};
	return {toolCalls: [{name: 'bash', arguments: {command: `cat ${logPath(turn)}`}}]};
}
