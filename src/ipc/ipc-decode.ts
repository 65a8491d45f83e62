// Bytes of a request file → a validated request, or a bounded reason the agent is told.
import {parseIpcRequest, type IpcRequest} from './schemas.js';

export type DecodedRequest = {ok: true; request: IpcRequest} | {ok: false; reason: string; malformedJson?: boolean};

/** Reasons echo the agent's own text at most this long, with no control characters. */
export const maxReasonChars = 500;

export function boundReason(reason: string): string {
	// eslint-disable-next-line no-control-regex
	const clean = reason.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
	return clean.length > maxReasonChars ? `${clean.slice(0, maxReasonChars - 1)}…` : clean;
}

export function decodeRequest(bytes: Buffer): DecodedRequest {
	let data: unknown;
	try {
		data = JSON.parse(bytes.toString('utf8'));
	} catch (error) {
		return {ok: false, malformedJson: true, reason: boundReason(`not valid JSON (${(error as Error).message}): write one JSON object with a "type" field`)};
	}
	const parsed = parseIpcRequest(data);
	return parsed.ok ? parsed : {ok: false, reason: boundReason(parsed.reason)};
}
