import {useCallback, useEffect, useRef, useState} from 'react';
import type {HostApi} from '../../api/host-api.js';

export interface Notice {
	id: number;
	level: 'info' | 'warn' | 'error';
	text: string;
}

/** Short-lived messages: host `notice` events and the results of the operator's actions. */
export function useNotices(host: HostApi, lifetimeMs = 6000): {notice: Notice | undefined; push: (level: Notice['level'], text: string) => void} {
	const [notices, setNotices] = useState<Notice[]>([]);
	const nextId = useRef(1);
	const timers = useRef(new Set<NodeJS.Timeout>());
	const push = useCallback(
		(level: Notice['level'], text: string) => {
			const id = nextId.current++;
			setNotices((list) => [...list.slice(-4), {id, level, text}]);
			const timer = setTimeout(() => {
				timers.current.delete(timer);
				setNotices((list) => list.filter((notice) => notice.id !== id));
			}, lifetimeMs);
			timer.unref?.();
			timers.current.add(timer);
		},
		[lifetimeMs],
	);
	useEffect(() => host.events.on('notice', ({level, text}) => push(level, text)), [host, push]);
	useEffect(() => () => timers.current.forEach((timer) => clearTimeout(timer)), []);
	return {notice: notices.at(-1), push};
}
