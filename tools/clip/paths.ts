/**
 * Where the real-CLIP tooling finds things: the repository root, CLIP's reference files (read at
 * run time, never copied into the repository) and the git-ignored cache of generated ONNX files.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** This checkout's root (tools/clip/ is two levels down). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The main checkout's root when this checkout is a `git worktree` (its `.git` is a file pointing
 * into `<main>/.git/worktrees/<name>`), else REPO_ROOT.
 */
function mainCheckoutRoot(root: string): string {
  const dotGit = path.join(root, '.git');
  try {
    if (!statSync(dotGit).isFile()) return root;
    const gitdir = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
    const m = gitdir ? /^(.*)[/\\]\.git[/\\]worktrees[/\\][^/\\]+$/.exec(path.resolve(root, gitdir)) : null;
    return m ? m[1]! : root;
  } catch {
    return root;
  }
}

/**
 * The folder holding CLIP's `bpe_simple_vocab_16e6.txt.gz` and `token-goldens.json`:
 * `$CLIP_REFERENCE_DIR` when set (only it: `CLIP_REFERENCE_DIR=/nonexistent` shows the skip path),
 * else `../shared/clip-reference` next to this checkout's root, else next to the main checkout's
 * root (so a worktree such as /work/wt/clip finds /work/shared/clip-reference like /work/main does).
 * Null when none exists: callers skip, they do not fail.
 */
export function clipReferenceDir(): string | null {
  const candidates = process.env.CLIP_REFERENCE_DIR
    ? [path.resolve(process.env.CLIP_REFERENCE_DIR)]
    : [path.resolve(REPO_ROOT, '../shared/clip-reference'), path.resolve(mainCheckoutRoot(REPO_ROOT), '../shared/clip-reference')];
  return candidates.find((dir) => existsSync(path.join(dir, 'bpe_simple_vocab_16e6.txt.gz'))) ?? null;
}

/** Generated ONNX files, keyed by the hash of the scripts that make them (git-ignored: models/.work/). */
export const ONNX_CACHE_DIR = process.env.CLIP_ONNX_CACHE ?? path.join(REPO_ROOT, 'models/.work/clip-onnx-cache');

/** Debian's python3 has torch and onnx (python3-torch, python3-onnx); `$PYTHON` overrides, as in `npm run train`. */
export const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';

/** Paths inside the repository that git ignores and where generated model folders may go. */
const IGNORED_OUTPUTS = ['tmp', 'models/.work', '.bench-tmp'];

/**
 * True when `dir` is outside this repository or under a git-ignored output folder: the assembled
 * folder holds files derived from CLIP's vocabulary, which must never be committed.
 */
export function isSafeOutputDir(dir: string): boolean {
  const rel = path.relative(REPO_ROOT, path.resolve(dir));
  if (rel.startsWith('..') || path.isAbsolute(rel)) return true;
  return IGNORED_OUTPUTS.some((p) => rel === p || rel.startsWith(p + path.sep));
}
