// How much of a channel report is taken, shared by the import route and the import page (which says so
// before sending a file that would be refused).

/** Characters of CSV text the import accepts (the request itself is capped at 1 MiB by core). */
export const MAX_CSV_CHARS = 512 * 1024;
