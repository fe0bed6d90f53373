/**
 * Guesses that make a CRM's own export import without a mapping: which header is which field
 * (HubSpot, Salesforce and Pipedrive names), and which of our stages a CRM's stage value means.
 */
import type { ImportColumns, ImportField, Stage } from '@salesboard/shared';
import { NameMatcher } from './name-matcher.js';
import { looseKey } from './values.js';

/** Header names per field, reduced by looseKey, most specific first. */
const HEADER_NAMES: Record<ImportField, string[]> = {
  externalId: ['recordid', 'dealid', 'opportunityid', 'hsobjectid', 'externalid', 'id'],
  name: ['dealname', 'opportunityname', 'dealtitle', 'title', 'name', 'deal'],
  stage: ['dealstage', 'stage', 'stagename', 'pipelinestage'],
  status: ['dealstatus', 'status'],
  amount: ['amount', 'dealvalue', 'dealamount', 'value'],
  currency: ['currency', 'dealcurrency', 'amountcurrency', 'opportunitycurrency', 'currencyisocode', 'dealcurrencycode'],
  closeDate: ['closedate', 'dealexpectedclosedate', 'expectedclosedate', 'dealclosedate', 'dealdealclosedon', 'closedon'],
  createdAt: ['createdate', 'createddate', 'dealdealcreated', 'dealcreated', 'dealcreatedate', 'createdat', 'dealaddtime'],
  owner: ['dealowner', 'opportunityowner', 'owner', 'owneremail', 'ownername', 'salesrep', 'rep'],
  account: [
    'associatedcompany',
    'associatedcompanyprimary',
    'accountname',
    'account',
    'dealorganization',
    'organization',
    'organizationname',
    'company',
    'companyname',
  ],
  product: ['product', 'productname', 'dealproduct'],
};

/** Guesses each field's column from the header names; a header serves one field at most. */
export function guessColumns(headers: string[]): ImportColumns {
  const byKey = new Map<string, string>();
  for (const header of headers) if (!byKey.has(looseKey(header))) byKey.set(looseKey(header), header);
  const used = new Set<string>();
  const columns: ImportColumns = {};
  for (const [field, names] of Object.entries(HEADER_NAMES) as [ImportField, string[]][]) {
    const header = names.map((n) => byKey.get(n)).find((h): h is string => h !== undefined && !used.has(h));
    if (header) {
      columns[field] = header;
      used.add(header);
    }
  }
  return columns;
}

/**
 * CRM stage names → our default stage keys. HubSpot's default pipeline, Salesforce's
 * opportunity stages and Pipedrive's default pipeline, by label and by internal id.
 */
const STAGE_SYNONYMS: Record<string, string[]> = {
  lead: ['lead', 'leadin', 'new', 'newlead', 'prospecting', 'prospect'],
  qualified: ['qualified', 'appointmentscheduled', 'qualifiedtobuy', 'qualification', 'contactmade', 'needsanalysis', 'discovery'],
  demo: ['demo', 'presentationscheduled', 'demoscheduled', 'valueproposition', 'iddecisionmakers', 'perceptionanalysis', 'needsdefined'],
  proposal: ['proposal', 'decisionmakerboughtin', 'proposalmade', 'proposalpricequote', 'quote', 'quotesent'],
  negotiation: ['negotiation', 'contractsent', 'negotiationreview', 'negotiationsstarted', 'contract'],
  won: ['won', 'closedwon', 'dealwon'],
  lost: ['lost', 'closedlost', 'deallost'],
};

/**
 * Our stage for a CRM's stage value, or null: our keys and labels first, then the synonyms
 * above. Won and lost go to whichever stages have that kind, whatever their keys.
 */
export function guessStage(value: string, stages: readonly Stage[]): Stage | null {
  const key = looseKey(value);
  if (!key) return null;
  const own = stages.find((s) => looseKey(s.key) === key || looseKey(s.label) === key);
  if (own) return own;
  for (const [target, names] of Object.entries(STAGE_SYNONYMS)) {
    if (!names.includes(key)) continue;
    if (target === 'won' || target === 'lost') return stages.find((s) => s.kind === target) ?? null;
    return stages.find((s) => s.key === target) ?? null;
  }
  return null;
}

/**
 * For a stage value that is none of ours nor a known synonym: the stage key of the nearest of
 * our keys, labels and the synonyms above ("Negotation" → negotiation, "Closed Wonn" → won).
 */
export function stageMatcher(stages: readonly Stage[]): NameMatcher<string> {
  const entries: { name: string; target: string }[] = [];
  for (const stage of stages) entries.push({ name: stage.key, target: stage.key }, { name: stage.label, target: stage.key });
  for (const names of Object.values(STAGE_SYNONYMS))
    for (const name of names) {
      const stage = guessStage(name, stages);
      if (stage) entries.push({ name, target: stage.key });
    }
  return new NameMatcher(entries);
}
