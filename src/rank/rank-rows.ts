/**
 * MMR over rows of the product table, described by plain typed arrays so that the same request
 * can be ranked on the event loop or in the rank worker (`rank-worker.ts`) with identical picks:
 * both call `rankRows`, which runs `mmrRerank` with `dotRows` (the table's own arithmetic) and
 * the group cap as small integers.
 */
import { dotRows, type TableView } from '../retrieve/scan.js';
import { capPerGroup } from './group-cap.js';
import { mmrRerank } from './mmr.js';

export interface RankRequest {
  /** Table row of each candidate, in pool order (ties go to the earlier candidate). */
  rows: Int32Array;
  relevance: Float64Array;
  /** With a group cap: each candidate's group as a code, -1 for none (never capped). */
  groups: Int32Array | null;
  /** Picks allowed per group (ignored without `groups`). */
  cap: number;
  k: number;
  /** 1 = relevance only; 0 = diversity only. */
  lambda: number;
}

interface Item {
  id: string;
  at: number;
  row: number;
  relevance: number;
  group: number;
}

/** The picks, as indices into the request's arrays, in MMR order. */
export function rankRows(table: Pick<TableView, 'dim' | 'vectors'>, r: RankRequest): Int32Array {
  const items: Item[] = [];
  for (let at = 0; at < r.rows.length; at++) items.push({ id: '', at, row: r.rows[at]!, relevance: r.relevance[at]!, group: r.groups ? r.groups[at]! : -1 });
  const groups = r.groups;
  const admit = groups ? capPerGroup((c: Item) => (c.group < 0 ? null : c.group), r.cap) : undefined;
  const picked = mmrRerank(items, { k: r.k, lambda: r.lambda, admit, similarity: (a, b) => dotRows(table, a.row, b.row) });
  return Int32Array.from(picked, (c) => c.at);
}
