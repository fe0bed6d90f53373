/**
 * The dashboard as one PNG, as it is on screen: the page's element is drawn through an SVG
 * foreignObject (html-to-image), so the KPI cards, the charts (ECharts canvases become images),
 * the forecast and funnel bars and the leaderboard all come out as the person sees them.
 * Loaded on demand: neither the dashboard's first load nor the wallboard carries it.
 */
import { toBlob } from 'html-to-image';

/** Elements marked `data-png-skip` (the export menu, the filters, the quota form) are left out of the picture. */
export const PNG_SKIP = 'pngSkip';

/** Twice the CSS pixels: sharp on a slide or a retina screen, still a few hundred kilobytes. */
const PIXEL_RATIO = 2;

export async function captureViewPng(root: HTMLElement): Promise<Blob> {
  const background = getComputedStyle(document.body).backgroundColor || '#ffffff';
  const blob = await toBlob(root, {
    pixelRatio: PIXEL_RATIO,
    backgroundColor: background,
    // Left out: what is marked so, and tooltips the pointer happens to have opened.
    filter: (node) => !(node instanceof HTMLElement && (PNG_SKIP in node.dataset || node.getAttribute('role') === 'tooltip')),
    // The copy is sized to the element's box: with its padding inside that box, and no centring
    // margin, it lays out exactly as on screen instead of overflowing the picture's right edge.
    style: { margin: '0', boxSizing: 'border-box' },
    // The page's own stylesheets hold no web fonts to fetch; skipping the lookup keeps it offline.
    skipFonts: true,
  });
  if (!blob) throw new Error('the browser made no PNG of the page');
  return blob;
}
