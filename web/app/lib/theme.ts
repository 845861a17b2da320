/**
 * Light or dark: the system's choice unless the person picked one (kept on this device).
 * `THEME_SCRIPT` runs inline in <head> before the first paint (no flash of the wrong theme)
 * and sets `<html data-theme>`, which the stylesheet's dark palette keys on.
 */
import { useCallback, useEffect, useState } from 'react';

export type Theme = 'light' | 'dark';
const KEY = 'edge-chat:theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

export const THEME_SCRIPT = `try{var t=localStorage.getItem(${JSON.stringify(KEY)});document.documentElement.dataset.theme=t==='dark'||t==='light'?t:matchMedia(${JSON.stringify(DARK_QUERY)}).matches?'dark':'light'}catch(e){}`;

function chosen(): Theme | null {
  try {
    const t = localStorage.getItem(KEY);
    return t === 'dark' || t === 'light' ? t : null;
  } catch {
    return null;
  }
}

const system = (): Theme => (window.matchMedia(DARK_QUERY).matches ? 'dark' : 'light');

export function useTheme(): { theme: Theme; setTheme(theme: Theme): void } {
  const [theme, setState] = useState<Theme>(() => (typeof document === 'undefined' ? 'light' : ((document.documentElement.dataset.theme as Theme) ?? 'light')));

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  // Following the system until a choice is made.
  useEffect(() => {
    const query = window.matchMedia(DARK_QUERY);
    const follow = () => {
      if (!chosen()) setState(system());
    };
    query.addEventListener('change', follow);
    return () => query.removeEventListener('change', follow);
  }, []);

  const setTheme = useCallback((next: Theme) => {
    try {
      localStorage.setItem(KEY, next);
    } catch {
      // not kept: this page still switches
    }
    setState(next);
  }, []);

  return { theme, setTheme };
}
