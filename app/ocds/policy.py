"""The publication policy the OCDS packages name in `publicationPolicy` (served by the gateway at
/ocds/publication-policy): what is published, when, what is withheld and how things are identified,
in Indonesian then English. Addresses are shown as text, never as links: the page loads and links
nothing from another origin (tests/ops/test_no_external_urls.py)."""

from __future__ import annotations

from html import escape

from app.ocds.releases import AGENCY_SCHEME, SUPPLIER_SCHEME

SECTIONS = {
    "id": {
        "title": "Kebijakan publikasi data OCDS Terang",
        "what": (
            "Apa yang dipublikasikan",
            "Setiap proses pengadaan yang diumumkan di buku besar Terang, sebagai rilis OCDS 1.1: pengumuman "
            "dan adendum, Pokja, penawaran tersegel dan pembukaannya (harga, TKDN), penawaran yang gugur, "
            "usulan pemenang, sanggah dan sanggah banding, kontrak, termin dan pembayaran. Dokumen "
            "dipublikasikan dengan hash keccak-256-nya.",
        ),
        "when": (
            "Kapan",
            "Segera setelah blok yang memuat peristiwa itu dibaca pengindeks gateway (beberapa detik). "
            "Tanggal setiap rilis adalah waktu bloknya (UTC). Data tidak pernah diubah diam-diam: rilis "
            "baru menambah, rilis lama tetap.",
        ),
        "withheld": (
            "Apa yang tidak dipublikasikan",
            "Data pribadi: nama orang, NIK, NPWP, nomor rekening, alamat. Penyedia disebut dengan "
            "nomornya di registri; nama usahanya (dari ekstrak SIKaP) baru muncul sejak pengumuman "
            "pemenang yang menyebutnya, seperti pengumuman pemenang di SPSE. Isi amplop penawaran "
            "sebelum dibuka dan isi dokumen (hanya hash-nya).",
        ),
        "ids": (
            "Pengenal",
            "ocid: awalan {prefix}- lalu kode instansi dan nomor paket. Id rilis: ocid-blok-log. "
            "Pihak: instansi ID-AGENCY-n (skema {agency}, kode K/L/PD), penyedia ID-SUPPLIER-n "
            "(skema {supplier}, nomor registri penyedia).",
        ),
        "license": "Lisensi data",
        "none": "belum ditetapkan",
    },
    "en": {
        "title": "Publication policy of Terang's OCDS data",
        "what": (
            "What is published",
            "Every procurement process announced on Terang's ledger, as OCDS 1.1 releases: the "
            "announcement and addenda, the Pokja, sealed bids and their openings (price, TKDN), "
            "disqualified bids, proposed awards, objections and appeals, contracts, milestones and "
            "payments. Documents are published by their keccak-256 hash.",
        ),
        "when": (
            "When",
            "As soon as the gateway's indexer reads the block holding the event (seconds). Each "
            "release is dated by its block's time (UTC). Nothing is changed silently: new releases "
            "add, old ones stay.",
        ),
        "withheld": (
            "What is withheld",
            "Personal data: names of people, NIK, NPWP, bank accounts, addresses. A supplier is named "
            "by its registry number; its business name (from the SIKaP extract) appears from the "
            "award that names it, as SPSE's award announcement does. Sealed bids before their "
            "opening, and the documents' contents (only their hashes).",
        ),
        "ids": (
            "Identifiers",
            "ocid: the prefix {prefix}- then the agency's code and the package number. Release id: "
            "ocid-block-log. Parties: an agency ID-AGENCY-n (scheme {agency}, the K/L/PD code), a "
            "supplier ID-SUPPLIER-n (scheme {supplier}, its supplier registry number).",
        ),
        "license": "Data licence",
        "none": "not set",
    },
}


def policy_page(prefix: str, metadata: dict[str, str]) -> str:
    """The page, both languages; `metadata`: the packages' `license` (shown as text)."""
    values = {"prefix": escape(prefix), "agency": AGENCY_SCHEME, "supplier": SUPPLIER_SCHEME}
    parts = ['<!doctype html>\n<html lang="id">\n<head><meta charset="utf-8">']
    parts.append(f"<title>{escape(SECTIONS['id']['title'])}</title></head>\n<body>")
    for lang, text in SECTIONS.items():
        parts.append(f'<section lang="{lang}">\n<h1>{escape(text["title"])}</h1>')
        for key in ("what", "when", "withheld", "ids"):
            heading, body = text[key]
            parts.append(f"<h2>{escape(heading)}</h2>\n<p>{escape(body).format(**values)}</p>")
        licence = metadata.get("license")
        shown = f"<code>{escape(licence)}</code>" if licence else escape(text["none"])
        parts.append(f"<h2>{escape(text['license'])}</h2>\n<p>{shown}</p>\n</section>")
    parts.append("</body>\n</html>\n")
    return "\n".join(parts)
