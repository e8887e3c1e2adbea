// A small RFC 4180 reader for the CSV files Python's csv.DictWriter writes (the PRISM artifact's
// table4 scripts): comma-separated, fields quoted when they hold a comma, quote or newline, quotes
// doubled inside; a leading UTF-8 BOM is dropped. Each record keeps the line it starts on, for
// error messages.
// Kept by hand, not csv-parse (7.0.3): its record line numbers drift after a CRLF inside a quoted
// field and it throws on `"q"x` (text after a closing quote), which this reader takes as `qx`.

export interface CsvRecord {
  /** 1-based line the record starts on */
  line: number;
  fields: string[];
}

/** Every record of `text`, the header included; throws with the line of an unterminated quote. */
export function parseCsv(text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let atFieldStart = true;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) out.push({ line: start, fields });
    fields = [];
    field = '';
    atFieldStart = true;
  };
  for (let i = text.startsWith('\uFEFF') ? 1 : 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else { if (c === '\n') line++; field += c; }
      continue;
    }
    if (c === '"' && atFieldStart) { quoted = true; atFieldStart = false; continue; }
    if (c === ',') { fields.push(field); field = ''; atFieldStart = true; continue; }
    if (c === '\r' && text[i + 1] === '\n') continue;
    if (c === '\n') { endRecord(); line++; start = line; continue; }
    field += c;
    atFieldStart = false;
  }
  if (quoted) throw new Error(`line ${start}: a quoted field is never closed`);
  if (field !== '' || fields.length > 0) endRecord();
  return out;
}
