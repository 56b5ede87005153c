"""Which column holds what, guessed from the headers people write, and their words mapped to the domain's slugs."""

from __future__ import annotations

import re
import unicodedata

# Field -> the headers (normalised: lower case, letters and digits only) that name it, Danish and English.
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("virksomhedsnavn", "virksomhed", "firmanavn", "firma", "navn", "companyname", "company", "name"),
    "cvr": ("cvrnr", "cvrnummer", "cvr", "cvrno", "cvrnumber", "vatno", "senr"),
    "p_number": ("pnummer", "pnr", "pnumber", "produktionsenhed", "punit"),
    "workplace": ("arbejdssted", "afdeling", "workplace", "site", "enhed"),
    "address": ("adresse", "address", "vejognr", "gade", "street"),
    "postcode": ("postnr", "postnummer", "postcode", "zip", "zipcode"),
    "city": ("by", "postdistrikt", "city", "town"),
    "industry": ("branche", "branchekode", "industry", "db07", "sector_industry"),
    "employees": ("antalansatte", "ansatte", "medarbejdere", "employees", "size", "stoerrelse", "storrelse"),
    "sector": ("sektor", "sector"),
    "contact": ("kontaktperson", "kontakt", "contactperson", "contact", "contactname"),
    "role": ("stilling", "rolle", "titel", "role", "title", "jobtitle"),
    "phone": ("telefon", "telefonnummer", "tlf", "tlfnr", "mobil", "phone", "telephone", "mobile"),
    "email": ("email", "epost", "mail", "emailadresse", "emailaddress"),
}


def header_key(text: str) -> str:
    """Lower case, æøå folded, only letters and digits: "CVR-nr." and "cvr nr" both give "cvrnr"."""
    folded = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded)


def guess_columns(header: list[str]) -> dict[str, int]:
    """Field -> column index; each column names at most one field, the most specific header wins."""
    keys = [header_key(h) for h in header]
    found: dict[str, int] = {}
    for field, names in HEADERS.items():
        for name in names:
            if name in keys and keys.index(name) not in found.values():
                found[field] = keys.index(name)
                break
    return found


# Words and DB07 industry codes (the CVR register's, first two digits) mapped to INDUSTRIES.
INDUSTRY_WORDS = {
    "care": ("pleje", "omsorg", "care", "hjemmepleje", "plejehjem", "sundhed"),
    "cleaning": ("rengoering", "rengoring", "cleaning", "renhold"),
    "transport": ("transport", "vognmand", "logistik", "logistics", "fragt"),
    "production": ("produktion", "industri", "production", "manufacturing", "fremstilling"),
    "agriculture": ("landbrug", "agriculture", "gartneri", "fiskeri"),
    "construction": ("byggeri", "bygge", "construction", "haandvaerk", "anlaeg"),
    "retail": ("detail", "detailhandel", "handel", "retail", "butik"),
    "public_administration": ("offentligadministration", "publicadministration", "kommune", "administration"),
}
DB07_PREFIXES = {
    "agriculture": range(1, 4),
    "production": range(10, 34),
    "construction": range(41, 44),
    "retail": range(45, 48),
    "transport": range(49, 54),
    "public_administration": range(84, 85),
    "care": range(86, 89),
}
CLEANING_DB07 = "812"


def industry_from(text: str, known: tuple[str, ...]) -> str | None:
    """A slug from a slug, a Danish or English word, or a DB07 code ("494100"); None when nothing fits."""
    if text in known:
        return text
    digits = re.sub(r"[\s.]", "", text)
    if digits.isdigit() and len(digits) >= 2:
        if digits.startswith(CLEANING_DB07):
            return "cleaning"
        return next((slug for slug, codes in DB07_PREFIXES.items() if int(digits[:2]) in codes), "other")
    key = header_key(text)
    for slug, words in INDUSTRY_WORDS.items():
        if any(key.startswith(word) or word == key for word in words):
            return slug
    return None


def size_band_from(text: str) -> str | None:
    """A band of SIZE_BANDS from a head count ("1.250"), a band ("10-49") or the register's code ("ANTAL_20_49")."""
    numbers = [int(n.replace(".", "")) for n in re.findall(r"\d[\d.]*", text)]
    if not numbers:
        return None
    count = numbers[0]
    if count < 10:
        return "1-9"
    if count < 50:
        return "10-49"
    if count < 250:
        return "50-249"
    return "250+"


ROLE_WORDS = {
    "top_management": ("direktoer", "direktor", "ejer", "indehaver", "adm", "ceo", "director", "owner", "topledelse"),
    "hr": ("hr", "hrchef", "hrkonsulent", "hrpartner", "hrmedarbejder", "personale"),
    "union_representative": ("tillidsrepraesentant", "tr", "shopsteward", "union"),
    "work_environment_representative": ("arbejdsmiljoe", "amr", "arbejdsmiljorepraesentant", "safety"),
    "manager": ("leder", "chef", "manager", "formand", "mellemleder"),
}


def contact_role_from(text: str) -> str:
    key = header_key(text)
    for slug, words in ROLE_WORDS.items():
        if any(key == word or (len(word) > 3 and key.startswith(word)) for word in words):
            return slug
    return "other"


def sector_from(text: str) -> str:
    return "public" if header_key(text) in ("offentlig", "public", "kommunal", "region", "stat") else "private"


def match_key(text: str | None) -> str:
    """Names and addresses compared without case, punctuation, spacing or the company form (ApS, A/S, I/S)."""
    key = re.sub(r"[^0-9a-zæøå]+", " ", (text or "").lower())
    key = re.sub(r"\b(aps|a s|i s|k s|ivs|p s|amba|smba)\b", " ", key)
    return " ".join(key.split())
