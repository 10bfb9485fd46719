package store

import (
	"context"
	"slices"
)

// Raw runs a query into dest; tests use it to inspect what is stored.
func (db *DB) Raw(ctx context.Context, query string, dest any, args ...any) error {
	return db.gorm.WithContext(ctx).Raw(query, args...).Scan(dest).Error
}

// Columns lists a table's columns, sorted.
func (db *DB) Columns(ctx context.Context, table string) ([]string, error) {
	cols, err := db.gorm.WithContext(ctx).Migrator().ColumnTypes(table)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name()
	}
	slices.Sort(names)
	return names, nil
}

// Exec runs a statement, as a database administrator could.
func (db *DB) Exec(ctx context.Context, query string, args ...any) error {
	return db.gorm.WithContext(ctx).Exec(query, args...).Error
}
