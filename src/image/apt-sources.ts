import fs from 'node:fs';
import path from 'node:path';

export interface AptSource {
	types: string[];
	uris: string[];
	suites: string[];
	components: string[];
	signedBy?: string;
}

/** One-line `deb [options] uri suite components…` entries. */
export function parseSourcesList(text: string): AptSource[] {
	const sources: AptSource[] = [];
	for (const raw of text.split('\n')) {
		const line = raw.replace(/#.*$/, '').trim();
		if (!line) continue;
		const match = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
		if (!match) continue;
		const signedBy = /(?:^|\s)signed-by=(\S+)/.exec(match[2] ?? '')?.[1];
		sources.push({types: [match[1]], uris: [match[3]], suites: [match[4]], components: match[5].split(/\s+/).filter(Boolean), signedBy});
	}
	return sources;
}

/** deb822 `.sources` paragraphs. */
export function parseDeb822Sources(text: string): AptSource[] {
	const sources: AptSource[] = [];
	for (const paragraph of text.split(/\n\s*\n/)) {
		const fields: Record<string, string> = {};
		let last: string | undefined;
		for (const raw of paragraph.split('\n')) {
			if (raw.startsWith('#')) continue;
			if (/^\s/.test(raw) && last) {
				fields[last] += '\n' + raw.trim();
				continue;
			}
			const match = /^([A-Za-z-]+):\s*(.*)$/.exec(raw);
			if (!match) continue;
			last = match[1].toLowerCase();
			fields[last] = match[2].trim();
		}
		if (!fields.types || !fields.uris || !fields.suites) continue;
		if ((fields.enabled ?? 'yes').toLowerCase() === 'no') continue;
		const words = (value = '') => value.split(/\s+/).filter(Boolean);
		const signedBy = fields['signed-by'] && !fields['signed-by'].includes('\n') ? fields['signed-by'] : undefined;
		sources.push({types: words(fields.types), uris: words(fields.uris), suites: words(fields.suites), components: words(fields.components), signedBy});
	}
	return sources;
}

export interface DebianMirror {
	uri: string;
	/** Keyring file named by Signed-By, when it is a path. */
	keyring?: string;
}

/**
 * The Debian mirror apt uses: a `deb` entry with a plain release suite (not -updates, -security)
 * and `main`. Prefers the entry for `suite`. Null when there is none.
 */
export function pickDebianMirror(sources: AptSource[], suite: string): DebianMirror | null {
	const candidates = sources.filter(
		(s) => s.types.includes('deb') && s.components.includes('main') && s.suites.some((name) => /^[a-z]+$/.test(name)) && s.uris.some((u) => /^https?:\/\//.test(u)),
	);
	const chosen = candidates.find((s) => s.suites.includes(suite)) ?? candidates[0];
	if (!chosen) return null;
	const uri = chosen.uris.find((u) => /^https?:\/\//.test(u))!;
	const keyring = chosen.signedBy?.startsWith('/') ? chosen.signedBy : undefined;
	return {uri, keyring};
}

/** Reads /etc/apt/sources.list, sources.list.d/*.list and *.sources at run time. */
export function readAptSources(aptDir = '/etc/apt'): AptSource[] {
	const sources: AptSource[] = [];
	const read = (file: string) => {
		try {
			return fs.readFileSync(file, 'utf8');
		} catch {
			return '';
		}
	};
	sources.push(...parseSourcesList(read(path.join(aptDir, 'sources.list'))));
	const partsDir = path.join(aptDir, 'sources.list.d');
	let names: string[] = [];
	try {
		names = fs.readdirSync(partsDir).sort();
	} catch {
		names = [];
	}
	for (const name of names) {
		if (name.endsWith('.list')) sources.push(...parseSourcesList(read(path.join(partsDir, name))));
		else if (name.endsWith('.sources')) sources.push(...parseDeb822Sources(read(path.join(partsDir, name))));
	}
	return sources;
}
