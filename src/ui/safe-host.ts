// The host as the UI sees it: every string it draws (messages, names, paths, prompts, run output)
// comes through here made safe for the terminal, so no chat member, model or agent can send
// escape sequences to the operator's screen. Log lines are made safe where they are written.
import type {HostApi, HostEventMap, HostEventName} from '../api/host-api.js';
import {safeTerminalData, safeTerminalText} from '../terminal-text.js';

export function safeHostApi(host: HostApi): HostApi {
	const events: HostApi['events'] = {
		on: <K extends HostEventName>(event: K, listener: (payload: HostEventMap[K]) => void) => host.events.on(event, (payload) => listener(safeTerminalData(payload))),
	};
	return new Proxy(host, {
		get(target, property, receiver) {
			if (property === 'snapshot') return () => safeTerminalData(target.snapshot());
			if (property === 'runOutput') return async (runId: string) => safeTerminalData(await target.runOutput(runId));
			if (property === 'skillText') return async (name: string) => safeTerminalText(await target.skillText(name));
			if (property === 'events') return events;
			const value = Reflect.get(target, property, receiver) as unknown;
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
		},
	});
}
