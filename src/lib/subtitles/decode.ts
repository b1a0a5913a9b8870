/** The text of a subtitle file and the encoding it was read as. */
export interface DecodedText {
  text: string;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
}

/**
 * Reads subtitle bytes whatever their encoding: a byte-order mark says UTF-8, UTF-16 LE or UTF-16 BE; without one,
 * the bytes are UTF-8 when they decode as such (strictly), and otherwise Windows-1252, what older subtitle files
 * from Windows tools are in (a Latin-1 file read as UTF-8 would turn every "é" into "�").
 */
export function decodeSubtitleBytes(bytes: Uint8Array): DecodedText {
  const [a, b, c] = bytes;
  if (a === 0xef && b === 0xbb && c === 0xbf) return { text: decode('utf-8', bytes.subarray(3)), encoding: 'utf-8' };
  if (a === 0xff && b === 0xfe) return { text: decode('utf-16le', bytes.subarray(2)), encoding: 'utf-16le' };
  if (a === 0xfe && b === 0xff) return { text: decode('utf-16be', bytes.subarray(2)), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    // Not valid UTF-8: a legacy single-byte file.
    return { text: windows1252(bytes), encoding: 'windows-1252' };
  }
}

/** What Windows-1252 puts at 0x80–0x9F (Latin-1 has control codes there); undefined bytes stay as they are. */
const c1 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/**
 * Windows-1252 spelled out: every byte is its Latin-1 letter except 0x80–0x9F. Not TextDecoder('windows-1252'),
 * which some runtimes (Node before 23) treat as plain Latin-1 and so lose "€", "œ" and curly quotes.
 */
function windows1252(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    const part = bytes.subarray(i, i + 8192);
    out += String.fromCharCode(...Array.from(part, (b) => (b >= 0x80 && b < 0xa0 ? c1.charCodeAt(b - 0x80) : b)));
  }
  return out;
}

const decode = (label: string, bytes: Uint8Array) => new TextDecoder(label, { ignoreBOM: true }).decode(bytes);
