/** `data:` URL parsing, dependency-free: the input stage and the embedder accept exactly the same URLs. */

// data:[<media type>][;param=value]*[;base64],<data>
const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*?)(;base64)?,(.*)$/s;

/**
 * The bytes and declared media type of a `data:` URL; undefined when `input` is not a well-formed
 * one. Shared by the embedder and ingest so both accept exactly the same URLs.
 */
export function parseDataUrl(input: string): { mediaType: string; bytes: Buffer } | undefined {
  const m = DATA_URL.exec(input);
  if (!m) return undefined;
  if (m[3]) return { mediaType: m[1]!, bytes: Buffer.from(m[4]!, 'base64') };
  try {
    return { mediaType: m[1]!, bytes: Buffer.from(decodeURIComponent(m[4]!), 'latin1') };
  } catch {
    return undefined; // a broken %-escape is a malformed URL, not a server error
  }
}
