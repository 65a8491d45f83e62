import {useEffect, useState} from 'react';

/** The current time, refreshed every `intervalMs` (ages and countdowns). */
export function useNow(intervalMs = 1000): number {
	const [now, setNow] = useState(() => Date.now());
	useEffect(() => {
		const timer = setInterval(() => setNow(Date.now()), intervalMs);
		timer.unref?.();
		return () => clearInterval(timer);
	}, [intervalMs]);
	return now;
}
