/**
 * Streams the records of one input file, JSONL or CSV (by extension), never holding the file in
 * memory: JSONL line by line through readline, CSV through csv-parse's streaming parser. Each
 * record comes with the physical line it starts on (1-based; for CSV the header is line 1) and
 * the bytes read so far (for the progress bar's ETA). A line that is not a record (bad JSON, a
 * CSV row with the wrong number of cells) is yielded as a problem, so the load goes on.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import type { z } from 'zod';
import { undeclaredKeys } from '../../ingest/unknown-fields.js';
import { csvRecordBuilder } from './csv-fields.js';

export interface Problem {
  field: string;
  message: string;
}

export type FileRecord = { line: number; bytes: number } & ({ value: unknown } | { problem: Problem; raw?: string });

export type Format = 'jsonl' | 'csv';

export function formatOf(file: string): Format | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.csv')) return 'csv';
  return undefined;
}

/**
 * @param skipThrough lines up to and including this one are passed over without being parsed (resume).
 * @example for await (const r of readRecords('catalog.csv', Product, 0)) if ('value' in r) ...
 */
export async function* readRecords(file: string, schema: z.ZodType, skipThrough = 0, warn: (message: string) => void = () => {}): AsyncGenerator<FileRecord> {
  if (formatOf(file) === 'csv') yield* readCsv(file, schema, skipThrough, warn);
  else yield* readJsonl(file, skipThrough);
}

async function* readJsonl(file: string, skipThrough: number): AsyncGenerator<FileRecord> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (line <= skipThrough || text.trim() === '') continue;
    const bytes = stream.bytesRead;
    try {
      yield { line, bytes, value: JSON.parse(text) as unknown };
    } catch (err) {
      yield { line, bytes, problem: { field: 'json', message: (err as Error).message }, raw: text.slice(0, 1000) };
    }
  }
}

async function* readCsv(file: string, schema: z.ZodType, skipThrough: number, warn: (message: string) => void): AsyncGenerator<FileRecord> {
  const stream = createReadStream(file);
  // A header the schema does not know is said once up front; each row that fills it is refused by name.
  const columns = (header: string[]) => {
    const unknown = undeclaredKeys(schema, Object.fromEntries(header.map((h) => [h.split('.')[0], ''])));
    if (unknown.length > 0) warn(`${file}:1: ${unknown.map((u) => `unknown field "${u}"`).join(', ')}: refused in every row that fills it`);
    return header;
  };
  const parser = parse({ columns, info: true, raw: true, bom: true, skip_empty_lines: true, skip_records_with_error: true });
  // A malformed row is skipped by the parser and reported here, in file order with the records.
  const skipped: FileRecord[] = [];
  parser.on('skip', (err: Error & { lines?: number }) => {
    const line = err.lines ?? 0;
    if (line > skipThrough) skipped.push({ line, bytes: stream.bytesRead, problem: { field: 'csv', message: err.message } });
  });
  stream.on('error', (err) => parser.destroy(err));
  const build = csvRecordBuilder(schema);
  for await (const row of stream.pipe(parser) as AsyncIterable<{ record: Record<string, string>; info: { lines: number }; raw: string }>) {
    while (skipped.length > 0) yield skipped.shift()!;
    // The parser counts lines at the end of the record; a quoted cell may span several.
    const inner = (row.raw.replace(/\r?\n$/, '').match(/\n/g) ?? []).length;
    const line = row.info.lines - inner;
    if (line <= skipThrough) continue;
    yield { line, bytes: stream.bytesRead, value: build(row.record) };
  }
  while (skipped.length > 0) yield skipped.shift()!;
}
