// CSV as channel reports come (RFC 4180 and what spreadsheets export): an optional byte-order mark,
// CRLF, LF or CR line ends, fields in double quotes holding commas, quotes ("") and line breaks. Each
// record keeps the line it starts on, so an error can name the line a person sees in their editor.
export interface CsvRecord {
  /** 1-based line of the file the record starts on. */
  line: number;
  cells: string[];
}

export type CsvResult = { records: CsvRecord[] } | { unclosedQuoteAt: number };

export function parseCsv(text: string): CsvResult {
  const records: CsvRecord[] = [];
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let [line, start, cell, cells, quoted, quoteLine] = [1, 1, '', [] as string[], false, 0];
  let fieldStarted = false;
  const endRecord = () => {
    cells.push(cell);
    // A blank line (one empty cell) is no record: files often end with one.
    if (cells.length > 1 || cells[0] !== '') records.push({ line: start, cells });
    [cell, cells, fieldStarted] = ['', [], false];
  };
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (quoted) {
      if (char === '"') {
        if (source[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (char === '\n' || (char === '\r' && source[i + 1] !== '\n')) line++;
        cell += char;
      }
      continue;
    }
    if (char === '"' && !fieldStarted) {
      [quoted, quoteLine, fieldStarted] = [true, line, true];
    } else if (char === ',') {
      cells.push(cell);
      [cell, fieldStarted] = ['', false];
    } else if (char === '\r' || char === '\n') {
      if (char === '\r' && source[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else {
      cell += char;
      fieldStarted = true;
    }
  }
  if (quoted) return { unclosedQuoteAt: quoteLine };
  if (cell !== '' || cells.length > 0) endRecord();
  return { records };
}
