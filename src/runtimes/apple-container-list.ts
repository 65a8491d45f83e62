/** One container from `container ls --all --format json`, in the shape both CLI generations share. */
export interface AppleContainerEntry {
	name: string;
	state: string;
	labels: Record<string, string>;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function stringRecord(value: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	if (!isObject(value)) return out;
	for (const [key, item] of Object.entries(value)) if (typeof item === 'string') out[key] = item;
	return out;
}

/**
 * Parses `container ls --all --format json`. 0.x prints `[{status: "running", configuration: {id,
 * labels}}]`; 1.x prints `[{id, configuration: {id, labels}, status: {state: "running"}}]`.
 * Throws a one-line error on anything else.
 */
export function parseAppleContainerList(text: string): AppleContainerEntry[] {
	const trimmed = text.trim();
	if (trimmed === '') return [];
	let parsed: unknown;
	try {
		parsed = JSON.parse(trimmed);
	} catch {
		throw new Error(`\`container ls --format json\` printed something that is not JSON: ${JSON.stringify(trimmed.slice(0, 80))}`);
	}
	if (!Array.isArray(parsed)) throw new Error('`container ls --format json` did not print a JSON array: update Apple Container');
	return parsed.map((item, index) => {
		if (!isObject(item)) throw new Error(`\`container ls\` entry ${index} is not an object`);
		const configuration = isObject(item.configuration) ? item.configuration : {};
		const name = typeof item.id === 'string' ? item.id : typeof configuration.id === 'string' ? configuration.id : undefined;
		if (!name) throw new Error(`\`container ls\` entry ${index} has no id: update Apple Container`);
		const status = item.status;
		const state =
			typeof status === 'string'
				? status
				: isObject(status) && typeof status.state === 'string'
					? status.state
					: typeof item.state === 'string'
						? item.state
						: 'unknown';
		const labels = {...stringRecord(item.labels), ...stringRecord(configuration.labels)};
		return {name, state, labels};
	});
}
