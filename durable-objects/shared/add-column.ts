/**
 * A Durable Object's SQLite storage outlives deploys: a column added to a table in a
 * later version is added here, once, when the object next starts.
 */
export function addColumnOnce(sql: SqlStorage, table: string, column: string, type: string): void {
  const columns = sql.exec<{ name: string }>(`pragma table_info(${table})`).toArray();
  if (!columns.some((c) => c.name === column)) sql.exec(`alter table ${table} add column ${column} ${type}`);
}
