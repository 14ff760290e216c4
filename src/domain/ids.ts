/**
 * The one id rule for every entity the service stores (products, merchants, creators, posts,
 * shoppers): checked at the edge by every schema that takes an id, in bodies and in paths alike,
 * so an id that a PUT accepts is always reachable by GET and DELETE.
 */
import { z } from 'zod';

export const MAX_ID_LENGTH = 200;

export const Id = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(MAX_ID_LENGTH, { error: `must be at most ${MAX_ID_LENGTH} characters` })
  .describe(`An id of 1-${MAX_ID_LENGTH} characters.`);
