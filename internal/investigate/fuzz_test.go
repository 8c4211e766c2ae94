package investigate

import (
	"bytes"
	"errors"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fuzzBundle exports the western scenario's evidence bundle (replayed afresh: fuzz
// workers share nothing) and returns its files, its verifier key and what verifying
// the intact bundle establishes.
func fuzzBundle(f *testing.F) (map[string][]byte, string, *Checked) {
	f.Helper()
	needShared(f, westernPath)
	db := filepath.Join(f.TempDir(), "coldset.db")
	if err := replayWestern(db); err != nil {
		f.Fatal(err)
	}
	bundle, files, vkey := exportBundle(f, db, Options{})
	ck, err := VerifyBundle(bundle, vkey)
	if err != nil {
		f.Fatal(err)
	}
	return files, vkey, ck
}

// checkVerdict is what every fuzzed bundle must satisfy: VerifyBundle either names
// the file at fault (a *BundleError) or establishes exactly what the intact bundle
// does.
func checkVerdict(t *testing.T, ck *Checked, err error, want *Checked) {
	t.Helper()
	if err != nil {
		var be *BundleError
		if !errors.As(err, &be) || be.File == "" || be.Reason == "" {
			t.Fatalf("error %v does not name the file at fault", err)
		}
		return
	}
	if ck.Production != want.Production || ck.Entries != want.Entries || ck.Checkpoint != want.Checkpoint || ck.VerifierKey != want.VerifierKey {
		t.Fatalf("a changed bundle verified as %+v, the intact one as %+v", ck, want)
	}
}

// FuzzVerifyBundle feeds arbitrary zip files to the bundle reader (coldset verify
// --bundle), which reads what an investigator was handed: it never panics, and it
// either names a file at fault or verifies exactly what the intact bundle proves.
func FuzzVerifyBundle(f *testing.F) {
	files, vkey, want := fuzzBundle(f)
	f.Add(zipFiles(f, files))
	for _, name := range []string{fileManifest, fileCheckpoint, fileEntries} {
		broken := maps.Clone(files)
		delete(broken, name)
		f.Add(zipFiles(f, broken))
	}
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Add([]byte("not a zip"))
	f.Fuzz(func(t *testing.T, zipped []byte) {
		ck, err := VerifyBundle(zipped, vkey)
		checkVerdict(t, ck, err, want)
	})
}

// FuzzVerifyBundleFile replaces one file of an intact bundle with arbitrary bytes:
// the tamper evidence of bundles is that no change to any file verifies. The one
// exception is the manifest's signature, a signed note, which may carry further
// signatures by other keys: those are ignored, and what it proves must not change.
func FuzzVerifyBundleFile(f *testing.F) {
	files, vkey, want := fuzzBundle(f)
	names := slices.Sorted(maps.Keys(files))
	for _, name := range names {
		f.Add(name, files[name])
	}
	f.Add(fileEntries, bytes.Replace(files[fileEntries], []byte(`"`), []byte(` "`), 1))
	f.Add(fileEntries, bytes.Replace(files[fileEntries], []byte("\n"), nil, 1))
	f.Add(fileEntries, append(slices.Clone(files[fileEntries]), files[fileEntries]...))
	f.Add(fileCheckpoint, append(slices.Clone(files[fileCheckpoint]), "— other AAAAAAAA\n"...))
	f.Add(fileInclusion, []byte(`[{"index":0,"leaf_hash":null,"proof":[[]]}]`))
	f.Add(fileConsistency, []byte(`{"from_size":18446744073709551615,"to_size":1}`))
	f.Add(fileManifest, []byte(`{"format":"coldset-evidence-bundle/1","entries":18446744073709551615}`))
	f.Add(fileManifest, []byte(`{"format":"coldset-evidence-bundle/2","entries":18446744073709551615}`))
	f.Add("entries/00000000.json", []byte(`{}`))
	f.Fuzz(func(t *testing.T, name string, content []byte) {
		changed := maps.Clone(files)
		changed[name] = content
		ck, err := VerifyBundle(zipFiles(t, changed), vkey)
		checkVerdict(t, ck, err, want)
		if err == nil && name != fileManifestSig && !bytes.Equal(content, files[name]) {
			t.Fatalf("a bundle whose %s was changed verified", name)
		}
	})
}
