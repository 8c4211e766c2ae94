package investigate

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"coldset/internal/ledger"
)

// BundleError names the first file of a bundle that does not check, and why.
type BundleError struct {
	File   string
	Reason string
}

func (e *BundleError) Error() string { return e.File + ": " + e.Reason }

func bad(file, format string, args ...any) error {
	return &BundleError{File: file, Reason: fmt.Sprintf(format, args...)}
}

// Checked is what VerifyBundle established.
type Checked struct {
	Production  string
	Entries     uint64 // entries held and proven
	Checkpoint  Checkpoint
	VerifierKey string
	KeyExpected bool // the signatures were checked against a key given by the caller
	Files       int
}

// VerifyBundle checks an evidence bundle offline: the checkpoint's signature, every
// entry against its inclusion proof, the entries' root and its consistency with the
// checkpoint, the reports against the ones rebuilt from the entries, and every other
// file against the signed manifest. With vkey empty the bundle's own verifier.key is
// trusted (Checked.KeyExpected says so); otherwise everything must be signed by
// vkey. The first thing that does not match is returned as a *BundleError.
func VerifyBundle(zipped []byte, vkey string) (*Checked, error) {
	files, err := unzip(zipped)
	if err != nil {
		return nil, err
	}
	ck := &Checked{Files: len(files), KeyExpected: vkey != ""}
	key := strings.TrimSpace(string(files[fileVerifierKey]))
	if vkey == "" {
		vkey = key
	} else if key != strings.TrimSpace(vkey) {
		return nil, bad(fileVerifierKey, "holds key %q, not the expected key %q", key, vkey)
	}
	v, err := note.NewVerifier(strings.TrimSpace(vkey))
	if err != nil {
		return nil, bad(fileVerifierKey, "not a note verifier key: %v", err)
	}
	ck.VerifierKey = v.Name() + "+" + fmt.Sprintf("%08x", v.KeyHash())

	// The manifest says which production and how many entries: check it is signed.
	var m Manifest
	if err := unmarshal(files, fileManifest, &m); err != nil {
		return nil, err
	}
	sig, err := note.Open(files[fileManifestSig], note.VerifierList(v))
	if err != nil {
		return nil, bad(fileManifestSig, "not signed by the expected key: %v", err)
	}
	if sig.Text != manifestNote(m.Production, files[fileManifest]) {
		return nil, bad(fileManifest, "does not match its signature in %s (the manifest was changed)", fileManifestSig)
	}
	if m.Format != BundleFormat {
		return nil, bad(fileManifest, "format %q, want %q", m.Format, BundleFormat)
	}
	ck.Production, ck.Entries = m.Production, m.Entries

	production, cp, err := ledger.OpenCheckpoint(files[fileCheckpoint], v)
	if err != nil {
		return nil, bad(fileCheckpoint, "%v", err)
	}
	if production != m.Production {
		return nil, bad(fileCheckpoint, "is for production %q, the manifest for %q", production, m.Production)
	}
	if m.Entries > cp.Size {
		return nil, bad(fileManifest, "lists %d entries, the checkpoint commits to %d", m.Entries, cp.Size)
	}
	bodies, err := checkEntries(files, m, cp.Size, cp.Hash)
	if err != nil {
		return nil, err
	}
	if err := checkConsistency(files, m.Entries, bodies, cp.Size, cp.Hash); err != nil {
		return nil, err
	}
	rec, err := partialRecord(m.Production, files[fileCheckpoint], cp.Size, cp.Hash, bodies)
	if err != nil {
		return nil, bad(entryFile(0), "%v", err)
	}
	ck.Checkpoint = rec.Checkpoint
	if err := checkReports(files, rec, Options{From: m.From, To: m.To}); err != nil {
		return nil, err
	}
	// Everything else (the PDF, the readme) is covered by the signed manifest.
	for _, name := range slices.Sorted(maps.Keys(files)) {
		want, listed := m.Files[name]
		switch {
		case name == fileManifest || name == fileManifestSig:
		case !listed:
			return nil, bad(name, "is not listed in the manifest")
		case sha256Hex(files[name]) != want:
			return nil, bad(name, "its SHA-256 is not the one in the signed manifest (the file was changed)")
		}
	}
	for _, name := range slices.Sorted(maps.Keys(m.Files)) {
		if _, ok := files[name]; !ok {
			return nil, bad(name, "is listed in the manifest but missing from the bundle")
		}
	}
	return ck, nil
}

// checkEntries checks every entry file against its inclusion proof in the
// checkpointed tree and returns the bodies in index order.
func checkEntries(files map[string][]byte, m Manifest, size uint64, root []byte) ([][]byte, error) {
	var inc []InclusionProof
	if err := unmarshal(files, fileInclusion, &inc); err != nil {
		return nil, err
	}
	if uint64(len(inc)) != m.Entries {
		return nil, bad(fileInclusion, "holds %d proofs for %d entries", len(inc), m.Entries)
	}
	for name := range files {
		if strings.HasPrefix(name, "entries/") && !slices.ContainsFunc(inc, func(p InclusionProof) bool { return entryFile(p.Index) == name }) {
			return nil, bad(name, "is not one of the bundle's %d entries", m.Entries)
		}
	}
	bodies := make([][]byte, m.Entries)
	for i := range m.Entries {
		name := entryFile(i)
		body, ok := files[name]
		if !ok {
			return nil, bad(name, "entry %d is missing from the bundle", i)
		}
		p := inc[i]
		if p.Index != i {
			return nil, bad(fileInclusion, "proof %d is for entry %d", i, p.Index)
		}
		leaf := ledger.LeafHash(body)
		if err := proof.VerifyInclusion(rfc6962.DefaultHasher, i, size, leaf, p.Proof, root); err != nil {
			if proof.VerifyInclusion(rfc6962.DefaultHasher, i, size, p.LeafHash, p.Proof, root) == nil {
				return nil, bad(name, "entry %d does not match the checkpoint: its bytes were changed", i)
			}
			return nil, bad(fileInclusion, "the inclusion proof of entry %d does not verify against the checkpoint: %v", i, err)
		}
		if !bytes.Equal(leaf, p.LeafHash) {
			return nil, bad(fileInclusion, "the leaf hash of entry %d is not the entry's", i)
		}
		e, err := ledger.DecodeEntry(body)
		if err != nil || e.Production != m.Production || e.Index != i {
			return nil, bad(name, "is not entry %d of %s", i, m.Production)
		}
		bodies[i] = body
	}
	return bodies, nil
}

// checkConsistency recomputes the root of the entries held and proves the
// checkpointed log extends it.
func checkConsistency(files map[string][]byte, n uint64, bodies [][]byte, size uint64, root []byte) error {
	var c ConsistencyProof
	if err := unmarshal(files, fileConsistency, &c); err != nil {
		return err
	}
	t := ledger.NewTree()
	for _, b := range bodies {
		t.Append(b)
	}
	if c.FromSize != n || c.ToSize != size {
		return bad(fileConsistency, "proves %d..%d, the bundle holds %d entries of %d", c.FromSize, c.ToSize, n, size)
	}
	if !bytes.Equal(c.FromRoot, t.Root()) {
		return bad(fileConsistency, "from_root %s is not the root of the %d entries held (%s)", b64(c.FromRoot), n, b64(t.Root()))
	}
	if err := proof.VerifyConsistency(rfc6962.DefaultHasher, n, size, c.Proof, c.FromRoot, root); err != nil {
		return bad(fileConsistency, "the checkpoint does not extend the entries held: %v", err)
	}
	return nil
}

// checkReports rebuilds the report from the entries and compares it with the
// bundle's, byte for byte.
func checkReports(files map[string][]byte, rec *Record, opts Options) error {
	r, err := Build(rec, opts)
	if err != nil {
		return bad(fileReportJSON, "cannot be rebuilt from the entries: %v", err)
	}
	js, err := marshal(r)
	if err != nil {
		return bad(fileReportJSON, "%v", err)
	}
	if !bytes.Equal(js, files[fileReportJSON]) {
		return bad(fileReportJSON, "is not the report the entries give (it was changed)")
	}
	page, err := HTML(r)
	if err != nil || !bytes.Equal(page, files[fileReportHTML]) {
		return bad(fileReportHTML, "is not the report the entries give (it was changed)")
	}
	return nil
}

// partialRecord is a record of the first entries of a log whose checkpoint commits
// to more: the entries were proven one by one, the checkpoint is the log's.
func partialRecord(production string, signed []byte, size uint64, root []byte, bodies [][]byte) (*Record, error) {
	rec := &Record{Production: production, tree: ledger.NewTree(),
		Checkpoint: Checkpoint{Origin: ledger.Origin(production), Size: size, RootHash: b64(root), Signed: string(signed)}}
	for i, b := range bodies {
		e, err := ledger.DecodeEntry(b)
		if err != nil {
			return nil, fmt.Errorf("entry %d: %w", i, err)
		}
		rec.Entries = append(rec.Entries, Item{Entry: e, Body: b})
		rec.tree.Append(b)
	}
	return rec, nil
}

// unzip reads every file of a bundle; a name that appears twice is refused, since a
// reader could otherwise be shown a different file than the one checked.
func unzip(zipped []byte) (map[string][]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	if err != nil {
		return nil, bad("bundle", "not a zip file: %v", err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		if _, dup := files[f.Name]; dup {
			return nil, bad(f.Name, "appears twice in the bundle")
		}
		rc, err := f.Open()
		if err != nil {
			return nil, bad(f.Name, "%v", err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, maxBundleFile+1))
		if err == nil && len(b) > maxBundleFile {
			err = fmt.Errorf("larger than %d bytes", maxBundleFile)
		}
		rc.Close()
		if err != nil {
			return nil, bad(f.Name, "%v", err)
		}
		files[f.Name] = b
	}
	return files, nil
}

// maxBundleFile bounds what one file of a bundle may inflate to.
const maxBundleFile = 1 << 30

func unmarshal(files map[string][]byte, name string, v any) error {
	b, ok := files[name]
	if !ok {
		return bad(name, "is missing from the bundle")
	}
	if err := json.Unmarshal(b, v); err != nil {
		return bad(name, "does not decode: %v", err)
	}
	return nil
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
