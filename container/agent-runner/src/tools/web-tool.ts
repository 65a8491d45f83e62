import type {WebFetchResult} from '../protocol.js';
import type {Tool} from './tool.js';

/** What the model reads: the verdict or the page, with every cut explained. */
export function formatWebResult(url: string, result: WebFetchResult, loweredTo?: number): string {
	switch (result.status) {
		case 'waiting':
			return `waiting for the operator: ${url} was not fetched. ${result.reason}`;
		case 'refused':
			return `refused: ${result.reason}`;
		case 'failed':
			return `failed: ${result.reason}`;
		case 'fetched': {
			const notes = [...(loweredTo ? [`max_bytes was lowered to ${loweredTo} (the tool output limit)`] : []), ...result.notes];
			return [
				`status: ${result.httpStatus}`,
				`url: ${result.finalUrl}`,
				`content type: ${result.contentType || '(none)'}`,
				...(result.title ? [`title: ${result.title}`] : []),
				...notes.map((note) => `note: ${note}`),
				'',
				result.text || '(no text)',
			].join('\n');
		}
	}
}

export const webFetchTool: Tool = {
	name: 'web_fetch',
	description:
		'Read a web page (https; http only where the operator allowed it) through the host. Only hosts the operator allowed for this chat are fetched; another host waits for the operator, so tell the user and try again later. Returns the status, final URL, content type and the readable text.',
	params: {
		url: {type: 'string', description: 'The full URL, e.g. https://example.com/page', required: true},
		max_bytes: {type: 'integer', description: 'The most text to return, in bytes (default and maximum: the tool output limit)', min: 1},
	},
	async run(args, context) {
		const limit = context.start.limits.toolOutputChars;
		const asked = args.max_bytes as number | undefined;
		const url = args.url as string;
		const result = await context.web.fetch(url, Math.min(asked ?? limit, limit));
		return formatWebResult(url, result, asked !== undefined && asked > limit ? limit : undefined);
	},
};
