/**
 * Whether a page's text can be read: no text cut by a box that hides its overflow (or by the
 * screen's edge), no ellipsis, and no two pieces of text drawn over each other. Works on the DOM's
 * text nodes; text drawn on a canvas (ECharts) is not seen here.
 */
import type { Page } from '@playwright/test';

export interface TextProblem {
  kind: 'clipped' | 'ellipsis' | 'overlap';
  text: string;
  /** For an overlap: the other text. */
  other?: string;
  detail: string;
}

/**
 * Every text problem under `rootSelector`. Text that is wholly hidden (outside the box that clips
 * it, `display: none`, transparent, visually hidden for screen readers) is not on screen and is
 * skipped; text partly outside its clipping box is `clipped`.
 *
 * A text box is the font's content area, which is taller than the glyphs (room for accents and
 * descenders): boxes are compared with `trim` of their height taken off top and bottom, so two
 * lines set tight are not an overlap, while text drawn over text is.
 */
export function textLayoutProblems(page: Page, rootSelector = 'body', trim = 0.15): Promise<TextProblem[]> {
  return page.evaluate(
    ({ rootSelector, trim }) => {
      type Box = { left: number; top: number; right: number; bottom: number };
      const problems: { kind: 'clipped' | 'ellipsis' | 'overlap'; text: string; other?: string; detail: string }[] = [];
      const root = document.querySelector(rootSelector);
      if (!root) return [{ kind: 'clipped' as const, text: '', detail: `no element matches ${rootSelector}` }];
      const round = (box: Box) => `${Math.round(box.left)},${Math.round(box.top)} → ${Math.round(box.right)},${Math.round(box.bottom)}`;

      function invisible(element: Element): boolean {
        for (let node: Element | null = element; node; node = node.parentElement) {
          const style = getComputedStyle(node);
          if (style.display === 'none' || style.visibility === 'hidden' || Number(style.opacity) === 0) return true;
          // The visually-hidden pattern: a 1 px box clipped away, there for screen readers only.
          if (style.clipPath !== 'none' && node.getBoundingClientRect().width <= 1) return true;
        }
        return false;
      }

      /** The boxes that clip `element`'s content: every ancestor whose overflow is not visible, and the viewport. */
      function clipBoxes(element: Element): { box: Box; by: string }[] {
        const boxes = [{ box: { left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight }, by: 'the screen' }];
        for (let node: Element | null = element; node; node = node.parentElement) {
          const style = getComputedStyle(node);
          if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
          const rect = node.getBoundingClientRect();
          const left = rect.left + node.clientLeft;
          const top = rect.top + node.clientTop;
          boxes.push({
            box: { left, top, right: left + node.clientWidth, bottom: top + node.clientHeight },
            by: `${node.tagName.toLowerCase()}.${[...node.classList].join('.')}`,
          });
        }
        return boxes;
      }

      const pieces: { text: string; element: Element; boxes: Box[] }[] = [];
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent?.trim() ?? '';
        const element = node.parentElement;
        if (!text || !element || invisible(element)) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const boxes = [...range.getClientRects()]
          .filter((rect) => rect.width > 0.5 && rect.height > 0.5)
          .map((r) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom }));
        if (boxes.length === 0) continue;
        const whole = {
          left: Math.min(...boxes.map((b) => b.left)),
          top: Math.min(...boxes.map((b) => b.top)),
          right: Math.max(...boxes.map((b) => b.right)),
          bottom: Math.max(...boxes.map((b) => b.bottom)),
        };
        // Wholly outside any box that shows it: not on screen at all (decided before any cut is reported).
        const clips = clipBoxes(element);
        const outside = (box: Box) => whole.right <= box.left + 1 || whole.left >= box.right - 1 || whole.bottom <= box.top + 1 || whole.top >= box.bottom - 1;
        const hidden = clips.some(({ box }) => outside(box));
        if (!hidden) {
          const inset = (whole.bottom - whole.top) * trim;
          for (const { box, by } of clips) {
            const cut = whole.left < box.left - 1 || whole.right > box.right + 1 || whole.top + inset < box.top - 1 || whole.bottom - inset > box.bottom + 1;
            if (cut) problems.push({ kind: 'clipped', text, detail: `text at ${round(whole)} is cut by ${by} at ${round(box)}` });
          }
        }
        if (hidden) continue;
        const style = getComputedStyle(element);
        if (style.textOverflow === 'ellipsis' && element.scrollWidth > element.clientWidth + 1)
          problems.push({ kind: 'ellipsis', text, detail: `ends in an ellipsis (${element.scrollWidth} px of text in ${element.clientWidth} px)` });
        pieces.push({ text, element, boxes });
      }

      const shrink = (box: Box): Box => {
        const inset = (box.bottom - box.top) * trim;
        return { left: box.left + 1, right: box.right - 1, top: box.top + inset, bottom: box.bottom - inset };
      };
      for (let i = 0; i < pieces.length; i++) {
        for (let j = i + 1; j < pieces.length; j++) {
          const hit = pieces[i].boxes.some((a) =>
            pieces[j].boxes.some((b) => {
              const [x, y] = [shrink(a), shrink(b)];
              return x.left < y.right && y.left < x.right && x.top < y.bottom && y.top < x.bottom;
            }),
          );
          if (hit) problems.push({ kind: 'overlap', text: pieces[i].text, other: pieces[j].text, detail: `drawn over each other` });
        }
      }
      return problems;
    },
    { rootSelector, trim },
  );
}

/**
 * Waits until the layout is at rest: no CSS transition or animation running, and the fitted names
 * (and the window) unchanged for three frames in a row. A name fits itself in steps, each after a
 * frame's ResizeObserver report, so a fixed number of frames is not enough after a resize.
 */
export async function waitForRest(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    document.getAnimations().every((animation) => animation.playState !== 'running' || (animation.effect?.getComputedTiming().iterations ?? 1) === Infinity),
  );
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const shape = () =>
          [
            `${window.innerWidth}x${window.innerHeight}`,
            ...[...document.querySelectorAll('.fit-name')].map((name) => {
              const box = name.getBoundingClientRect();
              return `${name.getAttribute('data-form')} ${Math.round(box.width)}x${Math.round(box.height)} ${getComputedStyle(name.firstElementChild ?? name).fontSize}`;
            }),
          ].join('|');
        let last = shape();
        let still = 0;
        const frame = () => {
          const now = shape();
          still = now === last ? still + 1 : 0;
          last = now;
          if (still >= 3) resolve();
          else requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      }),
  );
}
