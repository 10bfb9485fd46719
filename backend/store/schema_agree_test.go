package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// intendedDifferences are the facts of one dialect's schema that the other
// lacks on purpose, each with its reason. A fact is written as schemaFacts
// writes it, after "postgres: " or "sqlite: " (the dialect that has it).
var intendedDifferences = map[string]string{
	"postgres: column auth_sessions.id NOT NULL":    textKey,
	"sqlite: column auth_sessions.id NULL":          textKey,
	"postgres: column event_streams.scope NOT NULL": textKey,
	"sqlite: column event_streams.scope NULL":       textKey,
	"postgres: column password_links.id NOT NULL":   textKey,
	"sqlite: column password_links.id NULL":         textKey,
	"postgres: column ws_tickets.id NOT NULL":       textKey,
	"sqlite: column ws_tickets.id NULL":             textKey,
}

// textKey: SQLite lets a primary key column that is not the rowid hold NULL
// unless it is declared NOT NULL (a quirk kept for compatibility), while
// PostgreSQL makes every primary key column NOT NULL. These keys are text
// the store always writes (a token's hash, a scope's name, a link's hash),
// so rebuilding the four SQLite tables to declare it would change nothing.
const textKey = "a TEXT PRIMARY KEY: NOT NULL on PostgreSQL by definition, nullable on SQLite unless declared; the store always writes it"

// The PostgreSQL and SQLite migrations are written by hand, one per
// dialect: migrated to the latest version, both have the same tables,
// columns, nullability, primary and foreign keys and indexes, but for the
// differences listed with their reasons (and every listed one still exists).
func TestSchemasAgree(t *testing.T) {
	ctx := context.Background()
	facts := map[string][]string{}
	for _, dialect := range []string{Postgres, SQLite} {
		db, p := migratedTo(t, dialect, 0)
		if _, err := p.Up(ctx); err != nil {
			t.Fatal(err)
		}
		var err error
		if facts[dialect], err = schemaFacts(ctx, db.sql, dialect); err != nil {
			t.Fatalf("%s: %v", dialect, err)
		}
		if len(facts[dialect]) < 100 {
			t.Fatalf("%s: only %d facts read: %v", dialect, len(facts[dialect]), facts[dialect])
		}
	}
	seen := map[string]bool{}
	for _, dialect := range []string{Postgres, SQLite} {
		other := SQLite
		if dialect == SQLite {
			other = Postgres
		}
		for _, f := range facts[dialect] {
			if _, found := slices.BinarySearch(facts[other], f); found {
				continue
			}
			key := dialect + ": " + f
			seen[key] = true
			if _, ok := intendedDifferences[key]; !ok {
				t.Errorf("only in %s: %s", dialect, f)
			}
		}
	}
	for key := range intendedDifferences {
		if !seen[key] {
			t.Errorf("listed as an intended difference, but both schemas agree: %s", key)
		}
	}
}

// schemaFacts describes the migrated schema as sorted lines:
//
//	table T
//	column T.c NULL | NOT NULL
//	primary key T (a, b)
//	foreign key T (a) references R (b) on delete CASCADE
//	index T (a, b) [unique] [partial] [name N]
//
// The name of an index is part of it when a migration created it by name
// (not for the index of a UNIQUE or PRIMARY KEY constraint, which each
// dialect names its own way). Migration bookkeeping (goose_db_version) and
// the database's own tables are left out.
func schemaFacts(ctx context.Context, db *sql.DB, dialect string) ([]string, error) {
	var facts []string
	add := func(format string, args ...any) { facts = append(facts, fmt.Sprintf(format, args...)) }
	var err error
	if dialect == Postgres {
		err = postgresFacts(ctx, db, add)
	} else {
		err = sqliteFacts(ctx, db, add)
	}
	slices.Sort(facts)
	return facts, err
}

func nullability(notNull bool) string {
	if notNull {
		return "NOT NULL"
	}
	return "NULL"
}

func indexFact(add func(string, ...any), table, cols string, unique, partial bool, name string) {
	f := "index " + table + " (" + cols + ")"
	if unique {
		f += " unique"
	}
	if partial {
		f += " partial"
	}
	if name != "" {
		f += " name " + name
	}
	add("%s", f)
}

// query runs q and calls row with a scanner for each row.
func query(ctx context.Context, db *sql.DB, q string, row func(scan func(...any) error) error, args ...any) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", q, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// columnList names, in order, the columns of relation rel numbered in keys
// (expressions, numbered 0, are "expr").
const columnList = `COALESCE((SELECT string_agg(COALESCE(a.attname, 'expr'), ', ' ORDER BY k.ord)
	FROM unnest(%s) WITH ORDINALITY AS k(attnum, ord)
	LEFT JOIN pg_attribute a ON a.attrelid = %s AND a.attnum = k.attnum), '')`

func postgresFacts(ctx context.Context, db *sql.DB, add func(string, ...any)) error {
	const tables = `SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> 'goose_db_version'`
	if err := query(ctx, db, `SELECT c.relname, a.attname, a.attnotnull FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
		WHERE a.attrelid IN (`+tables+`) AND a.attnum > 0 AND NOT a.attisdropped`, func(scan func(...any) error) error {
		var table, col string
		var notNull bool
		if err := scan(&table, &col, &notNull); err != nil {
			return err
		}
		add("column %s.%s %s", table, col, nullability(notNull))
		return nil
	}); err != nil {
		return err
	}
	if err := query(ctx, db, `SELECT relname FROM pg_class WHERE oid IN (`+tables+`)`, func(scan func(...any) error) error {
		var table string
		if err := scan(&table); err != nil {
			return err
		}
		add("table %s", table)
		return nil
	}); err != nil {
		return err
	}
	deletes := map[string]string{"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
	if err := query(ctx, db, `SELECT t.relname, c.contype, `+fmt.Sprintf(columnList, "c.conkey", "c.conrelid")+`,
		COALESCE(r.relname, ''), `+fmt.Sprintf(columnList, "c.confkey", "c.confrelid")+`, c.confdeltype
		FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid LEFT JOIN pg_class r ON r.oid = c.confrelid
		WHERE c.conrelid IN (`+tables+`) AND c.contype IN ('p', 'f')`, func(scan func(...any) error) error {
		var table, kind, cols, ref, refCols, onDelete string
		if err := scan(&table, &kind, &cols, &ref, &refCols, &onDelete); err != nil {
			return err
		}
		if kind == "p" {
			add("primary key %s (%s)", table, cols)
		} else {
			add("foreign key %s (%s) references %s (%s) on delete %s", table, cols, ref, refCols, deletes[onDelete])
		}
		return nil
	}); err != nil {
		return err
	}
	return query(ctx, db, `SELECT t.relname, i.relname, x.indisunique, x.indpred IS NOT NULL,
		`+fmt.Sprintf(columnList, "x.indkey::int2[]", "x.indrelid")+`,
		EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u', 'x'))
		FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
		WHERE x.indrelid IN (`+tables+`) AND NOT x.indisprimary`, func(scan func(...any) error) error {
		var table, name, cols string
		var unique, partial, constraint bool
		if err := scan(&table, &name, &unique, &partial, &cols, &constraint); err != nil {
			return err
		}
		if constraint {
			name = ""
		}
		indexFact(add, table, cols, unique, partial, name)
		return nil
	})
}

func sqliteFacts(ctx context.Context, db *sql.DB, add func(string, ...any)) error {
	var tables []string
	if err := query(ctx, db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
		AND name <> 'goose_db_version'`, func(scan func(...any) error) error {
		var table string
		if err := scan(&table); err != nil {
			return err
		}
		tables = append(tables, table)
		return nil
	}); err != nil {
		return err
	}
	for _, table := range tables {
		add("table %s", table)
		type column struct {
			name, typ string
			notNull   bool
		}
		var cols []column
		var pk []string // by position in the key
		if err := query(ctx, db, `SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY pk`, func(scan func(...any) error) error {
			var c column
			var pos int
			if err := scan(&c.name, &c.typ, &c.notNull, &pos); err != nil {
				return err
			}
			cols = append(cols, c)
			if pos > 0 {
				pk = append(pk, c.name)
			}
			return nil
		}, table); err != nil {
			return err
		}
		for _, c := range cols {
			// A lone INTEGER PRIMARY KEY is the rowid, which is never NULL
			// (table_info does not say so).
			rowid := len(pk) == 1 && pk[0] == c.name && strings.EqualFold(c.typ, "INTEGER")
			add("column %s.%s %s", table, c.name, nullability(c.notNull || rowid))
		}
		if len(pk) > 0 {
			add("primary key %s (%s)", table, strings.Join(pk, ", "))
		}
		type fk struct {
			ref, onDelete string
			from, to      []string
		}
		var fks []*fk
		if err := query(ctx, db, `SELECT id, "table", "from", COALESCE("to", ''), on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`,
			func(scan func(...any) error) error {
				var id int
				var ref, from, to, onDelete string
				if err := scan(&id, &ref, &from, &to, &onDelete); err != nil {
					return err
				}
				if id == len(fks) {
					fks = append(fks, &fk{ref: ref, onDelete: onDelete})
				}
				fks[id].from, fks[id].to = append(fks[id].from, from), append(fks[id].to, to)
				return nil
			}, table); err != nil {
			return err
		}
		for _, k := range fks {
			if slices.Contains(k.to, "") {
				// REFERENCES t without columns: t's primary key.
				k.to = nil
				if err := query(ctx, db, `SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, func(scan func(...any) error) error {
					var col string
					err := scan(&col)
					k.to = append(k.to, col)
					return err
				}, k.ref); err != nil {
					return err
				}
			}
			add("foreign key %s (%s) references %s (%s) on delete %s", table, strings.Join(k.from, ", "), k.ref, strings.Join(k.to, ", "), k.onDelete)
		}
		type index struct {
			name, origin    string
			unique, partial bool
		}
		var indexes []index
		if err := query(ctx, db, `SELECT name, "unique", origin, partial FROM pragma_index_list(?)`, func(scan func(...any) error) error {
			var ix index
			if err := scan(&ix.name, &ix.unique, &ix.origin, &ix.partial); err != nil {
				return err
			}
			indexes = append(indexes, ix)
			return nil
		}, table); err != nil {
			return err
		}
		for _, ix := range indexes {
			if ix.origin == "pk" {
				continue
			}
			var cols []string
			if err := query(ctx, db, `SELECT COALESCE(name, 'expr') FROM pragma_index_info(?) ORDER BY seqno`, func(scan func(...any) error) error {
				var col string
				if err := scan(&col); err != nil {
					return err
				}
				cols = append(cols, col)
				return nil
			}, ix.name); err != nil {
				return err
			}
			name := ix.name
			if ix.origin != "c" {
				name = ""
			}
			indexFact(add, table, strings.Join(cols, ", "), ix.unique, ix.partial, name)
		}
	}
	return nil
}
