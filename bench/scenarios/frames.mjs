/**
 * frames: the wallboard at 1920×1080 in Chromium while the server streams 10 stage changes a
 * second (every 10th a win, so the leaderboard moves too). In the page: long tasks from a
 * PerformanceObserver and frame times from a requestAnimationFrame loop; from CDP, the
 * renderer's cumulative script time, sampled every 100 ms (about one update per sample). First
 * the same page for 10 s with nothing sent: the floor the updates are compared with; then the
 * updates without wins: the board alone, no celebration over it. Last the same updates with
 * motion reduced: what the animations cost apart from the updates.
 */
import { nowMs, sleep } from '../lib/clock.mjs';
import { openWallboard } from '../lib/browser.mjs';
import { COMPOSITOR_FRAME_CATEGORIES, compositorFrames } from '../lib/compositor-frames.mjs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { summarizeProfile } from '../lib/profile-summary.mjs';
import { round, summarize } from '../lib/stats.mjs';

const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'cc', 'viz', 'gpu', 'benchmark'];

async function sendChanges(ctx, { rate, durationSec }) {
  const startedAt = nowMs();
  const total = Math.round(rate * durationSec);
  const pending = [];
  let ok = 0;
  for (let i = 0; i < total; i++) {
    const wait = startedAt + (i * 1000) / rate - nowMs();
    if (wait > 0) await sleep(wait);
    const change = ctx.serverPlan.acquire();
    if (!change) continue;
    pending.push(
      ctx.server.http.post(`/api/deals/${change.dealId}/stage`, change.body).then((res) => {
        const applied = res.status >= 200 && res.status < 300;
        ctx.serverPlan.release(change, applied);
        if (applied) ok++;
      }),
    );
  }
  await Promise.all(pending);
  return ok;
}

/** Frames missed: each gap of k refresh periods hides k − 1 frames; the period is the median gap. */
function dropped(timestamps) {
  const gaps = timestamps.slice(1).map((t, i) => t - timestamps[i]);
  const period = summarize(gaps).p50 ?? 1000 / 60;
  const missed = gaps.reduce((n, gap) => n + Math.max(0, Math.round(gap / period) - 1), 0);
  return { frames: timestamps.length, periodMs: round(period), missed, droppedPct: gaps.length ? round((100 * missed) / (gaps.length + missed)) : null };
}

export async function frames(ctx) {
  const { rate, durationSec } = ctx.sizes.frames;
  const { page, context } = await openWallboard(ctx.server.baseUrl);
  try {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.evaluate(() => {
      const bench = (window.__bench = { longTasks: [], frames: [], run: 0 });
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) bench.longTasks.push(entry.duration);
      }).observe({ type: 'longtask' });
      // One requestAnimationFrame loop per phase: a new phase's loop ends the previous one's, so
      // no frame is counted twice. A phase without the loop counts only long tasks.
      bench.start = (frameLoop = true) => {
        const run = ++bench.run;
        bench.longTasks = [];
        bench.frames = [];
        const loop = (t) => {
          if (bench.run !== run) return;
          bench.frames.push(t);
          if (bench.frames.length < 100_000) requestAnimationFrame(loop);
        };
        if (frameLoop) requestAnimationFrame(loop);
      };
      bench.end = () => {
        bench.run++;
        return { longTasks: bench.longTasks, frames: bench.frames };
      };
      bench.start();
    });

    const samples = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling && samples.length < 20_000) {
        const { metrics } = await cdp.send('Performance.getMetrics');
        samples.push(Object.fromEntries(metrics.map((m) => [m.name, m.value])));
        await sleep(100);
      }
    })();
    await ctx.quiet();
    // The floor: the same page with nothing changing (its clock, its scenes) for a while first.
    // What it drops and stalls is the browser's and the machine's, not the updates'.
    const idleSec = Math.min(10, durationSec);
    await sleep(idleSec * 1000);
    const idle = await page.evaluate(() => window.__bench.end());
    // Phases besides the main one, each measured the same way (frames and long tasks in the page,
    // CDP's main-thread counters per update).
    const phaseSec = Math.min(15, durationSec);
    const counters = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    const phase = async ({ name, winEvery, frameLoop = true }) => {
      await ctx.quiet();
      await page.evaluate((loop) => window.__bench.start(loop), frameLoop);
      const from = await counters();
      ctx.serverPlan.winEvery = winEvery;
      const { result: phaseApplied, compositor } = await traced(name, async () => {
        const sent = await sendChanges(ctx, { rate, durationSec: phaseSec });
        await sleep(500);
        return sent;
      });
      ctx.serverPlan.winEvery = 0;
      const to = await counters();
      const phaseInPage = await page.evaluate(() => window.__bench.end());
      const perUpdate = (name) => (phaseApplied ? round(((to[name] - from[name]) * 1000) / phaseApplied) : null);
      return {
        durationSec: phaseSec,
        updatesApplied: phaseApplied,
        longTasks: phaseInPage.longTasks.length,
        frame: frameLoop ? dropped(phaseInPage.frames) : null,
        compositor,
        mainThreadMsPerUpdate: {
          task: perUpdate('TaskDuration'),
          script: perUpdate('ScriptDuration'),
          style: perUpdate('RecalcStyleDuration'),
          layout: perUpdate('LayoutDuration'),
        },
      };
    };
    // Every measured phase is traced with the categories of the compositor's frame reporter (light:
    // one event per frame), for its count of the frames shown (bench/lib/compositor-frames.mjs).
    // BENCH_TRACE_DIR: instead a full Chromium performance trace of each phase (paint, raster,
    // compositing by thread), written there for DevTools or bench/lib/trace-summary.mjs. It slows
    // the page, so a run that traces so is for reading, not for the record.
    const traced = async (name, work) => {
      const dir = process.env.BENCH_TRACE_DIR;
      const path = dir ? join(dir, `frames-${name}-${Date.now()}.json`) : undefined;
      const categories = dir ? TRACE_CATEGORIES : COMPOSITOR_FRAME_CATEGORIES;
      await context.browser().startTracing(page, { path, screenshots: false, categories });
      let result;
      let trace;
      try {
        result = await work();
      } finally {
        trace = await context.browser().stopTracing();
      }
      const parsed = JSON.parse(trace.toString('utf8'));
      return { result, compositor: compositorFrames(Array.isArray(parsed) ? parsed : parsed.traceEvents) };
    };
    // The board alone: the same updates without wins, so no celebration covers the board. Under
    // one the board holds still, and the main phase, with a win a second, measures mostly the
    // celebrations (each on screen 7 s, so one always is).
    const boardAlone = await phase({ name: 'board-alone', winEvery: 0 });
    await page.evaluate(() => window.__bench.start());
    const sampledFrom = samples.length - 1;
    const meter = ctx.meter('browser');
    ctx.serverPlan.winEvery = 10;
    // With --profile, the page's own CPU profile (read it against an unminified client build).
    if (ctx.profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const { result: applied, compositor } = await traced('with-wins', () => sendChanges(ctx, { rate, durationSec }));
    ctx.serverPlan.winEvery = 0;
    if (ctx.profile) {
      const { profile } = await cdp.send('Profiler.stop');
      ctx.profiles['frames/page'] = summarizeProfile(profile);
      if (process.env.BENCH_PROFILE_DIR) writeFileSync(join(process.env.BENCH_PROFILE_DIR, `page-${Date.now()}.cpuprofile`), JSON.stringify(profile));
    }
    await sleep(500); // the last update's render
    sampling = false;
    await sampler;
    const cpu = meter.stop();
    const inPage = await page.evaluate(() => window.__bench.end());
    // The same updates with their wins and no frame loop in the page: the frames a TV shows when
    // nothing asks for a main-thread frame at every refresh, counted by the compositor alone.
    const withoutFrameLoop = await phase({ name: 'without-frame-loop', winEvery: 10, frameLoop: false });
    const shownSeq = Number(await page.getAttribute('[data-testid="head-seq"]', 'data-seq'));
    const head = await ctx.server.head();

    // The same updates with their wins and motion reduced (the page's own prefers-reduced-motion
    // rules: no glides, no confetti, no fades): what the updates cost without the animations, which
    // this headless Chromium composites and rasterises in software on the same two cores as the rest.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const reducedMotion = await phase({ name: 'motion-reduced', winEvery: 10 });

    const updating = samples.slice(Math.max(0, sampledFrom));
    const scriptMs = updating.slice(1).map((s, i) => (s.ScriptDuration - updating[i].ScriptDuration) * 1000);
    const script = summarize(scriptMs);
    const totalScriptMs = scriptMs.reduce((n, v) => n + v, 0);
    const frameStats = dropped(inPage.frames);
    // Where the renderer's main thread went per update, from the same CDP counters (ms).
    const spent = (name) => (updating.length > 1 && applied ? round(((updating.at(-1)[name] - updating[0][name]) * 1000) / applied) : null);
    const mainThreadMsPerUpdate = {
      task: spent('TaskDuration'),
      script: spent('ScriptDuration'),
      style: spent('RecalcStyleDuration'),
      layout: spent('LayoutDuration'),
    };
    return {
      viewport: '1920x1080',
      updatesPerSec: rate,
      durationSec,
      updatesApplied: applied,
      p95ScriptMs: round(script.p95),
      scriptMsPerUpdate: applied ? round(totalScriptMs / applied) : null,
      mainThreadMsPerUpdate,
      longTasks: inPage.longTasks.length,
      longTaskMaxMs: round(summarize(inPage.longTasks).max),
      droppedPct: frameStats.droppedPct,
      frame: frameStats,
      compositor,
      idle: { durationSec: idleSec, longTasks: idle.longTasks.length, frame: dropped(idle.frames) },
      boardAlone,
      withoutFrameLoop,
      reducedMotion,
      caughtUp: shownSeq >= head,
      notes: ['p95ScriptMs is the p95 of CDP ScriptDuration per ~100 ms sample, i.e. per update at 10 updates/s'],
      cpu: { browser: cpu },
    };
  } finally {
    await context.close();
  }
}
