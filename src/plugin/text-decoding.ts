// Text files as people actually save them: UTF-8 with or without a byte-order mark, or UTF-16
// (Excel's "Unicode text", PowerShell's default) with one. Decoding by the BOM keeps the column
// names and keys intact; UTF-16 without a BOM cannot be told apart reliably, so it is refused
// by name rather than read as garbage.

/** A text file decoded by its byte-order mark: the text and the encoding found. */
export interface DecodedText {
  text: string;
  /** e.g. "UTF-8", "UTF-8 with BOM", "UTF-16LE". */
  encoding: string;
}

/** The encoding of `bytes` and the bytes after its byte-order mark; throws an Error naming the problem when they are not text it can read. */
export function textEncoding(bytes: Uint8Array): { encoding: 'UTF-16LE' | 'UTF-16BE' | 'UTF-8 with BOM' | 'UTF-8'; body: Uint8Array } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'UTF-16LE', body: bytes.subarray(2) };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'UTF-16BE', body: bytes.subarray(2) };
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  // Text never holds NUL bytes; UTF-16 without a BOM is full of them.
  const nul = body.indexOf(0);
  if (nul >= 0)
    throw new Error(
      `it holds a NUL byte at offset ${nul + (bom ? 3 : 0)}: it looks like UTF-16 without a byte-order mark, or a binary file; save it as UTF-8`,
    );
  return { encoding: bom ? 'UTF-8 with BOM' : 'UTF-8', body };
}

/** Decodes `bytes`; throws an Error naming the problem when they are not text it can read. */
export function decodeText(bytes: Uint8Array): DecodedText {
  const { encoding, body } = textEncoding(bytes);
  return { text: new TextDecoder(encoding.startsWith('UTF-16') ? encoding.toLowerCase() : 'utf-8').decode(body), encoding };
}
