#!/usr/bin/env python3
"""Builds the ICD-10-CM code list that ClinicDesk ships, from a pinned PyPI package.

Source: CMS's ICD-10-CM tabular list (public domain), April 1 2026 release, as packaged in
`simple-icd-10-cm==1.5.0` (MIT), which also expands the seventh-character extensions
(e.g. S72.001A) the tabular only defines per category. The wheel is fetched by pip with its
sha256 pinned, imported straight from the zip, and written as a gzipped TSV:

    code-with-dot <TAB> 1 if billable (a leaf code) else 0 <TAB> description

Chapters and blocks (ranges like A00-A09) are left out: only codes can be recorded.

Usage: icd10.py OUTPUT.tsv.gz   (the crate's build script calls it when the file is missing)
"""
import glob
import gzip
import os
import subprocess
import sys
import tempfile

PACKAGE = "simple-icd-10-cm==1.5.0"
SHA256 = "6d461d71dc26aedc530ae65f02cfb578a154e49507c32e8241e75f701d4b7e42"


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        req = os.path.join(tmp, "requirements.txt")
        with open(req, "w", encoding="utf-8") as f:
            f.write(f"{PACKAGE} --hash=sha256:{SHA256}\n")
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--require-hashes", "--only-binary=:all:", "-r", req, "-d", tmp],
            check=True,
        )
        wheel = glob.glob(os.path.join(tmp, "*.whl"))[0]
        sys.path.insert(0, wheel)
        import simple_icd_10_cm as cm  # noqa: E402  (imported from the downloaded wheel)

        rows = []
        for code in cm.get_all_codes(True):
            if cm.is_chapter_or_block(code):
                continue
            desc = " ".join(cm.get_description(code).split())
            rows.append(f"{code}\t{1 if cm.is_leaf(code) else 0}\t{desc}\n")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    partial = out + ".partial"
    with gzip.open(partial, "wt", encoding="utf-8", compresslevel=9) as f:
        f.writelines(rows)
    os.replace(partial, out)
    print(f"icd10: {len(rows)} codes written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
