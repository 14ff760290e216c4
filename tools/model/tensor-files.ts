/** Raw little-endian tensor files shared with `tools/model/python/train.py` (read there with numpy.fromfile). */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half from float, round-to-nearest; pixel values (|x| < 3) never over/underflow. */
export function toHalf(x: number): number {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = ((b >>> 23) & 0xff) - 127 + 15;
  if (exp <= 0) return sign; // |x| < 6e-5: flush to zero
  if (exp >= 31) return sign | 0x7c00;
  const mant = b & 0x7fffff;
  const half = sign | (exp << 10) | (mant >>> 13);
  return half + ((mant >>> 12) & 1); // round half up on the dropped bits
}

export async function writeTensor(dir: string, name: string, data: ArrayBufferView): Promise<void> {
  await writeFile(path.join(dir, name), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}
