package investigate

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"slices"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"

	"coldset/internal/ledger"
)

// BundleFormat names the layout of evidence bundles this package writes and reads.
// Layout 1 held one file and one inclusion proof per entry; layout 2 holds the
// entries as the lines of one file, from which a verifier rebuilds the whole tree,
// and inclusion proofs only for the entries the report cites.
const BundleFormat = "coldset-evidence-bundle/2"

// Files of an evidence bundle.
const (
	fileManifest    = "manifest.json"
	fileManifestSig = "manifest.sig"
	fileCheckpoint  = "checkpoint.txt"
	fileVerifierKey = "verifier.key"
	fileEntries     = "entries.jsonl"
	fileInclusion   = "proofs/inclusion.json"
	fileConsistency = "proofs/consistency.json"
	fileReportJSON  = "report.json"
	fileReportHTML  = "report.html"
	fileReadme      = "README.txt"
)

// Manifest lists what a bundle holds and the SHA-256 of every other file. It is
// signed (manifest.sig) with the deployment key, so files that no proof covers (the
// printed report) cannot be swapped either.
type Manifest struct {
	Format     string            `json:"format"`
	Production string            `json:"production"`
	From       time.Time         `json:"from,omitzero"` // the period asked for; zero: unbounded
	To         time.Time         `json:"to,omitzero"`
	Entries    uint64            `json:"entries"` // entries 0 .. Entries-1 are in the bundle
	Files      map[string]string `json:"files"`   // name -> hex SHA-256
}

// InclusionProof proves one entry is in the checkpointed log.
type InclusionProof struct {
	Index    uint64   `json:"index"`
	LeafHash []byte   `json:"leaf_hash"`
	Proof    [][]byte `json:"proof"`
}

// ConsistencyProof proves the checkpointed log extends the first FromSize entries,
// the ones the bundle holds.
type ConsistencyProof struct {
	FromSize uint64   `json:"from_size"`
	FromRoot []byte   `json:"from_root"`
	ToSize   uint64   `json:"to_size"`
	Proof    [][]byte `json:"proof"`
}

// ExtraFiles returns files to add to a bundle made of report r (the PDF).
type ExtraFiles func(r *Report) (map[string][]byte, error)

// Export writes the evidence bundle of rec's period as a zip: the entries from the
// first up to the period's end (earlier entries are the context the report is built
// from: people, lots), one per line of entries.jsonl, byte for byte as they were
// hashed; the latest checkpoint; a consistency proof from those entries to the
// checkpoint; an inclusion proof for every entry the report's failure chain,
// overrides and incidents cite; the verifier key; the report in JSON and HTML; and
// the files extra gives (the PDF). The manifest of all of them is signed with s, the
// key that signs the checkpoints.
func Export(w io.Writer, rec *Record, s note.Signer, vkey string, opts Options, extra ExtraFiles) error {
	r, err := Build(rec, opts)
	if err != nil {
		return err
	}
	end := uint64(0)
	if r.Period.Last != nil {
		end = *r.Period.Last + 1
	}
	fail := func(err error) error { return fmt.Errorf("export %s: %w", rec.Production, err) }
	files := map[string][]byte{fileCheckpoint: []byte(rec.Checkpoint.Signed), fileVerifierKey: []byte(vkey + "\n"), fileReadme: []byte(readme)}
	if extra != nil {
		more, err := extra(r)
		if err != nil {
			return err
		}
		maps.Copy(files, more)
	}
	cited := r.cited(end)
	inc := make([]InclusionProof, 0, len(cited))
	for _, i := range cited {
		pf, err := rec.InclusionProof(i)
		if err != nil {
			return fail(err)
		}
		inc = append(inc, InclusionProof{Index: i, LeafHash: ledger.LeafHash(rec.Entries[i].Body), Proof: nonNil(pf)})
	}
	cpf, root, err := rec.ConsistencyProof(end)
	if err != nil {
		return fail(err)
	}
	for name, v := range map[string]any{
		fileInclusion:   inc,
		fileConsistency: ConsistencyProof{FromSize: end, FromRoot: root, ToSize: rec.Checkpoint.Size, Proof: nonNil(cpf)},
	} {
		if files[name], err = marshal(v); err != nil {
			return fail(err)
		}
	}
	if files[fileReportJSON], err = r.JSON(); err != nil {
		return fail(err)
	}
	if files[fileReportHTML], err = HTML(r); err != nil {
		return err
	}
	// Each file is compressed, checksummed and hashed once; the entries straight
	// from the record, without joining them first.
	packs := map[string]*packed{}
	for name, data := range files {
		packs[name] = packBytes(data)
		files[name] = nil // its blocks are all that is kept
	}
	if packs[fileEntries], err = packLines(rec.Entries[:end]); err != nil {
		return fail(err)
	}
	m := Manifest{Format: BundleFormat, Production: rec.Production, From: opts.From, To: opts.To, Entries: end, Files: map[string]string{}}
	for name, p := range packs {
		m.Files[name] = p.sum
	}
	manifest, err := marshal(m)
	if err != nil {
		return fail(err)
	}
	sig, err := note.Sign(&note.Note{Text: manifestNote(rec.Production, manifest)}, s)
	if err != nil {
		return fail(fmt.Errorf("sign manifest: %w", err))
	}
	packs[fileManifest], packs[fileManifestSig] = packBytes(manifest), packBytes(sig)
	if err := writeZip(w, packs); err != nil {
		return fail(err)
	}
	return nil
}

// cited lists, in order, the entries below end that the report's failure chain,
// overrides and incidents cite: the entries a bundle proves one by one.
func (r *Report) cited(end uint64) []uint64 {
	var out []uint64
	add := func(idx ...uint64) {
		for _, i := range idx {
			if i < end {
				out = append(out, i)
			}
		}
	}
	for _, s := range r.FailureChain {
		for _, f := range s.Findings {
			add(f.Index)
			add(f.Entries...)
		}
	}
	for _, o := range r.Overrides {
		add(o.Index)
		add(o.Entries...)
	}
	for _, in := range r.Incidents {
		add(in.Opened)
		for _, p := range []*uint64{in.Cause, in.Closed} {
			if p != nil {
				add(*p)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// hashes returns the SHA-256 of every file, computed on all CPUs.
func hashes(files map[string][]byte) map[string]string {
	names := slices.Sorted(maps.Keys(files))
	sums := make([]string, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() { sums[i] = sha256Hex(files[name]) })
	}
	wg.Wait()
	out := make(map[string]string, len(names))
	for i, name := range names {
		out[name] = sums[i]
	}
	return out
}

// packed is one file of a bundle, ready for the zip: compressed as one raw DEFLATE
// stream made of blocks compressed independently, in parallel, each ended by a flush
// to a byte boundary (the last by the final block), so that they join into one
// stream any inflater reads.
type packed struct {
	size   uint64
	crc    uint32
	sum    string // hex SHA-256
	blocks [][]byte
}

// deflateBlock is about how much of a file one CPU compresses at a time.
const deflateBlock = 1 << 20

// packBytes packs a file held in memory.
func packBytes(data []byte) *packed {
	n := max(1, (len(data)+deflateBlock-1)/deflateBlock)
	return pack(n, func(i int, w io.Writer) {
		_, _ = w.Write(data[i*deflateBlock : min((i+1)*deflateBlock, len(data))])
	})
}

// packLines packs entries.jsonl: the entries' bodies, each on a line. A body is
// compact JSON (Encode writes it so), which never holds a newline; one that does
// cannot be a line.
func packLines(items []Item) (*packed, error) {
	starts := []int{0} // the first entry of each block
	size := 0
	for i := range items {
		b := items[i].Body
		if bytes.IndexByte(b, '\n') >= 0 {
			return nil, fmt.Errorf("entry %d holds a newline: it cannot be a line of %s", items[i].Index, fileEntries)
		}
		if size >= deflateBlock {
			starts, size = append(starts, i), 0
		}
		size += len(b) + 1
	}
	newline := []byte{'\n'}
	return pack(len(starts), func(k int, w io.Writer) {
		end := len(items)
		if k+1 < len(starts) {
			end = starts[k+1]
		}
		for i := starts[k]; i < end; i++ {
			_, _ = w.Write(items[i].Body)
			_, _ = w.Write(newline)
		}
	}), nil
}

// pack packs a file of n blocks that put writes (each may be written twice): the
// blocks are compressed on all CPUs while the checksums are taken in order beside.
func pack(n int, put func(block int, w io.Writer)) *packed {
	p := &packed{blocks: make([][]byte, n)}
	var sums sync.WaitGroup
	sums.Go(func() {
		h, c := sha256.New(), crc32.NewIEEE()
		cw := &countingWriter{w: io.MultiWriter(h, c)}
		for i := range n {
			put(i, cw)
		}
		p.size, p.crc, p.sum = cw.n, c.Sum32(), hex.EncodeToString(h.Sum(nil))
	})
	parallel(n, 2, func(lo, hi int) {
		var buf bytes.Buffer
		fw, _ := flate.NewWriter(&buf, flate.BestSpeed) // the level is valid
		for i := lo; i < hi; i++ {
			buf.Reset()
			fw.Reset(&buf)
			put(i, fw)
			// Writing to memory does not fail.
			if i == n-1 {
				_ = fw.Close()
			} else {
				_ = fw.Flush()
			}
			p.blocks[i] = bytes.Clone(buf.Bytes())
		}
	})
	sums.Wait()
	return p
}

type countingWriter struct {
	w io.Writer
	n uint64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	c.n += uint64(len(b))
	return c.w.Write(b)
}

// writeZip writes the files as a zip, in name order with a fixed time, so the same
// files always make the same bytes.
func writeZip(w io.Writer, files map[string]*packed) error {
	zw := zip.NewWriter(w)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		p := files[name]
		compressed := 0
		for _, b := range p.blocks {
			compressed += len(b)
		}
		f, err := zw.CreateRaw(&zip.FileHeader{
			Name: name, Method: zip.Deflate, Modified: time.Unix(0, 0).UTC(),
			CRC32: p.crc, CompressedSize64: uint64(compressed), UncompressedSize64: p.size,
		})
		for _, b := range p.blocks {
			if err == nil {
				_, err = f.Write(b)
			}
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return zw.Close()
}

// manifestNote is the text the manifest's signature covers. Its first line is not a
// checkpoint origin, so the signature can never pass for a checkpoint.
func manifestNote(production string, manifest []byte) string {
	return fmt.Sprintf("coldset evidence bundle manifest\n%s\n%s\n", production, sha256Hex(manifest))
}

// marshal is the compact JSON of a bundle's file, ending in a newline.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

const readme = `coldset evidence bundle (` + BundleFormat + `)

entries.jsonl           the ledger entries from index 0, one per line, byte for byte as they
                        were hashed (RFC 6962 leaves); line N is entry N-1
checkpoint.txt          the production's latest signed checkpoint (C2SP checkpoint, signed note)
proofs/consistency.json proof that the checkpointed log extends the entries held here
proofs/inclusion.json   inclusion proofs in the checkpointed tree of the entries the report's
                        failure chain, overrides and incidents cite
verifier.key            the note verifier key of the deployment that signed the checkpoint
report.json/.html/.pdf  the investigation report built from these entries
manifest.json           the SHA-256 of every file, signed in manifest.sig with the same key

Check it offline:  coldset verify --bundle THIS.zip --vkey 'KEY'
(compare KEY with the verifier key the production published, not only with verifier.key)
It rebuilds the tree from every entry and checks it against the checkpoint, rebuilds the
report and compares it, and checks every proof and every file against the signed manifest.
`
