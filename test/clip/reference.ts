/**
 * Shared set-up for the real-CLIP tests: where CLIP's reference files are, and the goldens. The
 * reference files are read here at run time only; nothing derived from them is ever written
 * outside a temporary folder.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { clipReferenceDir } from '../../tools/clip/paths.js';

export const REFERENCE_DIR = clipReferenceDir();

/** Why the tests that need CLIP's vocabulary are skipped (printed once), or null when they run. */
export const SKIP_REASON = REFERENCE_DIR
  ? null
  : 'CLIP reference files not found: expected ../shared/clip-reference/bpe_simple_vocab_16e6.txt.gz beside the repository ' +
    '(or its main checkout), or CLIP_REFERENCE_DIR. Tests that need CLIP\'s real tokenizer are skipped.';

export interface GoldenCase {
  text: string;
  ids: number[];
}

/** The exact ids CLIP's reference tokenizer gives (token-goldens.json); [] without the reference. */
export function goldens(): GoldenCase[] {
  if (!REFERENCE_DIR) return [];
  return (JSON.parse(readFileSync(path.join(REFERENCE_DIR, 'token-goldens.json'), 'utf8')) as { cases: GoldenCase[] }).cases;
}

/** A creator-style caption far longer than CLIP's 77 positions (105 BPE tokens with the two specials). */
export const LONG_CAPTION =
  'obsessed with this breezy striped linen sundress for the weekend, paired with woven sandals, a straw tote, gold hoops ' +
  'and a cropped denim jacket for the evening breeze; the whole look is under $120 and every piece is linked below, ' +
  'sizes run true, I wear a small in the dress and a medium in the jacket, use my code for 15% off until Sunday ' +
  '#coastalminimal #summerstyle #linenlove #ootd #weekendvibes #capsulewardrobe #sustainablefashion 🌊☀️👡';
