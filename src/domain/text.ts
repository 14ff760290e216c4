/**
 * Every text field the service accepts has a documented limit, declared here once and used by the
 * domain and API schemas (so /openapi.json shows it as `maxLength`). Text is also refused when it
 * holds control characters (single-line fields: all of them; multi-line fields: all but tab, line
 * feed and carriage return) or lone surrogates (half a UTF-16 pair: not valid Unicode, and SQLite
 * would silently store U+FFFD instead, so what was accepted would not be what is read back).
 */
import { z } from 'zod';

/** Character limits per field, as the README's "Limits" table lists them. */
export const TEXT_LIMITS = {
  title: 200,
  description: 5000,
  brand: 100,
  category: 64,
  currency: 3,
  url: 2048,
  /** World-relative image paths and http(s) image URLs. */
  imageRef: 2048,
  merchantName: 200,
  settingKey: 64,
  settingValue: 500,
  handle: 64,
  displayName: 100,
  aesthetic: 40,
  caption: 2200,
  consentSource: 100,
  policyVersion: 50,
  searchText: 500,
} as const;

/** `data:` image URLs may be as long as the body allows (BODY_LIMIT); this caps them regardless. */
export const MAX_DATA_URL_LENGTH = 16 * 1024 * 1024;

// In `u` mode a lone surrogate is matched as the code point it is (category Cs).
const SINGLE_LINE = /^[^\p{Cc}\p{Cs}]*$/u;
const MULTI_LINE = /^(?:[\t\n\r]|[^\p{Cc}\p{Cs}])*$/u;

/** One line of text of at most `max` characters (names, titles, handles...). */
export const line = (max: number) =>
  z
    .string()
    .max(max, { error: `must be at most ${max} characters` })
    .regex(SINGLE_LINE, { error: 'must not contain control characters or lone surrogates' });

/** Free text of at most `max` characters; tabs and line breaks allowed (descriptions, captions). */
export const text = (max: number) =>
  z
    .string()
    .max(max, { error: `must be at most ${max} characters` })
    .regex(MULTI_LINE, { error: 'must not contain control characters (other than tab and line breaks) or lone surrogates' });

/**
 * An entity's `image`: a world-relative path or http(s) URL of at most 2,048 characters, or a
 * `data:` URL (bounded by BODY_LIMIT). Whatever it names must decode as a raster image.
 */
export const ImageRef = z
  .string()
  .min(1)
  .max(MAX_DATA_URL_LENGTH)
  .refine((s) => s.startsWith('data:') || (s.length <= TEXT_LIMITS.imageRef && SINGLE_LINE.test(s)), {
    error: `a path or URL must be at most ${TEXT_LIMITS.imageRef} characters without control characters`,
  })
  .describe(
    `A path relative to the world folder or an http(s) URL on ALLOWED_IMAGE_HOSTS (at most ${TEXT_LIMITS.imageRef} characters), or a data: URL; it must decode as a JPEG, PNG, WebP or GIF image.`,
  );
