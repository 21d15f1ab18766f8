import type { ReactNode } from "react";
import { cx } from "./cx";
import { EmptyState } from "./EmptyState";

export interface Column<T> {
  /** Identifies the column; without `render` the cell shows row[key] when it is a string or number. */
  key: string;
  /** Column heading. */
  header: ReactNode;
  /** Renders the cell for one row (links, badges, row action forms). */
  render?: (row: T) => ReactNode;
  /** Class for both the <th> and the <td>s, e.g. "num" (right-aligned, tabular digits) or "actions". */
  className?: string;
}

export interface DataTableProps<T> {
  /** Column definitions, in display order. */
  columns: readonly Column<T>[];
  /** The rows to show. */
  rows: readonly T[];
  /** A stable key per row; defaults to row.id when the rows have one, else the index. */
  rowKey?: (row: T, index: number) => string;
  /** Shown instead of the table when there are no rows: a string becomes an EmptyState title. */
  empty?: ReactNode;
  /** Accessible name of the table (visually hidden). */
  caption?: string;
  className?: string;
}

function cellValue(row: unknown, key: string): ReactNode {
  if (typeof row !== "object" || row === null || !(key in row)) return null;
  const v: unknown = Reflect.get(row, key);
  return typeof v === "string" || typeof v === "number" ? v : null;
}

function defaultKey(row: unknown, index: number): string {
  const id = typeof row === "object" && row !== null && "id" in row ? Reflect.get(row, "id") : undefined;
  return typeof id === "string" || typeof id === "number" ? String(id) : String(index);
}

/** A plain, scrollable table; wide tables scroll sideways on small screens instead of breaking the layout. */
export function DataTable<T>({ columns, rows, rowKey = defaultKey, empty = "Nothing here yet.", caption, className }: DataTableProps<T>) {
  if (rows.length === 0) {
    return typeof empty === "string" ? <EmptyState title={empty} /> : <>{empty}</>;
  }
  return (
    <div className={cx("table-wrap", className)}>
      <table className="table">
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead>
          <tr>
            {columns.map((c) => <th key={c.key} scope="col" className={c.className}>{c.header}</th>)}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={rowKey(row, i)}>
              {columns.map((c) => <td key={c.key} className={c.className}>{c.render ? c.render(row) : cellValue(row, c.key)}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
