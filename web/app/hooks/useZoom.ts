/**
 * Zoom of a picture in the viewer: buttons, the wheel, a two-finger pinch and a double-click
 * (fit ↔ 2×). The scale widens the picture inside a scrolling stage, so a zoomed picture is
 * panned by scrolling or dragging like any page.
 */
import { useCallback, useRef, useState, type PointerEvent, type WheelEvent } from 'react';

export const MIN_ZOOM = 1;
export const MAX_ZOOM = 4;
const STEP = 1.5;

const clamp = (z: number) => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, Math.round(z * 100) / 100));

export function useZoom() {
  const [zoom, setZoom] = useState(MIN_ZOOM);
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const pinchFrom = useRef<{ distance: number; zoom: number } | null>(null);

  const zoomIn = useCallback(() => setZoom((z) => clamp(z * STEP)), []);
  const zoomOut = useCallback(() => setZoom((z) => clamp(z / STEP)), []);
  const reset = useCallback(() => setZoom(MIN_ZOOM), []);
  const toggle = useCallback(() => setZoom((z) => (z > MIN_ZOOM ? MIN_ZOOM : 2)), []);

  const onWheel = useCallback((e: WheelEvent) => {
    if (e.deltaY === 0) return;
    setZoom((z) => clamp(z * (e.deltaY < 0 ? 1.1 : 1 / 1.1)));
  }, []);

  const distance = () => {
    const [a, b] = [...pointers.current.values()];
    return a && b ? Math.hypot(a.x - b.x, a.y - b.y) : 0;
  };
  const onPointerDown = useCallback((e: PointerEvent) => {
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pointers.current.size === 2) pinchFrom.current = { distance: distance(), zoom };
  }, [zoom]);
  const onPointerMove = useCallback((e: PointerEvent) => {
    if (!pointers.current.has(e.pointerId)) return;
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    const from = pinchFrom.current;
    if (from && from.distance > 0) setZoom(clamp((from.zoom * distance()) / from.distance));
  }, []);
  const onPointerUp = useCallback((e: PointerEvent) => {
    pointers.current.delete(e.pointerId);
    if (pointers.current.size < 2) pinchFrom.current = null;
  }, []);

  return {
    zoom,
    zoomIn,
    zoomOut,
    reset,
    toggle,
    handlers: { onWheel, onPointerDown, onPointerMove, onPointerUp, onPointerCancel: onPointerUp, onDoubleClick: toggle },
  };
}
