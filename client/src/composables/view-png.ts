/**
 * The dashboard as one PNG: title, filters, the KPI figures and every ECharts chart on the page,
 * drawn on a canvas. Loaded on demand (the dashboard imports it when someone asks for a PNG), so
 * neither the dashboard's first load nor the wallboard carries it.
 */
import { getInstanceByDom } from 'echarts/core';

export interface PngCard {
  label: string;
  value: string;
  detail?: string;
}

export interface ViewPicture {
  title: string;
  subtitle: string;
  cards: PngCard[];
  /** Where the charts are: every element ECharts was initialised on inside it is drawn. */
  root: ParentNode;
  footer: string;
}

const WIDTH = 1400;
const PAD = 40;
const CARD_COLUMNS = 4;
const CARD_GAP = 16;
const CARD_HEIGHT = 112;
const SCALE = 2;

interface Chart {
  title: string;
  image: HTMLCanvasElement;
  /** Height in layout pixels at WIDTH − 2·PAD wide. */
  height: number;
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** Each chart as a canvas of its own: ECharts renders it again at our scale, on the panel colour. */
function chartsIn(root: ParentNode, background: string): Chart[] {
  const width = WIDTH - 2 * PAD;
  const charts: Chart[] = [];
  for (const element of root.querySelectorAll<HTMLElement>('[_echarts_instance_]')) {
    const instance = getInstanceByDom(element);
    if (!instance || instance.isDisposed() || instance.getWidth() === 0) continue;
    const image = instance.renderToCanvas({ pixelRatio: SCALE, backgroundColor: background });
    const title = element.closest('section')?.querySelector('h2')?.textContent?.trim() ?? '';
    charts.push({ title, image, height: Math.round((width * instance.getHeight()) / instance.getWidth()) });
  }
  return charts;
}

/** Cuts `text` to fit `width`, with an ellipsis. */
function fit(context: CanvasRenderingContext2D, text: string, width: number): string {
  if (context.measureText(text).width <= width) return text;
  let cut = text;
  while (cut.length > 1 && context.measureText(`${cut}…`).width > width) cut = cut.slice(0, -1);
  return `${cut}…`;
}

export function composeViewPng(picture: ViewPicture): Promise<Blob> {
  const colors = {
    page: cssVar('--page', '#f3f5f8'),
    panel: cssVar('--panel', '#ffffff'),
    text: cssVar('--text', '#1f2328'),
    muted: cssVar('--text-muted', '#57606a'),
    divider: cssVar('--divider', '#d8dee4'),
  };
  const font = getComputedStyle(document.documentElement).fontFamily || 'sans-serif';
  const charts = chartsIn(picture.root, colors.panel);

  const cardRows = Math.ceil(picture.cards.length / CARD_COLUMNS);
  const cardsHeight = cardRows * CARD_HEIGHT + Math.max(0, cardRows - 1) * CARD_GAP;
  const chartsHeight = charts.reduce((total, chart) => total + 40 + chart.height + 24, 0);
  const height = PAD + 44 + 32 + 24 + cardsHeight + 32 + chartsHeight + 40 + PAD;

  const canvas = document.createElement('canvas');
  canvas.width = WIDTH * SCALE;
  canvas.height = height * SCALE;
  const context = canvas.getContext('2d');
  if (!context) return Promise.reject(new Error('this browser cannot draw on a canvas'));
  context.scale(SCALE, SCALE);
  context.textBaseline = 'top';

  context.fillStyle = colors.page;
  context.fillRect(0, 0, WIDTH, height);

  let y = PAD;
  context.fillStyle = colors.text;
  context.font = `700 32px ${font}`;
  context.fillText(fit(context, picture.title, WIDTH - 2 * PAD), PAD, y);
  y += 44;
  context.fillStyle = colors.muted;
  context.font = `400 18px ${font}`;
  context.fillText(fit(context, picture.subtitle, WIDTH - 2 * PAD), PAD, y);
  y += 32 + 24;

  const cardWidth = (WIDTH - 2 * PAD - (CARD_COLUMNS - 1) * CARD_GAP) / CARD_COLUMNS;
  picture.cards.forEach((card, index) => {
    const x = PAD + (index % CARD_COLUMNS) * (cardWidth + CARD_GAP);
    const top = y + Math.floor(index / CARD_COLUMNS) * (CARD_HEIGHT + CARD_GAP);
    context.fillStyle = colors.panel;
    context.strokeStyle = colors.divider;
    context.beginPath();
    context.roundRect(x, top, cardWidth, CARD_HEIGHT, 12);
    context.fill();
    context.stroke();
    const inner = cardWidth - 32;
    context.fillStyle = colors.muted;
    context.font = `600 15px ${font}`;
    context.fillText(fit(context, card.label, inner), x + 16, top + 16);
    context.fillStyle = colors.text;
    context.font = `700 30px ${font}`;
    context.fillText(fit(context, card.value, inner), x + 16, top + 40);
    if (card.detail) {
      context.fillStyle = colors.muted;
      context.font = `400 13px ${font}`;
      context.fillText(fit(context, card.detail, inner), x + 16, top + 82);
    }
  });
  y += cardsHeight + 32;

  for (const chart of charts) {
    context.fillStyle = colors.panel;
    context.fillRect(PAD - 12, y - 12, WIDTH - 2 * PAD + 24, 40 + chart.height + 12);
    context.fillStyle = colors.text;
    context.font = `700 18px ${font}`;
    context.fillText(fit(context, chart.title, WIDTH - 2 * PAD), PAD, y);
    context.drawImage(chart.image, PAD, y + 40, WIDTH - 2 * PAD, chart.height);
    y += 40 + chart.height + 24;
  }

  context.fillStyle = colors.muted;
  context.font = `400 13px ${font}`;
  context.fillText(picture.footer, PAD, y + 8);

  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the browser made no PNG of the canvas'))), 'image/png'),
  );
}
