package investigate

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"coldset/internal/ledger"
)

// westernBundle exports the western ledger (with a stand-in PDF) and returns the
// bundle's files and the deployment's verifier key.
func westernBundle(t *testing.T, opts Options) (map[string][]byte, string) {
	t.Helper()
	_, files, vkey := exportBundle(t, westernDB(t), opts)
	return files, vkey
}

// exportBundle exports the western ledger of the database at db (with a stand-in PDF),
// signed with the key beside it, and returns the bundle as written, its files and its
// verifier key.
func exportBundle(tb testing.TB, db string, opts Options) ([]byte, map[string][]byte, string) {
	tb.Helper()
	rec, s := loadRecord(tb, db)
	var buf bytes.Buffer
	if err := Export(&buf, rec, signerKey(tb, db), s.VerifierKey(), opts, standInPDF); err != nil {
		tb.Fatal(err)
	}
	files, err := unzip(buf.Bytes())
	if err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes(), files, s.VerifierKey()
}

// standInPDF adds a stand-in for the PDF, which needs Chromium.
func standInPDF(*Report) (map[string][]byte, error) {
	return map[string][]byte{"report.pdf": []byte("%PDF-1.4 stand-in")}, nil
}

// signerKey reads the signing key beside the database at db.
func signerKey(tb testing.TB, db string) note.Signer {
	tb.Helper()
	b, err := os.ReadFile(ledger.KeyPathFor(db))
	if err != nil {
		tb.Fatal(err)
	}
	s, err := note.NewSigner(strings.TrimSpace(string(b)))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// zipFiles writes files as a bundle.
func zipFiles(tb testing.TB, files map[string][]byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		w, err := zw.Create(name)
		if err == nil {
			_, err = w.Write(files[name])
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestVerifyBundle(t *testing.T) {
	files, vkey := westernBundle(t, Options{})
	ck, err := VerifyBundle(zipFiles(t, files), vkey)
	if err != nil {
		t.Fatalf("intact bundle: %v", err)
	}
	if ck.Entries != 63 || ck.Checkpoint.Size != 63 || !ck.KeyExpected {
		t.Errorf("checked = %+v, want 63 entries of 63 against the expected key", ck)
	}
	if _, err := VerifyBundle(zipFiles(t, files), ""); err != nil {
		t.Errorf("intact bundle against its own key: %v", err)
	}
}

func TestVerifyBundleMutations(t *testing.T) {
	files, vkey := westernBundle(t, Options{})
	skey := signerKey(t, westernDB(t))
	tests := []struct {
		name       string
		mutate     func(map[string][]byte)
		wantFile   string
		wantReason string // part of the reason given, if it matters
	}{
		{"entry byte changed", func(f map[string][]byte) { replace(f, fileEntries, "keep shooting", "keep Shooting") }, fileEntries, "line 28 or line 29 was changed"},
		{"entry line removed", func(f map[string][]byte) { editLines(f, func(l [][]byte) [][]byte { return slices.Delete(l, 46, 47) }) }, fileEntries, "62 lines"},
		{"last entry line removed", func(f map[string][]byte) { editLines(f, func(l [][]byte) [][]byte { return l[:62] }) }, fileEntries, "62 lines"},
		{"entry line added", func(f map[string][]byte) { editLines(f, func(l [][]byte) [][]byte { return append(l, l[62]) }) }, fileEntries, "64 lines"},
		{"entry line removed and another repeated", func(f map[string][]byte) {
			editLines(f, func(l [][]byte) [][]byte { return append(slices.Delete(l, 46, 47), l[61]) })
		}, fileEntries, "line 47 is entry 47"},
		{"entry lines swapped", func(f map[string][]byte) {
			editLines(f, func(l [][]byte) [][]byte { l[59], l[60] = l[60], l[59]; return l })
		}, fileEntries, "line 60 is entry 60"},
		{"last entry line changed", func(f map[string][]byte) {
			editLines(f, func(l [][]byte) [][]byte {
				l[62] = bytes.Replace(l[62], []byte(`"type"`), []byte(`"type" `), 1)
				return l
			})
		}, fileEntries, "the last line"},
		{"last newline removed", func(f map[string][]byte) { f[fileEntries] = bytes.TrimSuffix(f[fileEntries], []byte("\n")) }, fileEntries, "cut"},
		{"entries missing", func(f map[string][]byte) { delete(f, fileEntries) }, fileEntries, "missing"},
		{"inclusion proof altered", func(f map[string][]byte) { flipBase64(f, fileInclusion, 2000) }, fileInclusion, ""},
		{"inclusion proof removed", func(f map[string][]byte) {
			var inc []InclusionProof
			if err := json.Unmarshal(f[fileInclusion], &inc); err != nil {
				t.Fatal(err)
			}
			f[fileInclusion], _ = json.Marshal(inc[1:])
		}, fileInclusion, "the report cites"},
		{"consistency proof altered", func(f map[string][]byte) { flipBase64(f, fileConsistency, 0) }, fileConsistency, ""},
		{"checkpoint root altered", func(f map[string][]byte) { flipBase64(f, fileCheckpoint, len("coldset/western-2021\n63\n")) }, fileCheckpoint, ""},
		{"report finding altered", func(f map[string][]byte) {
			replace(f, fileReportJSON, "we cannot lose another day", "we must not lose another day")
		}, fileReportJSON, ""},
		{"report page altered", func(f map[string][]byte) { replace(f, fileReportHTML, ">bypassed<", ">held<") }, fileReportHTML, ""},
		{"pdf altered", func(f map[string][]byte) { f["report.pdf"] = []byte("%PDF-1.4 another") }, "report.pdf", ""},
		{"manifest altered", func(f map[string][]byte) { replace(f, fileManifest, `"entries":63`, `"entries":62`) }, fileManifest, ""},
		{"layout 1, signed", func(f map[string][]byte) { relayout(t, f, skey, "coldset-evidence-bundle/1") }, fileManifest, "earlier coldset"},
		{"unknown layout, signed", func(f map[string][]byte) { relayout(t, f, skey, "coldset-evidence-bundle/3") }, fileManifest, "not a bundle layout"},
		{"file added", func(f map[string][]byte) { f["notes.txt"] = []byte("nothing to see") }, "notes.txt", ""},
		{"verifier key swapped", func(f map[string][]byte) { f[fileVerifierKey] = []byte(otherKey(t).VerifierKey()) }, fileVerifierKey, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := maps.Clone(files)
			tt.mutate(m)
			be := wantFails(t, m, vkey, tt.wantFile)
			if be != nil && !strings.Contains(be.Reason, tt.wantReason) {
				t.Errorf("reason %q lacks %q", be.Reason, tt.wantReason)
			}
		})
	}
}

// editLines changes the lines of entries.jsonl.
func editLines(f map[string][]byte, edit func([][]byte) [][]byte) {
	lines := bytes.SplitAfter(bytes.Clone(f[fileEntries]), []byte("\n"))
	f[fileEntries] = bytes.Join(edit(lines[:len(lines)-1]), nil)
}

// relayout rewrites the manifest's format and signs it again, as a bundle of that
// layout signed by the deployment would be.
func relayout(t *testing.T, f map[string][]byte, s note.Signer, format string) {
	t.Helper()
	replace(f, fileManifest, BundleFormat, format)
	var m Manifest
	if err := json.Unmarshal(f[fileManifest], &m); err != nil {
		t.Fatal(err)
	}
	sig, err := note.Sign(&note.Note{Text: manifestNote(m.Production, f[fileManifest])}, s)
	if err != nil {
		t.Fatal(err)
	}
	f[fileManifestSig] = sig
}

// TestVerifyBundleEveryFile changes one byte in the middle of every file in turn.
func TestVerifyBundleEveryFile(t *testing.T) {
	files, vkey := westernBundle(t, Options{})
	for _, name := range slices.Sorted(maps.Keys(files)) {
		t.Run(name, func(t *testing.T) {
			m := maps.Clone(files)
			b := bytes.Clone(m[name])
			b[len(b)/2] ^= 0x01
			m[name] = b
			wantFails(t, m, vkey, name)
		})
	}
}

func TestVerifyBundleOtherKey(t *testing.T) {
	rec, real := westernRecord(t)
	other := otherKey(t)
	sk, _, err := note.GenerateKey(rand.Reader, "coldset")
	if err != nil {
		t.Fatal(err)
	}
	ns, _ := note.NewSigner(sk)
	tests := []struct {
		name     string
		keyFile  string // the verifier key the bundle carries
		wantFile string
	}{
		{"another key named in the bundle", other.VerifierKey(), fileVerifierKey},
		{"the expected key named, another key signing", real.VerifierKey(), fileManifestSig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Export(&buf, rec, ns, tt.keyFile, Options{}, nil); err != nil {
				t.Fatal(err)
			}
			files, err := unzip(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			wantFails(t, files, real.VerifierKey(), tt.wantFile)
		})
	}
}

func TestExportPeriod(t *testing.T) {
	rec, _ := westernRecord(t)
	files, vkey := westernBundle(t, Options{To: rec.Entries[44].Time})
	ck, err := VerifyBundle(zipFiles(t, files), vkey)
	if err != nil {
		t.Fatal(err)
	}
	if ck.Entries != 45 || ck.Checkpoint.Size != 63 {
		t.Errorf("checked %d entries of %d, want 45 of 63", ck.Entries, ck.Checkpoint.Size)
	}
	lines := bytes.Split(bytes.TrimSuffix(files[fileEntries], []byte("\n")), []byte("\n"))
	if len(lines) != 45 || !bytes.Equal(lines[44], rec.Entries[44].Body) {
		t.Errorf("entries.jsonl holds %d lines, want entries 0 to 44", len(lines))
	}
}

func wantFails(t *testing.T, files map[string][]byte, vkey, wantFile string) *BundleError {
	t.Helper()
	_, err := VerifyBundle(zipFiles(t, files), vkey)
	var be *BundleError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v, want a BundleError naming %s", err, wantFile)
	}
	if be.File != wantFile {
		t.Errorf("failed naming %s (%s), want %s", be.File, be.Reason, wantFile)
	}
	return be
}

func replace(f map[string][]byte, name, old, new string) {
	if !bytes.Contains(f[name], []byte(old)) {
		panic(name + " lacks " + old)
	}
	f[name] = bytes.Replace(f[name], []byte(old), []byte(new), 1)
}

// flipBase64 changes the first base64 letter at or after offset to another letter,
// so the file still decodes but proves something else.
func flipBase64(f map[string][]byte, name string, offset int) {
	b := bytes.Clone(f[name])
	for i := offset; i < len(b); i++ {
		if b[i] >= 'B' && b[i] <= 'Y' {
			b[i]++
			f[name] = b
			return
		}
	}
	panic("no base64 letter in " + name)
}

func otherKey(t *testing.T) *ledger.Signer {
	t.Helper()
	s, err := ledger.LoadOrCreateKey(t.TempDir() + "/other.key")
	if err != nil {
		t.Fatal(err)
	}
	return s
}
