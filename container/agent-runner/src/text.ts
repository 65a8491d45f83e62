/** Cuts `text` to `limit` characters, saying how much was dropped. */
export function cutText(text: string, limit: number, what = 'output'): string {
	if (text.length <= limit) return text;
	return `${text.slice(0, limit)}\n[${what} cut: ${text.length - limit} more characters not shown]`;
}

/** A JSON rendering with sorted keys, so equal objects give equal strings. */
export function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.keys(value as Record<string, unknown>)
			.sort()
			.map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
		return `{${entries.join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

export function errorMessage(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
