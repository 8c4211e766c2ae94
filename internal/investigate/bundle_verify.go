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

// VerifyBundle checks an evidence bundle offline: the checkpoint's signature, the
// tree of all the entries held against the checkpoint (through the consistency
// proof), the reports against the ones rebuilt from the entries, the inclusion
// proofs of the entries the report cites, and every other file against the signed
// manifest. With vkey empty the bundle's own verifier.key is trusted
// (Checked.KeyExpected says so); otherwise everything must be signed by vkey. The
// first thing that does not match is returned as a *BundleError.
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

	// The manifest says which layout, production and how many entries: check it is
	// one this reads, and signed.
	var m Manifest
	if err := unmarshal(files, fileManifest, &m); err != nil {
		return nil, err
	}
	if m.Format != BundleFormat {
		return nil, bad(fileManifest, "%s", formatError(m.Format))
	}
	sig, err := note.Open(files[fileManifestSig], note.VerifierList(v))
	if err != nil {
		return nil, bad(fileManifestSig, "not signed by the expected key: %v", err)
	}
	if sig.Text != manifestNote(m.Production, files[fileManifest]) {
		return nil, bad(fileManifest, "does not match its signature in %s (the manifest was changed)", fileManifestSig)
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
	items, leaves, err := checkEntries(files, m)
	if err != nil {
		return nil, err
	}
	if err := checkConsistency(files, items, leaves, cp.Size, cp.Hash); err != nil {
		return nil, err
	}
	rec := &Record{Production: m.Production, Entries: items,
		Checkpoint: Checkpoint{Origin: ledger.Origin(m.Production), Size: cp.Size, RootHash: b64(cp.Hash), Signed: string(files[fileCheckpoint])}}
	ck.Checkpoint = rec.Checkpoint
	r, err := checkReports(files, rec, Options{From: m.From, To: m.To})
	if err != nil {
		return nil, err
	}
	if err := checkInclusion(files, r.cited(m.Entries), leaves, cp.Size, cp.Hash); err != nil {
		return nil, err
	}
	// Everything else (the PDF, the readme) is covered by the signed manifest.
	sums := hashes(files)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		want, listed := m.Files[name]
		switch {
		case name == fileManifest || name == fileManifestSig:
		case !listed:
			return nil, bad(name, "is not listed in the manifest")
		case sums[name] != want:
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

// formatError explains a bundle layout this does not read.
func formatError(format string) string {
	if format == "coldset-evidence-bundle/1" {
		return fmt.Sprintf("the bundle is in layout %s (one file and one proof per entry), written by an earlier coldset; "+
			"this coldset reads %s only: export the bundle again, or check it with the coldset that wrote it", format, BundleFormat)
	}
	return fmt.Sprintf("format %q is not a bundle layout this coldset reads (it reads %s)", format, BundleFormat)
}

// checkEntries reads entries.jsonl: one entry per line, entry i on line i+1, as
// many as the manifest lists. It returns them decoded, with their leaf hashes.
func checkEntries(files map[string][]byte, m Manifest) ([]Item, [][]byte, error) {
	data, ok := files[fileEntries]
	if !ok {
		return nil, nil, bad(fileEntries, "is missing from the bundle")
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		return nil, nil, bad(fileEntries, "does not end with a newline: its last line was cut")
	}
	if n := uint64(bytes.Count(data, []byte{'\n'})); n != m.Entries {
		return nil, nil, bad(fileEntries, "holds %d lines, the manifest lists %d entries", n, m.Entries)
	}
	bodies := make([][]byte, 0, m.Entries)
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		bodies = append(bodies, data[:i:i])
		data = data[i+1:]
	}
	items := make([]Item, len(bodies))
	leaves := make([][]byte, len(bodies))
	errs := make([]error, len(bodies))
	parallel(len(bodies), 256, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			e, err := ledger.DecodeEntry(bodies[i])
			switch {
			case err != nil:
				errs[i] = bad(fileEntries, "line %d does not decode as a ledger entry: %v", i+1, err)
			case e.Production != m.Production || e.Index != uint64(i):
				errs[i] = bad(fileEntries, "line %d is entry %d of %q, not entry %d of %s (lines were removed, added or reordered)", i+1, e.Index, e.Production, i, m.Production)
			}
			items[i] = Item{Entry: e, Body: bodies[i]}
			leaves[i] = ledger.LeafHash(bodies[i])
		}
	})
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	return items, leaves, nil
}

// checkConsistency checks that the checkpointed log extends the root the
// consistency proof starts from, then that the entries held hash to that root.
func checkConsistency(files map[string][]byte, items []Item, leaves [][]byte, size uint64, root []byte) error {
	var c ConsistencyProof
	if err := unmarshal(files, fileConsistency, &c); err != nil {
		return err
	}
	n := uint64(len(leaves))
	if c.FromSize != n || c.ToSize != size {
		return bad(fileConsistency, "proves %d..%d, the bundle holds %d entries of %d", c.FromSize, c.ToSize, n, size)
	}
	if err := proof.VerifyConsistency(rfc6962.DefaultHasher, n, size, c.Proof, c.FromRoot, root); err != nil {
		return bad(fileConsistency, "the checkpoint does not extend the root it starts from: %v", err)
	}
	t := ledger.NewTree()
	for _, l := range leaves {
		t.AppendLeafHash(l)
	}
	got := t.Root()
	if n == 0 && !bytes.Equal(got, c.FromRoot) {
		return bad(fileConsistency, "from_root %s is not the root of no entries", b64(c.FromRoot))
	}
	if !bytes.Equal(got, c.FromRoot) {
		return bad(fileEntries, "%s", blameEntries(items, leaves, got, c.FromRoot))
	}
	return nil
}

// blameEntries says which line of entries that do not hash to the root the
// checkpoint vouches for was changed: each entry carries its predecessor's leaf
// hash (prev), so a changed line breaks the link of the line after it.
func blameEntries(items []Item, leaves [][]byte, got, want []byte) string {
	for i := 1; i < len(items); i++ {
		if prev := items[i].Prev; len(prev) > 0 && !bytes.Equal(prev, leaves[i-1]) {
			return fmt.Sprintf("line %d or line %d was changed: the prev hash on line %d is not the hash of line %d", i, i+1, i+1, i)
		}
	}
	return fmt.Sprintf("the entries hash to root %s, not to %s that the checkpoint vouches for: an entry was changed (the last line, as no prev link is broken)", b64(got), b64(want))
}

// checkReports rebuilds the report from the entries and compares it with the
// bundle's, byte for byte.
func checkReports(files map[string][]byte, rec *Record, opts Options) (*Report, error) {
	r, err := Build(rec, opts)
	if err != nil {
		return nil, bad(fileReportJSON, "cannot be rebuilt from the entries: %v", err)
	}
	js, err := r.JSON()
	if err != nil {
		return nil, bad(fileReportJSON, "%v", err)
	}
	if !bytes.Equal(js, files[fileReportJSON]) {
		return nil, bad(fileReportJSON, "is not the report the entries give (it was changed)")
	}
	page, err := HTML(r)
	if err != nil || !bytes.Equal(page, files[fileReportHTML]) {
		return nil, bad(fileReportHTML, "is not the report the entries give (it was changed)")
	}
	return r, nil
}

// checkInclusion checks that the bundle proves each entry the report cites, and
// each proof against the checkpoint. The tree of all entries was already checked;
// the proofs serve whoever checks one cited entry without the others.
func checkInclusion(files map[string][]byte, cited []uint64, leaves [][]byte, size uint64, root []byte) error {
	var inc []InclusionProof
	if err := unmarshal(files, fileInclusion, &inc); err != nil {
		return err
	}
	if len(inc) != len(cited) {
		return bad(fileInclusion, "holds %d proofs, the report cites %d entries", len(inc), len(cited))
	}
	for k, p := range inc {
		i := cited[k]
		if p.Index != i {
			return bad(fileInclusion, "proof %d is for entry %d, the report's cited entry %d is %d", k, p.Index, k, i)
		}
		if !bytes.Equal(p.LeafHash, leaves[i]) {
			return bad(fileInclusion, "the leaf hash of entry %d is not the entry's", i)
		}
		if err := proof.VerifyInclusion(rfc6962.DefaultHasher, i, size, leaves[i], p.Proof, root); err != nil {
			return bad(fileInclusion, "the inclusion proof of entry %d does not verify against the checkpoint: %v", i, err)
		}
	}
	return nil
}

// unzip reads every file of a bundle; a name that appears twice is refused, since a
// reader could otherwise be shown a different file than the one checked.
func unzip(zipped []byte) (map[string][]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	if err != nil {
		return nil, bad("bundle", "not a zip file: %v", err)
	}
	seen := map[string]bool{}
	for _, f := range zr.File {
		if seen[f.Name] {
			return nil, bad(f.Name, "appears twice in the bundle")
		}
		seen[f.Name] = true
	}
	// The files inflate on all CPUs; the first one in the zip that fails is named.
	data := make([][]byte, len(zr.File))
	errs := make([]error, len(zr.File))
	parallel(len(zr.File), 2, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			data[i], errs[i] = inflate(zr.File[i])
		}
	})
	files := make(map[string][]byte, len(zr.File))
	for i, f := range zr.File {
		if errs[i] != nil {
			return nil, bad(f.Name, "%v", errs[i])
		}
		files[f.Name] = data[i]
	}
	return files, nil
}

// inflate reads one file of a bundle, up to maxBundleFile bytes.
func inflate(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	// Room for the size the zip declares, within what its compressed size can
	// inflate to (DEFLATE compresses 1032:1 at most).
	room := min(f.UncompressedSize64, maxBundleFile, 1032*f.CompressedSize64+64)
	buf := bytes.NewBuffer(make([]byte, 0, room+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(rc, maxBundleFile+1)); err != nil {
		return nil, err
	}
	if buf.Len() > maxBundleFile {
		return nil, fmt.Errorf("larger than %d bytes", maxBundleFile)
	}
	return buf.Bytes(), nil
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
