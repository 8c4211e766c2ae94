package ledger_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"coldset/internal/ledger"
	"coldset/internal/store/storetest"
)

func TestZZH5PG(t *testing.T) {
	st := storetest.OpenPostgres(t)
	s := testSigner(t)
	l, err := ledger.Open(context.Background(), st, s, "p1", ledger.NewNopFolder)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	note := make([]byte, 180)
	body := make([]byte, 220)
	var n2, n3 uint64
	for round := 0; round < 3; round++ {
		t0 := time.Now()
		for i := 0; i < 1000; i++ {
			if err := st.Append(ctx, "p2", n2, [][]byte{body}, note); err != nil {
				t.Fatal(err)
			}
			n2++
		}
		a := time.Since(t0)
		t0 = time.Now()
		for i := 0; i < 1000; i++ {
			cctx, cancel := context.WithTimeout(ctx, time.Minute)
			if err := st.Append(cctx, "p3", n3, [][]byte{body}, note); err != nil {
				t.Fatal(err)
			}
			cancel()
			n3++
		}
		c := time.Since(t0)
		t0 = time.Now()
		for i := 0; i < 1000; i++ {
			if _, err := l.Do(ctx, func(ledger.Folder, uint64) ([]ledger.Entry, error) {
				return []ledger.Entry{{Time: time.Now(), Type: "x", Payload: []byte(`{"n":1}`)}}, nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		b := time.Since(t0)
		fmt.Printf("store %v/op  store-timeoutctx %v/op  ledger %v/op\n", a/1000, c/1000, b/1000)
	}
}
