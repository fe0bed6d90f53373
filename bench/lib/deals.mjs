/**
 * The stage changes every scenario sends: real deals of the seeded organisation, each moved to
 * the next open stage (optionally every n-th one won, later reopened), never two changes of one
 * deal in flight at once, so no request waits on another's row lock or is refused with 409.
 */

/** The open deals of the seeded organisation, topped up over REST to at least `minimum`. */
export async function loadDeals(http, minimum) {
  const stagesRes = await http.get('/api/stages');
  if (stagesRes.status !== 200) throw new Error(`GET /api/stages: ${stagesRes.status}`);
  const stages = stagesRes.json;
  const open = stages.filter((s) => s.kind === 'open').map((s) => s.key);
  const won = stages.find((s) => s.kind === 'won')?.key ?? null;
  const deals = [];
  for (const stage of open) {
    const res = await http.get(`/api/deals?stage=${encodeURIComponent(stage)}`);
    if (res.status !== 200) throw new Error(`GET /api/deals: ${res.status} ${res.text}`);
    deals.push(...res.json);
  }
  if (deals.length < minimum) {
    const reps = (await http.get('/api/reps')).json ?? [];
    if (!reps.length) throw new Error('no reps to own new deals: is DEMO_DATA on?');
    for (let i = deals.length; i < minimum; i++) {
      const res = await http.post('/api/deals', { name: `Bench deal ${i}`, ownerId: reps[i % reps.length].id, amount: String(1_000_000 + i * 1000) });
      if (res.status !== 201 && res.status !== 200) throw new Error(`POST /api/deals: ${res.status} ${res.text}`);
      deals.push(res.json);
    }
  }
  return { deals, open, won };
}

/** The payload the server emits for a stage change, rebuilt for the reference server. */
export function stagePayload(deal, from, to) {
  const at = new Date().toISOString();
  return { deal: { ...deal, stage: to, stageEnteredAt: at, updatedAt: at, closedAt: null }, from, to };
}

/**
 * A queue of idle deals. `acquire()` takes one and says what to change it to; `release()`
 * puts it back, at its new stage when the change was applied. A deal whose change failed is
 * retired: its stage is no longer known for sure.
 */
export function changePlan({ deals, open, won }, { winEvery = 0 } = {}) {
  const idle = deals.map((deal) => ({ deal, stage: deal.stage }));
  let count = 0;
  return {
    get idle() {
      return idle.length;
    },
    /** Every n-th change a win (0: never): wins also move the leaderboard, as on a real floor. */
    set winEvery(n) {
      winEvery = n;
    },
    acquire() {
      const slot = idle.shift();
      if (!slot) return null;
      count++;
      let to;
      let reopen = false;
      if (!open.includes(slot.stage)) {
        to = open[0];
        reopen = true;
      } else if (winEvery && won && count % winEvery === 0) {
        to = won;
      } else {
        to = open[(open.indexOf(slot.stage) + 1) % open.length];
      }
      return {
        slot,
        dealId: slot.deal.id,
        from: slot.stage,
        to,
        body: reopen ? { stage: to, reopen: true } : { stage: to },
        key: `${slot.deal.id}>${to}`,
        payload: stagePayload(slot.deal, slot.stage, to),
      };
    },
    release(change, applied) {
      if (!applied) return;
      change.slot.stage = change.to;
      idle.push(change.slot);
    },
  };
}

/** Copies for a second target: the reference keeps its own idea of each deal's stage. */
export function clonePlanInput(input) {
  return { ...input, deals: input.deals.map((d) => ({ ...d })) };
}
