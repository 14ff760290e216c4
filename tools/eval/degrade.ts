/**
 * The evaluation's sanity rung: a copy of a model folder with every learned weight scrambled.
 * Each float weight tensor of both ONNX files keeps its shape and its exact set of values, but the
 * values are shuffled (seeded) inside the tensor, so the network has the shipped model's size,
 * speed and weight statistics and nothing it learned: a "randomly initialised model of the same
 * shape". An evaluation that cannot tell this model from the real one measures nothing.
 *
 * The ONNX file is a protobuf `ModelProto`; initialisers sit in `graph` (field 7) → `initializer`
 * (field 5, `TensorProto`), whose `raw_data` (field 9) holds little-endian values. The shuffle
 * rewrites those bytes in place, so no field moves and no protobuf library is needed.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng, type Rng } from '../world/prng.js';

const ONNX_FILES = ['onnx/text_model.onnx', 'onnx/vision_model.onnx'];
/** TensorProto.DataType FLOAT. */
const FLOAT = 1;

function varint(buf: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  let p = at;
  for (;;) {
    const byte = buf[p++]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, p];
    scale *= 128;
  }
}

/** Calls `visit(field, start, end)` for each length-delimited field in buf[start, end); skips the others. */
function eachField(buf: Uint8Array, start: number, end: number, visit: (field: number, wireType: number, a: number, b: number) => void): void {
  let p = start;
  while (p < end) {
    const [key, afterKey] = varint(buf, p);
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    p = afterKey;
    if (wireType === 0) {
      const [value, next] = varint(buf, p);
      visit(field, wireType, value, next);
      p = next;
    } else if (wireType === 2) {
      const [len, next] = varint(buf, p);
      visit(field, wireType, next, next + len);
      p = next + len;
    } else if (wireType === 1) p += 8;
    else if (wireType === 5) p += 4;
    else throw new Error(`degrade: unsupported protobuf wire type ${wireType} at byte ${p}`);
  }
}

/** Shuffles the float32 values of every FLOAT initialiser in place; returns how many tensors changed. */
export function scrambleOnnx(buf: Uint8Array, rng: Rng): number {
  let tensors = 0;
  eachField(buf, 0, buf.length, (field, wt, a, b) => {
    if (field !== 7 || wt !== 2) return;
    eachField(buf, a, b, (g, wt2, s, e) => {
      if (g !== 5 || wt2 !== 2) return;
      let dataType = 0;
      let raw = null as [number, number] | null;
      eachField(buf, s, e, (h, w, x, y) => {
        if (h === 2 && w === 0) dataType = x;
        if (h === 9 && w === 2) raw = [x, y];
      });
      if (dataType !== FLOAT || !raw) return;
      const [from, to] = raw;
      const values = new DataView(buf.buffer, buf.byteOffset + from, to - from);
      const n = (to - from) / 4;
      // Fisher-Yates over the tensor's 4-byte values.
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        const vi = values.getUint32(i * 4, true);
        values.setUint32(i * 4, values.getUint32(j * 4, true), true);
        values.setUint32(j * 4, vi, true);
      }
      if (n > 1) tensors++;
    });
  });
  return tensors;
}

/**
 * Writes `<outModelsDir>/<modelId>-scrambled/` from `<modelsDir>/<modelId>/` and returns its id.
 * @throws Error when a model file holds no float initialiser to scramble (not an ONNX export we know).
 */
export function writeScrambledModel(modelsDir: string, modelId: string, outModelsDir: string, seed = 1): string {
  const id = `${modelId}-scrambled`;
  const out = join(outModelsDir, id);
  mkdirSync(outModelsDir, { recursive: true });
  cpSync(join(modelsDir, modelId), out, { recursive: true });
  const rng = createRng(seed);
  for (const file of ONNX_FILES) {
    const buf = readFileSync(join(out, file));
    if (scrambleOnnx(buf, rng) === 0) throw new Error(`degrade: ${join(modelsDir, modelId, file)} has no float initialisers to scramble`);
    writeFileSync(join(out, file), buf);
  }
  return id;
}
