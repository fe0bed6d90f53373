import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stage changes as one statement (issue #17). `deal_change_stage` makes one change: claims its
 * request's Idempotency-Key, locks the deal, checks the caller's write rights and the stage
 * rules, moves it, writes its stage-history row, stores the idempotent answer and returns the
 * event's type and the deal as the API shows it. `deal_change_stages` makes several requests'
 * changes in one transaction (group commit) and appends their events, taking the seqs last so
 * the counter stays locked only until the statement's own commit. One round trip for a request
 * instead of eight, and plans PostgreSQL prepares once per connection.
 *
 * A refusal raises inside the change's own subtransaction, so it rolls back alone (an
 * Idempotency-Key is never claimed by a refused change) and is answered as
 * `{ refused: SQLSTATE, message, detail }`; DealCommands turns each SQLSTATE into its 4xx:
 *   SB001 the Idempotency-Key is taken   SB404 no such deal   SB403 not the caller's to change
 *   SB409 already in that stage          SB410 leaving won/lost without reopen   SB400 unknown stage
 *   SB422 the deal's currency has no exchange rate today (it converts at today's rate, closed or open)
 *
 * The deal's JSON repeats deal.query.ts (DEAL_SELECT, DEAL_TEAM_SQL, mapDeal) in SQL; the
 * test deal-change-stage.e2e-spec.ts holds the two equal, so a change to one fails until the
 * other follows (in a new migration replacing this function).
 */
export class DealChangeStage1765200000000 implements MigrationInterface {
  name = 'DealChangeStage1765200000000';

  async up(q: QueryRunner): Promise<void> {
    // JavaScript's toISOString: milliseconds, UTC, a Z. to_char truncates to the millisecond as
    // node-postgres does when it reads a timestamptz into a Date.
    await q.query(`
      CREATE OR REPLACE FUNCTION sb_iso(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
        $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION deal_change_stage(
        p_deal uuid, p_to text, p_reopen boolean,
        p_write_any boolean, p_write_rep uuid, p_write_teams uuid[],
        p_source text, p_request_id text, p_actor_kind text, p_actor_id text, p_actor_name text,
        p_key text, p_key_scope text, p_key_caller text, p_key_body_hash text, p_key_ttl_hours int,
        p_at timestamptz)
      RETURNS json LANGUAGE plpgsql AS $fn$
      DECLARE
        rec deals%ROWTYPE;
        v_team uuid;
        v_territory uuid;
        v_from_kind text;
        v_to_kind text;
        v_type text;
        v_deal json;
        -- The application's clock, as every other write path dates its rows (tests move it).
        v_now timestamptz := p_at;
        v_org_currency text;
        v_day date;
      BEGIN
        IF p_key IS NOT NULL THEN
          INSERT INTO idempotency_keys (key, scope, caller, body_hash) VALUES (p_key, p_key_scope, p_key_caller, p_key_body_hash)
          ON CONFLICT (key, scope, caller) DO UPDATE SET body_hash = EXCLUDED.body_hash, response = NULL, created_at = now()
            WHERE idempotency_keys.created_at <= now() - make_interval(hours => p_key_ttl_hours);
          IF NOT FOUND THEN
            RAISE EXCEPTION 'Idempotency-Key % is already used', p_key USING ERRCODE = 'SB001';
          END IF;
        END IF;

        SELECT * INTO rec FROM deals WHERE id = p_deal FOR UPDATE;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'no deal %', p_deal USING ERRCODE = 'SB404';
        END IF;
        SELECT CASE WHEN rec.pinned_at >= rec.closed_at AND rec.pinned_owner_id = rec.owner_id THEN rec.pinned_team_id ELSE r.team_id END,
               CASE WHEN rec.pinned_at >= rec.closed_at AND rec.pinned_owner_id = rec.owner_id THEN rec.pinned_territory_id
                    ELSE COALESCE(r.territory_id, a.territory_id) END
          INTO v_team, v_territory
          FROM reps r LEFT JOIN accounts a ON a.id = rec.account_id
         WHERE r.id = rec.owner_id;
        IF NOT COALESCE(p_write_any OR rec.owner_id = p_write_rep OR v_team = ANY (p_write_teams), false) THEN
          RAISE EXCEPTION 'deal % is not the caller''s to change', p_deal USING ERRCODE = 'SB403',
            DETAIL = json_build_object('ownerId', rec.owner_id, 'teamId', v_team, 'territoryId', v_territory)::text;
        END IF;

        SELECT kind INTO v_to_kind FROM stages WHERE key = p_to;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'no stage %', p_to USING ERRCODE = 'SB400';
        END IF;
        IF rec.stage = p_to THEN
          RAISE EXCEPTION 'deal % is already in stage %', p_deal, p_to USING ERRCODE = 'SB409';
        END IF;
        SELECT kind INTO v_from_kind FROM stages WHERE key = rec.stage;
        IF v_from_kind <> 'open' AND NOT p_reopen THEN
          RAISE EXCEPTION 'deal % is %', p_deal, v_from_kind USING ERRCODE = 'SB410', DETAIL = v_from_kind;
        END IF;
        -- Closed now or open again, the deal converts at today's rate (ExchangeRates migration):
        -- a currency without one is refused, never summed unconverted.
        SELECT trim(o.currency), (v_now AT TIME ZONE o.time_zone)::date INTO v_org_currency, v_day FROM org_currency o WHERE o.id = 1;
        IF trim(rec.currency) <> v_org_currency
           AND NOT EXISTS (SELECT 1 FROM exchange_rates x WHERE x.currency = trim(rec.currency) AND x.valid_from <= v_day) THEN
          RAISE EXCEPTION 'no exchange rate for % on %', trim(rec.currency), v_day USING ERRCODE = 'SB422',
            DETAIL = json_build_object('currency', trim(rec.currency), 'day', to_char(v_day, 'YYYY-MM-DD'))::text;
        END IF;

        UPDATE deals SET stage = p_to, stage_entered_at = v_now, closed_at = CASE WHEN v_to_kind = 'open' THEN NULL ELSE v_now END, updated_at = v_now
         WHERE id = p_deal;
        INSERT INTO stage_history (deal_id, from_stage, to_stage, amount, rep_id, at, source)
        VALUES (p_deal, rec.stage, p_to, rec.amount, rec.owner_id, v_now, p_source);

        SELECT json_build_object(
                 'id', d.id, 'source', d.source, 'externalId', d.external_id, 'name', d.name,
                 'accountId', d.account_id, 'accountName', a.name, 'productId', d.product_id,
                 'ownerId', d.owner_id, 'ownerName', r.name,
                 'teamId', CASE WHEN d.pinned_at >= d.closed_at AND d.pinned_owner_id = d.owner_id THEN d.pinned_team_id ELSE r.team_id END,
                 'territoryId', CASE WHEN d.pinned_at >= d.closed_at AND d.pinned_owner_id = d.owner_id THEN d.pinned_territory_id
                                     ELSE COALESCE(r.territory_id, a.territory_id) END,
                 'amount', d.amount::text, 'currency', trim(d.currency),
                 'amountInOrgCurrency', salesboard_in_org_currency(d.amount, d.currency, d.closed_at)::text, 'stage', d.stage,
                 'forecastCategory', COALESCE(d.forecast_override, s.forecast_category), 'forecastOverride', d.forecast_override,
                 'createdAt', sb_iso(d.created_at), 'expectedCloseDate', to_char(d.expected_close_date, 'YYYY-MM-DD'),
                 'closedAt', sb_iso(d.closed_at), 'stageEnteredAt', sb_iso(d.stage_entered_at), 'updatedAt', sb_iso(d.updated_at))
          INTO v_deal
          FROM deals d
          JOIN reps r ON r.id = d.owner_id
          JOIN stages s ON s.key = d.stage
          LEFT JOIN accounts a ON a.id = d.account_id
         WHERE d.id = p_deal;

        IF p_key IS NOT NULL THEN
          UPDATE idempotency_keys SET response = v_deal::text, status_code = 200 WHERE key = p_key AND scope = p_key_scope AND caller = p_key_caller;
        END IF;

        v_type := CASE v_to_kind WHEN 'won' THEN 'deal.won' WHEN 'lost' THEN 'deal.lost' ELSE 'deal.stageChanged' END;
        RETURN json_build_object('type', v_type, 'from', rec.stage, 'deal', v_deal);
      END
      $fn$`);
    // Group commit: several requests' changes in one transaction, one WAL flush and one turn of
    // the counter's lock for all. Each change runs in a subtransaction of its own, so a refused
    // one rolls back alone and answers its SQLSTATE; the others commit together, their events
    // appended last with consecutive seqs in the order given.
    await q.query(`
      CREATE OR REPLACE FUNCTION deal_change_stages(p_changes json, p_channel text)
      RETURNS json LANGUAGE plpgsql AS $fn$
      DECLARE
        c json;
        v_results json[] := '{}';
        v_done json[] := '{}';
        v_changes json[] := '{}';
        v_result json;
        v_state text;
        v_message text;
        v_detail text;
        v_seq bigint;
        -- The events' time as the log's default gives it, to the millisecond as JavaScript reads it back.
        v_now timestamptz := date_trunc('milliseconds', now());
      BEGIN
        FOR c IN SELECT value FROM json_array_elements(p_changes) LOOP
          BEGIN
            v_result := deal_change_stage(
              (c->>'deal')::uuid, c->>'to', (c->>'reopen')::boolean,
              (c->>'any')::boolean, (c->>'repId')::uuid, ARRAY(SELECT json_array_elements_text(c->'teamIds'))::uuid[],
              c->>'source', c->>'requestId', c->>'actorKind', c->>'actorId', c->>'actorName',
              c->>'key', c->>'keyScope', c->>'keyCaller', c->>'keyBodyHash', (c->>'keyTtlHours')::int, (c->>'at')::timestamptz);
            v_done := v_done || v_result;
            v_changes := v_changes || c;
            v_results := v_results || json_build_object('k', cardinality(v_done));
          EXCEPTION WHEN SQLSTATE 'SB001' OR SQLSTATE 'SB400' OR SQLSTATE 'SB403' OR SQLSTATE 'SB404' OR SQLSTATE 'SB409' OR SQLSTATE 'SB410' OR SQLSTATE 'SB422' THEN
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
            v_results := v_results || json_build_object('refused', v_state, 'message', v_message, 'detail', NULLIF(v_detail, ''));
          END;
        END LOOP;
        IF cardinality(v_done) = 0 THEN
          RETURN array_to_json(v_results);
        END IF;
        -- Last: the counter row stays locked from here to the commit that ends this statement.
        UPDATE event_seq SET seq = event_seq.seq + cardinality(v_done) WHERE id = 1 RETURNING event_seq.seq INTO v_seq;
        v_seq := v_seq - cardinality(v_done);
        FOR i IN 1 .. cardinality(v_done) LOOP
          INSERT INTO event_log (seq, type, at, payload, source, request_id, actor_kind, actor_id, actor_name)
          VALUES (v_seq + i, v_done[i]->>'type', v_now,
                  json_build_object('deal', v_done[i]->'deal', 'from', v_done[i]->>'from', 'to', v_changes[i]->>'to')::jsonb,
                  v_changes[i]->>'source', v_changes[i]->>'requestId', v_changes[i]->>'actorKind', v_changes[i]->>'actorId', v_changes[i]->>'actorName');
        END LOOP;
        PERFORM pg_notify(p_channel, (v_seq + cardinality(v_done))::text);
        -- Each result in the order given: the committed with their seq, the refused as they were.
        RETURN (SELECT json_agg(CASE WHEN r->>'refused' IS NULL
                                     THEN json_build_object('seq', v_seq + (r->>'k')::int, 'at', sb_iso(v_now), 'type', v_done[(r->>'k')::int]->'type',
                                                            'from', v_done[(r->>'k')::int]->'from', 'deal', v_done[(r->>'k')::int]->'deal')
                                     ELSE r END ORDER BY o)
                  FROM unnest(v_results) WITH ORDINALITY AS t(r, o));
      END
      $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS deal_change_stages(json, text)`);
    await q.query(`DROP FUNCTION IF EXISTS deal_change_stage(uuid, text, boolean, boolean, uuid, uuid[], text, text, text, text, text, text, text, text, text, int, timestamptz)`);
    await q.query(`DROP FUNCTION IF EXISTS sb_iso(timestamptz)`);
  }
}
