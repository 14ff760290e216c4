/**
 * CSV responses (`format=csv`): a header row, RFC 4180 quoting by csv-stringify, UTF-8, and a
 * download filename. Cells are neutralised against CSV (formula) injection: product ids, creator
 * names and handles come from outside, and a spreadsheet runs a cell starting with = + - @ (or a
 * tab / carriage return, which some spreadsheets skip before them) as a formula. Such a cell gets
 * a leading apostrophe, OWASP's advice; numbers are written as numbers and never touched.
 */
import type { Request, Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import { RAW } from './route.js';

const FORMULA_START = /^[=+\-@\t\r]/;

/** The cell a spreadsheet shows as text, never evaluates. */
export const neutralise = (cell: string) => (FORMULA_START.test(cell) ? `'${cell}` : cell);

export interface CsvTable {
  /** Download name (Content-Disposition); letters, digits, dot, dash and underscore only. */
  filename: string;
  columns: string[];
  rows: Array<Array<string | number | null>>;
  /** The next page's cursor: sent as `Link: <...>; rel="next"` (RFC 8288), as the JSON `next`. */
  next?: string | null;
}

export function sendCsv(req: Request, res: Response, table: CsvTable): typeof RAW {
  const body = stringify([table.columns, ...table.rows], { cast: { string: neutralise } });
  if (table.next) {
    const url = new URL(req.originalUrl, 'http://x');
    url.searchParams.set('cursor', table.next);
    res.set('link', `<${url.pathname}${url.search}>; rel="next"`);
  }
  res.attachment(table.filename).type('text/csv; charset=utf-8').send(body);
  return RAW;
}
