package bench

import (
	"context"
	"flag"
	"os"

	"coldset/internal/ledger"
	"coldset/internal/store"
	"coldset/internal/store/postgres"
	"coldset/internal/store/sqlite"
)

// storeFlags are coldset's store flags, for bench append, which measures the store
// a deployment would use: --db (COLDSET_DB, default coldset.db in the working
// directory) or --postgres (COLDSET_POSTGRES); the key is --key (COLDSET_KEY), by
// default beside the SQLite file. They read as every other command's.
type storeFlags struct {
	db       string
	postgres string
	key      string
}

func (f *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.db, "db", envOr("COLDSET_DB", "coldset.db"), "SQLite database file (env COLDSET_DB)")
	fs.StringVar(&f.postgres, "postgres", os.Getenv("COLDSET_POSTGRES"), "PostgreSQL URL, instead of SQLite (env COLDSET_POSTGRES)")
	fs.StringVar(&f.key, "key", os.Getenv("COLDSET_KEY"), "deployment key file (env COLDSET_KEY; default: beside the SQLite file, with extension .key)")
}

// keyPath returns where the deployment key lives: --key, or beside the SQLite file.
func (f *storeFlags) keyPath() string {
	if f.key != "" {
		return f.key
	}
	return ledger.KeyPathFor(f.db)
}

// open opens the chosen store, creating a new SQLite database if there is none.
func (f *storeFlags) open(ctx context.Context) (store.Store, error) {
	if f.postgres != "" {
		return postgres.Open(ctx, f.postgres)
	}
	return sqlite.Open(f.db)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
