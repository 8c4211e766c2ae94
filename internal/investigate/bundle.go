package investigate

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"golang.org/x/mod/sumdb/note"

	"coldset/internal/ledger"
)

// BundleFormat names the layout of evidence bundles this package writes and reads.
const BundleFormat = "coldset-evidence-bundle/1"

// Files of an evidence bundle.
const (
	fileManifest    = "manifest.json"
	fileManifestSig = "manifest.sig"
	fileCheckpoint  = "checkpoint.txt"
	fileVerifierKey = "verifier.key"
	fileInclusion   = "proofs/inclusion.json"
	fileConsistency = "proofs/consistency.json"
	fileReportJSON  = "report.json"
	fileReportHTML  = "report.html"
	fileReadme      = "README.txt"
)

func entryFile(i uint64) string { return fmt.Sprintf("entries/%08d.json", i) }

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

// Export writes the evidence bundle of rec's period as a zip: the entries from the
// first up to the period's end (earlier entries are the context the report is built
// from: people, lots), the latest checkpoint, an inclusion proof for every entry, a
// consistency proof from the entries held to the checkpoint, the verifier key, the
// report in JSON and HTML, and extra files (the PDF). The manifest of all of them is
// signed with s, the key that signs the checkpoints.
func Export(w io.Writer, rec *Record, s note.Signer, vkey string, opts Options, extra map[string][]byte) error {
	r, err := Build(rec, opts)
	if err != nil {
		return err
	}
	end := uint64(0)
	if r.Period.Last != nil {
		end = *r.Period.Last + 1
	}
	files := map[string][]byte{fileCheckpoint: []byte(rec.Checkpoint.Signed), fileVerifierKey: []byte(vkey + "\n"), fileReadme: []byte(readme)}
	maps.Copy(files, extra)
	inc := make([]InclusionProof, 0, end)
	for i := range end {
		files[entryFile(i)] = rec.Entries[i].Body
		pf, err := rec.InclusionProof(i)
		if err != nil {
			return fmt.Errorf("export %s: %w", rec.Production, err)
		}
		inc = append(inc, InclusionProof{Index: i, LeafHash: ledger.LeafHash(rec.Entries[i].Body), Proof: pf})
	}
	cpf, root, err := rec.ConsistencyProof(end)
	if err != nil {
		return fmt.Errorf("export %s: %w", rec.Production, err)
	}
	for name, v := range map[string]any{
		fileInclusion:   inc,
		fileConsistency: ConsistencyProof{FromSize: end, FromRoot: root, ToSize: rec.Checkpoint.Size, Proof: nonNil(cpf)},
		fileReportJSON:  r,
	} {
		if files[name], err = marshal(v); err != nil {
			return fmt.Errorf("export %s: %w", rec.Production, err)
		}
	}
	if files[fileReportHTML], err = HTML(r); err != nil {
		return err
	}
	m := Manifest{Format: BundleFormat, Production: rec.Production, From: opts.From, To: opts.To, Entries: end, Files: map[string]string{}}
	for name, b := range files {
		m.Files[name] = sha256Hex(b)
	}
	if files[fileManifest], err = marshal(m); err != nil {
		return fmt.Errorf("export %s: %w", rec.Production, err)
	}
	if files[fileManifestSig], err = note.Sign(&note.Note{Text: manifestNote(rec.Production, files[fileManifest])}, s); err != nil {
		return fmt.Errorf("export %s: sign manifest: %w", rec.Production, err)
	}

	zw := zip.NewWriter(w)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Unix(0, 0).UTC()})
		if err == nil {
			_, err = f.Write(files[name])
		}
		if err != nil {
			return fmt.Errorf("export %s: %s: %w", rec.Production, name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("export %s: %w", rec.Production, err)
	}
	return nil
}

// manifestNote is the text the manifest's signature covers. Its first line is not a
// checkpoint origin, so the signature can never pass for a checkpoint.
func manifestNote(production string, manifest []byte) string {
	return fmt.Sprintf("coldset evidence bundle manifest\n%s\n%s\n", production, sha256Hex(manifest))
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

const readme = `coldset evidence bundle

entries/NNNNNNNN.json   the ledger entries, byte for byte as they were hashed (RFC 6962 leaves)
checkpoint.txt          the production's latest signed checkpoint (C2SP checkpoint, signed note)
proofs/inclusion.json   for every entry, its inclusion proof in the checkpointed tree
proofs/consistency.json proof that the checkpointed log extends the entries held here
verifier.key            the note verifier key of the deployment that signed the checkpoint
report.json/.html/.pdf  the investigation report built from these entries
manifest.json           the SHA-256 of every file, signed in manifest.sig with the same key

Check it offline:  coldset verify --bundle THIS.zip --vkey 'KEY'
(compare KEY with the verifier key the production published, not only with verifier.key)
`
