package store

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// A Migration is one file of a backend's embedded migrations, NNNN_name.sql, that
// the backend applies once in its own transaction and records in
// schema_migrations under its number.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// LoadMigrations reads the files of dir in fsys as migrations, in version order. A
// file whose name does not start with a positive number and '_', or two files of one
// version, are an error: the order must be the one every deployment applied.
func LoadMigrations(fsys fs.FS, dir string) ([]Migration, error) {
	names, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	var ms []Migration
	seen := make(map[int]string)
	for _, f := range names {
		num, _, ok := strings.Cut(f.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and '_'", f.Name())
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s share version %d", other, f.Name(), v)
		}
		seen[v] = f.Name()
		body, err := fs.ReadFile(fsys, path.Join(dir, f.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", f.Name(), err)
		}
		ms = append(ms, Migration{Version: v, Name: f.Name(), SQL: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}
