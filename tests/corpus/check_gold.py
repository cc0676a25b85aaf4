"""Sanity check for a held-out corpus: every gold quote is a substring of the decoded
text, fields follow spec/GUIDE.md, and no two required records share a key.
usage: python tests/corpus/check_gold.py FOLDER [FOLDER ...]   (e.g. tests/corpus/heldout)"""

import json
import pathlib
import sys

KEYS = [
    "indicator",
    "kind",
    "year",
    "measure",
    "value",
    "unit",
    "bound",
    "tier",
    "estimated",
    "scope",
    "value_max",
    "quote",
]
CORE = {
    "gdp",
    "industrial_value_added",
    "fixed_asset_investment",
    "retail_sales",
    "general_budget_revenue",
    "foreign_trade",
    "exports",
    "disposable_income",
    "urban_disposable_income",
    "rural_disposable_income",
    "registered_unemployment_rate",
    "surveyed_unemployment_rate",
    "new_urban_jobs",
    "cpi",
    "poverty_exits",
    "poor_villages_exited",
    "poor_counties_exited",
    "grain_output",
    "energy_intensity",
}


def decode(raw):
    for enc in ("utf-8", "gbk"):
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            pass
    raise ValueError("undecodable")


def main(folders):
    bad = total = 0
    for txt in sorted(t for f in folders for t in pathlib.Path(f).glob("*.txt")):
        name = txt.stem
        year = int(name.rsplit("_", 1)[1])
        text, enc = decode(txt.read_bytes())
        gold = txt.parent / "gold" / f"{name}.jsonl"
        recs = [
            json.loads(ln) for ln in gold.read_text(encoding="utf-8").splitlines() if ln.strip()
        ]
        errs, seen = [], set()
        for i, r in enumerate(recs, 1):
            keys = list(r)
            if (
                keys[:12] != KEYS
                or keys[12:] not in ([], ["optional"])
                or r.get("optional", True) is not True
            ):
                errs.append(f"{i}: keys {keys}")
            if r["indicator"] not in CORE:
                errs.append(f"{i}: indicator {r['indicator']}")
            if r["quote"] not in text:
                errs.append(f"{i}: quote not in text: {r['quote']!r}")
            if r["kind"] == "result":
                if r["year"] != year - 1 or r["tier"] is not None:
                    errs.append(f"{i}: result year/tier")
            elif r["kind"] == "target":
                if r["year"] != year or r["tier"] not in ("baseline", "stretch") or r["estimated"]:
                    errs.append(f"{i}: target year/tier/estimated")
            else:
                errs.append(f"{i}: kind")
            if (r["bound"] == "range") != (r["value_max"] is not None):
                errs.append(f"{i}: range/value_max")
            if r["bound"] not in ("eq", "ge", "le", "approx", "range"):
                errs.append(f"{i}: bound")
            if r["scope"] is not None and r["indicator"] not in (
                "poor_villages_exited",
                "poor_counties_exited",
            ):
                errs.append(f"{i}: scope")
            if not r.get("optional"):
                k = (r["indicator"], r["kind"], r["year"], r["measure"], r["tier"], r["scope"])
                if k in seen:
                    errs.append(f"{i}: duplicate required key {k}")
                seen.add(k)
        # A corpus of page openings (a MANIFEST.tsv of the pages' sources) holds the first
        # ~2,000 bytes of each page, as the search tool returned them: shorter texts, fewer
        # records.
        opening = (txt.parent / "MANIFEST.tsv").is_file()
        low_recs, low_chars = (3, 300) if opening else (8, 1500)
        if not low_recs <= len(recs) <= 40:
            errs.append(f"{len(recs)} records (want {low_recs}-40)")
        if not low_chars <= len(text) <= 6000:
            errs.append(f"{len(text)} chars (want {low_chars}-6000)")
        total += len(recs)
        bad += len(errs)
        print(
            f"{name:16s} {enc:5s} {len(text):5d} chars {len(recs):3d} gold",
            "OK" if not errs else "",
        )
        for e in errs:
            print("   !!", e)
    print(f"total gold records: {total}; problems: {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or [str(pathlib.Path(__file__).resolve().parent / "heldout")]))
