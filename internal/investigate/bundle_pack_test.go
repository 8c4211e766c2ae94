package investigate

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

// unpack zips one packed file and reads it back as any zip reader would.
func unpack(t *testing.T, p *packed) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := writeZip(&buf, map[string]*packed{"f": p}); err != nil {
		t.Fatal(err)
	}
	files, err := unzip(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return files["f"]
}

func TestPackBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, deflateBlock - 1, deflateBlock, 3*deflateBlock + 17} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			data := make([]byte, n)
			for i := range data {
				if i%3 == 0 { // some repetition, some noise
					data[i] = byte(rng.Uint32())
				} else {
					data[i] = byte('a' + i%7)
				}
			}
			p := packBytes(data)
			if p.sum != sha256Hex(data) || p.size != uint64(n) {
				t.Errorf("packed size %d sum %s, want %d %s", p.size, p.sum, n, sha256Hex(data))
			}
			if got := unpack(t, p); !bytes.Equal(got, data) {
				t.Errorf("unpacked %d bytes, not the %d packed", len(got), n)
			}
		})
	}
}

func TestPackLines(t *testing.T) {
	for _, n := range []int{0, 1, 20000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			items := make([]Item, n)
			var want []byte
			for i := range items {
				items[i].Body = fmt.Appendf(nil, `{"production":"p","index":%d,"payload":{"text":"%0*d"}}`, i, i%500, i)
				want = append(append(want, items[i].Body...), '\n')
			}
			p, err := packLines(items)
			if err != nil {
				t.Fatal(err)
			}
			if p.sum != sha256Hex(want) {
				t.Errorf("sum of the packed lines is not the lines'")
			}
			if got := unpack(t, p); !bytes.Equal(got, want) {
				t.Errorf("unpacked %d bytes, want the %d of the lines", len(got), len(want))
			}
		})
	}
	if _, err := packLines([]Item{{Body: []byte("{\n}")}}); err == nil {
		t.Errorf("an entry with a newline packed as a line")
	}
}
