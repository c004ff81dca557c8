// X11 keysyms for typed text, as VNC key events carry them: Latin-1 characters are their own
// keysym, other Unicode characters 0x01000000 + the code point, and a few keys have their own.

const SPECIAL = { '\n': 0xff0d, '\r': 0xff0d, '\t': 0xff09, '\b': 0xff08, '\x1b': 0xff1b };

export function keysymOf(char) {
  if (SPECIAL[char]) return SPECIAL[char];
  const code = char.codePointAt(0);
  if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff)) return code;
  if (code > 0xff) return 0x01000000 + code;
  return null; // other control characters have no key
}
