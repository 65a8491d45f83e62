import {useEffect, useMemo, useState} from 'react';
import type {LogStore} from '../../log-store.js';
import {LogView, type LogFilter} from '../log-view.js';

/** A filtered view of the log ring; `version` moves (at most every `throttleMs`) when lines arrive. */
export function useLogView(store: LogStore, filter: LogFilter, throttleMs = 50): {view: LogView; version: number} {
	const view = useMemo(() => new LogView(store, filter), [store, filter.minLevel, filter.text]);
	const [version, setVersion] = useState(0);
	useEffect(() => {
		let timer: NodeJS.Timeout | undefined;
		const unsubscribe = store.subscribe((batch) => {
			view.append(batch);
			timer ??= setTimeout(() => {
				timer = undefined;
				setVersion((value) => value + 1);
			}, throttleMs);
		});
		return () => {
			unsubscribe();
			if (timer) clearTimeout(timer);
		};
	}, [store, view, throttleMs]);
	return {view, version};
}
