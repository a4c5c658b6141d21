// Live data by polling: the first load at once, the next one `intervalMs` after each answer (never
// two at a time), paused while the tab is hidden. The last good data stays on screen through a
// failed poll, with the error beside it.
import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * @param {() => Promise<any>} load
 * @param {number} intervalMs
 * @param {unknown[]} deps
 */
export function usePolling(load, intervalMs, deps) {
  const [state, setState] = useState({ data: null, error: null, updatedAt: null });
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let live = true;
    let timer;
    const tick = async () => {
      if (document.hidden) return void (timer = setTimeout(tick, intervalMs));
      try {
        const data = await loadRef.current();
        if (live) setState({ data, error: null, updatedAt: new Date() });
      } catch (error) {
        if (live) setState((previous) => ({ ...previous, error }));
      }
      if (live) timer = setTimeout(tick, intervalMs);
    };
    void tick();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, deps);
  return state;
}
