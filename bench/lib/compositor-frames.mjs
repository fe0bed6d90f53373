/**
 * Frames as the page's compositor reported them, from the `PipelineReporter` events Chromium
 * writes to a trace (category `benchmark`): one or more per refresh (`frame_sequence`) of the
 * page's compositor, each with how it ended, and whether its content mattered for smoothness (an
 * animation or an update was under way).
 *
 * A requestAnimationFrame loop in the page counts main-thread frames, and by asking for one at
 * every refresh it makes the page run a main-thread frame at every refresh. A TV with nothing in
 * the page asking for frames leaves what the compositor can draw alone (transform and opacity
 * animations) to the compositor, so a refresh the main thread was late for still shows those
 * animations moving. This count is that view: a refresh is dropped when content that mattered for
 * smoothness missed it (Chromium's own notion behind its dropped-frames metric), out of every
 * refresh in the phase, those with nothing new to show included.
 */

/** The tracing categories that carry the frame reporter's events. */
export const COMPOSITOR_FRAME_CATEGORIES = ['benchmark'];

/**
 * Counts from a trace's events. The page's renderer is the renderer process with the most
 * reported refreshes (the browser process's own compositor reports frames too, and is not the page).
 */
export function compositorFrames(events) {
  const renderers = new Set(events.filter((e) => e.ph === 'M' && e.name === 'process_name' && e.args?.name === 'Renderer').map((e) => e.pid));
  const byPid = new Map();
  for (const e of events) {
    if (e.name !== 'PipelineReporter' || e.ph !== 'b' || !renderers.has(e.pid)) continue;
    const report = e.args?.frame_reporter ?? e.args?.chrome_frame_reporter;
    if (!report?.state || report.frame_sequence === undefined) continue;
    if (!byPid.has(e.pid)) byPid.set(e.pid, new Map());
    const refreshes = byPid.get(e.pid);
    const dropped = report.state === 'STATE_DROPPED' && report.affects_smoothness === true;
    refreshes.set(report.frame_sequence, (refreshes.get(report.frame_sequence) ?? false) || dropped);
  }
  const refreshes = [...byPid.values()].sort((a, b) => b.size - a.size)[0] ?? new Map();
  if (refreshes.size === 0) return { refreshes: 0, dropped: 0, droppedPct: null };
  const sequences = [...refreshes.keys()];
  // Refreshes with no report at all had nothing to draw: shown as they were, not dropped.
  const span = Math.max(...sequences) - Math.min(...sequences) + 1;
  const dropped = [...refreshes.values()].filter(Boolean).length;
  return { refreshes: span, dropped, droppedPct: Math.round((10_000 * dropped) / span) / 100 };
}
