/** Pictures for browser tests. */
import type { Page } from 'playwright-core';

/** A real picture, drawn by the page's own canvas (so the browser can decode it for a thumbnail). */
export async function drawPng(page: Page, width: number, height: number, hue: number): Promise<Buffer> {
  const base64 = await page.evaluate(
    ({ width, height, hue }) => {
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = `hsl(${hue} 70% 55%)`;
      ctx.fillRect(0, 0, width, height);
      ctx.fillStyle = '#fff';
      ctx.beginPath();
      ctx.arc(width / 2, height / 2, Math.min(width, height) / 3, 0, Math.PI * 2);
      ctx.fill();
      return canvas.toDataURL('image/png').split(',')[1]!;
    },
    { width, height, hue },
  );
  return Buffer.from(base64, 'base64');
}
