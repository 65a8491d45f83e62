// Text from a model, an agent or a chat, made safe to print on a terminal: escape sequences (CSI,
// OSC such as OSC 52 clipboard writes or window titles, DCS, …) are removed, and any other control
// character is shown as visible text, so nothing it contains can move the cursor, retitle the
// window, write the clipboard or rewrite what is already on the screen.

const ESC = 0x1b;
const BEL = 0x07;
const ST = 0x9c;

// eslint-disable-next-line no-control-regex
const needsWork = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028-\u202e\u2066-\u2069]/;

const visible = (code: number): string => (code < 0x20 ? `^${String.fromCharCode(code + 64)}` : `\\u${code.toString(16).padStart(4, '0')}`);

/** Index after a control string (OSC, DCS, …) that starts at `from`: up to BEL (OSC only), ST or ESC \, or the end. */
function skipString(text: string, from: number, endsAtBel: boolean): number {
	for (let i = from; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code === ST || (endsAtBel && code === BEL)) return i + 1;
		if (code === ESC) return text[i + 1] === '\\' ? i + 2 : i;
	}
	return text.length;
}

/** Index after a CSI sequence whose parameters start at `from`. */
function skipCsi(text: string, from: number): number {
	let i = from;
	while (i < text.length && text.charCodeAt(i) >= 0x20 && text.charCodeAt(i) <= 0x3f) i++;
	while (i < text.length && text.charCodeAt(i) >= 0x20 && text.charCodeAt(i) <= 0x2f) i++;
	return i < text.length && text.charCodeAt(i) >= 0x40 && text.charCodeAt(i) <= 0x7e ? i + 1 : i;
}

/** The text without escape sequences, other control characters shown as `^X` / `\uXXXX`; newlines and tabs kept. */
export function safeTerminalText(text: string): string {
	if (!needsWork.test(text)) return text;
	let out = '';
	let i = 0;
	while (i < text.length) {
		const code = text.charCodeAt(i);
		if (code === ESC) {
			const next = text[i + 1];
			if (next === '[') i = skipCsi(text, i + 2);
			else if (next === ']') i = skipString(text, i + 2, true);
			else if (next === 'P' || next === 'X' || next === '^' || next === '_') i = skipString(text, i + 2, false);
			else i += next === undefined ? 1 : 2;
		} else if (code === 0x9b) i = skipCsi(text, i + 1);
		else if (code === 0x9d) i = skipString(text, i + 1, true);
		else if (code === 0x90 || code === 0x98 || code === 0x9e || code === 0x9f) i = skipString(text, i + 1, false);
		else if (code === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
		else if (code === 0x0a || code === 0x09 || !needsWork.test(text[i]!)) {
			out += text[i];
			i++;
		} else {
			out += visible(code);
			i++;
		}
	}
	return out;
}

/** Every string inside plain data (objects, arrays) made safe, for a UI that draws whatever it is given. */
export function safeTerminalData<T>(value: T): T {
	if (typeof value === 'string') return safeTerminalText(value) as T;
	if (Array.isArray(value)) return value.map((item) => safeTerminalData(item)) as T;
	if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
		const out: Record<string, unknown> = {};
		for (const [key, item] of Object.entries(value)) out[key] = safeTerminalData(item);
		return out as T;
	}
	return value;
}
