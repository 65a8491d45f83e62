import {EventEmitter} from 'node:events';
import type {HostEventMap, HostEventName, HostEvents} from './host-api.js';

/** The host's typed event bus; `on` returns an unsubscribe function. */
export class HostEmitter implements HostEvents {
	private readonly emitter = new EventEmitter();

	constructor() {
		this.emitter.setMaxListeners(100);
	}

	on<K extends HostEventName>(event: K, listener: (payload: HostEventMap[K]) => void): () => void {
		this.emitter.on(event, listener);
		return () => this.emitter.off(event, listener);
	}

	emit<K extends HostEventName>(event: K, payload: HostEventMap[K]): void {
		this.emitter.emit(event, payload);
	}
}
