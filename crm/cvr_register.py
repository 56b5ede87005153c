"""The Danish Business Authority's CVR register, through its distribution service (an Elasticsearch search API).

`cvr-permanent/virksomhed/_search` holds companies (`Vrvirksomhed`), `cvr-permanent/produktionsenhed/_search`
production units (`VrproduktionsEnhed`); both answer with basic-auth credentials the municipality
applies for. The current values sit in each document's metadata (`virksomhedMetadata`,
`produktionsEnhedMetadata`: `nyesteNavn`, `nyesteBeliggenhedsadresse`, `nyesteHovedbranche`,
`nyesteAarsbeskaeftigelse`/`nyesteKvartalsbeskaeftigelse`/`nyesteMaanedsbeskaeftigelse`, `sammensatStatus`).
A company that asked not to be contacted for marketing carries `reklamebeskyttet`.

Configured by CRM_CVR_URL, CRM_CVR_USER and CRM_CVR_PASSWORD; without a URL there is no register.
Nothing here writes: a form shows what the register says, and the user registers through the commands.
"""

from __future__ import annotations

import base64
import json
import os
import re
import urllib.request
from dataclasses import dataclass
from typing import Any

from crm.imports.columns import industry_from, size_band_from
from crm.vocabulary import INDUSTRIES

TIMEOUT_SECONDS = 5
MAX_HITS = 10
MAX_RESPONSE_BYTES = 5 * 1024 * 1024
# Words of `sammensatStatus` for a company that no longer exists ("Ophørt", "Opløst efter konkurs", ...).
CEASED = ("OPHØR", "OPLØS", "SLETTET")


class RegisterUnavailable(Exception):
    """The register did not answer, refused the credentials, or answered what this adapter cannot read."""


@dataclass(frozen=True)
class RegisterEntry:
    """A company or production unit as the register has it now, in the CRM's terms."""

    cvr: str | None
    p_number: str | None
    name: str
    address: str | None
    municipality_code: str | None
    industry_code: str | None
    industry_text: str | None
    industry: str  # a slug of INDUSTRIES, from the DB07 code
    employees: int | None
    size_band: str | None
    ceased: bool
    protected: bool  # reklamebeskyttet: no unsolicited contact


@dataclass(frozen=True)
class CvrRegister:
    url: str
    user: str = ""
    password: str = ""

    @classmethod
    def from_environment(cls, env: dict[str, str] | None = None) -> CvrRegister | None:
        env = dict(os.environ if env is None else env)
        url = env.get("CRM_CVR_URL", "").strip()
        if not url:
            return None
        return cls(url.rstrip("/"), env.get("CRM_CVR_USER", ""), env.get("CRM_CVR_PASSWORD", ""))

    def by_cvr(self, cvr: str) -> list[RegisterEntry]:
        return self._companies({"term": {"Vrvirksomhed.cvrNummer": int(cvr)}})

    def by_name(self, name: str) -> list[RegisterEntry]:
        return self._companies({"match_phrase_prefix": {"Vrvirksomhed.virksomhedMetadata.nyesteNavn.navn": name[:100]}})

    def by_p_number(self, p_number: str) -> list[RegisterEntry]:
        found = self._search("produktionsenhed", {"term": {"VrproduktionsEnhed.pNummer": int(p_number)}})
        return [_unit(hit) for hit in found]

    def _companies(self, query: dict[str, Any]) -> list[RegisterEntry]:
        return [_company(hit) for hit in self._search("virksomhed", query)]

    def _search(self, kind: str, query: dict[str, Any]) -> list[dict[str, Any]]:
        if not self.url.startswith(("https://", "http://")):
            raise RegisterUnavailable("the register's URL must be http(s)")
        body = json.dumps({"query": query, "size": MAX_HITS}).encode()
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            f"{self.url}/cvr-permanent/{kind}/_search",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        if self.user:
            secret = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
            request.add_header("Authorization", f"Basic {secret}")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310  # nosec B310
                answer = json.loads(response.read(MAX_RESPONSE_BYTES))
        except (OSError, ValueError) as error:
            raise RegisterUnavailable(str(error)) from error
        try:
            return [hit["_source"] for hit in answer["hits"]["hits"]]
        except (KeyError, TypeError) as error:
            raise RegisterUnavailable("an answer without hits") from error


def _company(source: dict[str, Any]) -> RegisterEntry:
    document = source.get("Vrvirksomhed") or {}
    meta = document.get("virksomhedMetadata") or {}
    return _entry(
        meta,
        cvr=_digits(document.get("cvrNummer")),
        p_number=None,
        protected=bool(document.get("reklamebeskyttet")),
        ended=document.get("livsforloeb"),
    )


def _unit(source: dict[str, Any]) -> RegisterEntry:
    document = source.get("VrproduktionsEnhed") or source.get("Vrproduktionsenhed") or {}
    meta = document.get("produktionsEnhedMetadata") or {}
    relations = document.get("virksomhedsrelation") or []
    current = [r for r in relations if not (r.get("periode") or {}).get("gyldigTil")] or relations
    cvr = _digits(current[-1].get("cvrNummer")) if current else None
    return _entry(
        meta,
        cvr=cvr,
        p_number=_digits(document.get("pNummer")),
        protected=bool(document.get("reklamebeskyttet")),
        ended=document.get("livsforloeb"),
    )


def _entry(
    meta: dict[str, Any], *, cvr: str | None, p_number: str | None, protected: bool, ended: Any
) -> RegisterEntry:
    branch = meta.get("nyesteHovedbranche") or {}
    code = _digits(branch.get("branchekode"))
    employees, interval = _employment(meta)
    status = str(meta.get("sammensatStatus") or "").upper()
    periods = [p.get("periode") or {} for p in ended or [] if isinstance(p, dict)]
    closed_life = bool(periods) and all(period.get("gyldigTil") for period in periods)
    return RegisterEntry(
        cvr=cvr,
        p_number=p_number,
        name=str((meta.get("nyesteNavn") or {}).get("navn") or ""),
        address=_address(meta.get("nyesteBeliggenhedsadresse") or {}),
        municipality_code=_digits(
            ((meta.get("nyesteBeliggenhedsadresse") or {}).get("kommune") or {}).get("kommuneKode")
        ),
        industry_code=code,
        industry_text=branch.get("branchetekst"),
        industry=(industry_from(code, INDUSTRIES) or "other") if code else "other",
        employees=employees,
        size_band=size_band_from(str(employees)) if employees is not None else size_band_from(interval or ""),
        ceased=any(word in status for word in CEASED) or closed_life,
        protected=protected,
    )


def _employment(meta: dict[str, Any]) -> tuple[int | None, str | None]:
    """The newest head count: monthly, else quarterly, else yearly; or only its interval code (ANTAL_20_49)."""
    for key in ("nyesteMaanedsbeskaeftigelse", "nyesteKvartalsbeskaeftigelse", "nyesteAarsbeskaeftigelse"):
        found = meta.get(key) or {}
        if found.get("antalAnsatte") is not None:
            return int(found["antalAnsatte"]), found.get("intervalKodeAntalAnsatte")
        if found.get("intervalKodeAntalAnsatte"):
            return None, str(found["intervalKodeAntalAnsatte"])
    return None, None


def _address(found: dict[str, Any]) -> str | None:
    if not found:
        return None
    if found.get("fritekst"):
        return str(found["fritekst"])
    number = "".join(str(found.get(k) or "") for k in ("husnummerFra", "bogstavFra"))
    street = " ".join(p for p in (str(found.get("vejnavn") or ""), number) if p)
    floor = ", ".join(str(found[k]) for k in ("etage", "sidedoer") if found.get(k))
    town = " ".join(str(found.get(k) or "") for k in ("postnummer", "postdistrikt")).strip()
    return ", ".join(p for p in (street + (f", {floor}" if floor else ""), town) if p) or None


def _digits(value: Any) -> str | None:
    text = re.sub(r"\D", "", str(value or ""))
    return text or None
