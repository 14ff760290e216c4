/**
 * The per-item outcome of a bulk write: one bad item never sinks the batch. One schema, used by
 * the write commands, the HTTP API's response documents and the CLIs.
 */
import { z } from 'zod';
import type { AppError } from '../errors.js';

export const ItemResult = z.union([
  z.object({ id: z.string(), ok: z.literal(true) }),
  z.object({ id: z.string(), ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);
export type ItemResult = z.infer<typeof ItemResult>;

export const okResult = (id: string): ItemResult => ({ id, ok: true });
export const failResult = (id: string, code: string, message: string): ItemResult => ({ id, ok: false, error: { code, message } });
export const errorResult = (id: string, err: AppError): ItemResult => failResult(id, err.code, err.message);
