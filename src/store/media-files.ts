/**
 * The embedded `MediaStore`: image bytes under `<dir>/<kind>s/<file>` with a `<file>.type` holding
 * the content type, so `GET /media/products/:id` serves data: URLs and fetched images like world
 * files. Ids are encoded into file names, never used as paths.
 *
 * A write is staged, then promoted: `stage` writes `<file>.<version>.<token>.tmp` (and `.type.tmp`)
 * beside the current image (version: the bytes' SHA-256; token: unique per write), the store commits the entity with that version, then `promote` renames the
 * staged files into place. A crash before the commit leaves only staged files, which `recover`
 * deletes; a crash after it leaves staged files whose version the store holds, which `recover`
 * promotes. Either way an entity and its image change together.
 *
 * @example
 * const media = fileMediaStore(join(config.DATA_DIR, 'media'));
 * const staged = await media.stage('product', 'p1', { bytes, contentType: 'image/jpeg' });
 * await store.upsertProducts([{ entity, vector, mediaVersion: staged.version }], modelId);
 * await media.promote(staged);
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EntityKind, MediaFile, MediaRecovery, MediaStore, StagedMedia } from './types.js';

/** A file name no id can turn into a path: '/', '\\' and '.' are all percent-encoded. */
const fileName = (id: string) => encodeURIComponent(id).replace(/\./g, '%2E').replace(/\*/g, '%2A');
/** `<file>.<sha-256>.<token>.tmp` or `....type.tmp`: a staged image and its type. */
const STAGED = /^([^.]+)\.([0-9a-f]{64})\.[0-9a-f]{32}\.(type\.)?tmp$/;
const KINDS: EntityKind[] = ['product', 'post'];

export function fileMediaStore(dir: string): MediaStore {
  const folder = (kind: EntityKind) => join(dir, `${kind}s`);
  const location = (kind: EntityKind, id: string) => join(folder(kind), fileName(id));
  const stagedBase = (s: StagedMedia) => `${location(s.kind, s.id)}.${s.version}.${s.token}`;

  return {
    async stage(kind, id, media) {
      const version = createHash('sha256').update(media.bytes).digest('hex');
      await mkdir(folder(kind), { recursive: true });
      // Staged even when the bytes are unchanged: a concurrent write of other bytes for the same
      // id may be promoted in between, and the version committed last must be the one on disk.
      // The token keeps two writers of the same id and bytes (two PUTs at once) apart.
      const staged: StagedMedia = { kind, id, version, token: randomUUID().replace(/-/g, '') };
      const base = stagedBase(staged);
      await writeFile(`${base}.type.tmp`, media.contentType);
      await writeFile(`${base}.tmp`, media.bytes);
      return staged;
    },
    async promote(staged) {
      const file = location(staged.kind, staged.id);
      const base = stagedBase(staged);
      // Type first: a crash between the two renames leaves the bytes staged, and recovery finishes.
      await rename(`${base}.type.tmp`, `${file}.type`);
      await rename(`${base}.tmp`, file);
    },
    async discard(staged) {
      const base = stagedBase(staged);
      await Promise.all([rm(`${base}.tmp`, { force: true }), rm(`${base}.type.tmp`, { force: true })]);
    },
    async get(kind, id) {
      const file = location(kind, id);
      try {
        const [bytes, contentType] = await Promise.all([readFile(file), readFile(`${file}.type`, 'utf8')]);
        return { bytes, contentType: contentType.trim() || 'application/octet-stream' };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async remove(kind, id) {
      const file = location(kind, id);
      await Promise.all([rm(file, { force: true }), rm(`${file}.type`, { force: true })]);
    },
    async recover(entities) {
      const out: MediaRecovery = { promoted: 0, discarded: 0, orphans: 0 };
      for (const kind of KINDS) {
        let files: string[];
        try {
          files = await readdir(folder(kind));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
          throw err;
        }
        const committed = new Map<string, string | null>();
        for (const [id, version] of entities[kind]) committed.set(fileName(id), version);
        for (const f of files) {
          const path = join(folder(kind), f);
          if (f.endsWith('.tmp')) {
            const m = STAGED.exec(f);
            if (m && committed.has(m[1]!) && committed.get(m[1]!) === m[2]) {
              await rename(path, join(folder(kind), m[3] ? `${m[1]}.type` : m[1]!));
              if (!m[3]) out.promoted++;
            } else {
              await rm(path, { force: true });
              if (!m?.[3]) out.discarded++;
            }
          } else if (!committed.has(f.replace(/\.type$/, ''))) {
            await rm(path, { force: true });
            if (!f.endsWith('.type')) out.orphans++;
          }
        }
      }
      return out;
    },
  };
}

export type { MediaFile };
