"""Name categories and explain flags to the job seeker in the UI languages (sv, nb, en)."""

from __future__ import annotations

LOCALES = ("sv", "nb", "en")
# Nynorsk and Danish readers get bokmål; every other locale gets English.
_LOCALE_FALLBACK = {"nn": "nb", "no": "nb", "da": "nb"}

_LABELS: dict[str, dict[str, str]] = {
    "ethnic_origin": {
        "sv": "etniskt ursprung",
        "nb": "etnisk opprinnelse",
        "en": "ethnic origin",
    },
    "political_opinion": {
        "sv": "politiska åsikter",
        "nb": "politisk oppfatning",
        "en": "political opinions",
    },
    "religion_belief": {
        "sv": "religiös eller filosofisk övertygelse",
        "nb": "religiøs eller filosofisk overbevisning",
        "en": "religious or philosophical beliefs",
    },
    "trade_union": {
        "sv": "medlemskap i fackförening",
        "nb": "fagforeningsmedlemskap",
        "en": "trade-union membership",
    },
    "health": {
        "sv": "hälsa",
        "nb": "helse",
        "en": "health",
    },
    "genetic_biometric": {
        "sv": "genetiska eller biometriska uppgifter",
        "nb": "genetiske eller biometriske opplysninger",
        "en": "genetic or biometric data",
    },
    "sex_life_orientation": {
        "sv": "sexualliv eller sexuell läggning",
        "nb": "seksualliv eller seksuell orientering",
        "en": "sex life or sexual orientation",
    },
    "criminal_offence": {
        "sv": "brott och straff",
        "nb": "straffbare forhold",
        "en": "criminal offences and penalties",
    },
    "national_id": {
        "sv": "personnummer",
        "nb": "fødselsnummer eller personnummer",
        "en": "national identity number",
    },
}

_SPECIAL = {
    "sv": (
        "Det här stycket nämner ”{evidence}”, som kan avslöja {label} om dig. Sådana uppgifter "
        "är särskilt skyddade, och alla som har tillgång till CV-databasen kan läsa och kopiera "
        "dem. Ta bort stycket, eller behåll det bara om du verkligen vill att arbetsgivare ska "
        "se det."
    ),
    "nb": (
        "Dette avsnittet nevner «{evidence}», som kan avsløre {label} om deg. Slike "
        "opplysninger er særlig beskyttet, og alle som har tilgang til CV-databasen kan lese og "
        "kopiere dem. Fjern avsnittet, eller behold det bare hvis du virkelig vil at "
        "arbeidsgivere skal se det."
    ),
    "en": (
        "This passage mentions “{evidence}”, which can reveal your {label}. Such data is "
        "specially protected, and anyone with access to the CV database can read and copy it. "
        "Remove the passage, or keep it only if you really want employers to see it."
    ),
}
# A flag the statistical model added has no single word to point at.
_MODEL = {
    "sv": (
        "Det här stycket liknar texter som avslöjar uppgifter om {label}. Det hittades av en "
        "statistisk kontroll, inte av ett enskilt ord, så det kan vara fel: läs det och avgör "
        "själv. Sådana uppgifter är särskilt skyddade, och alla som har tillgång till "
        "CV-databasen kan läsa och kopiera dem."
    ),
    "nb": (
        "Dette avsnittet ligner tekster som avslører opplysninger om {label}. Det ble funnet av "
        "en statistisk kontroll, ikke av et enkelt ord, så det kan være feil: les det og avgjør "
        "selv. Slike opplysninger er særlig beskyttet, og alle som har tilgang til CV-databasen "
        "kan lese og kopiere dem."
    ),
    "en": (
        "This passage reads like text that reveals a person's {label}. A statistical check "
        "found it, not a single word, so it may be wrong: read it and decide. Such data is "
        "specially protected, and anyone with access to the CV database can read and copy it."
    ),
}
_NATIONAL_ID = {
    "sv": (
        "Det här ser ut som ett {kind} ({evidence}). Ett personnummer kan användas för "
        "identitetsstöld och behövs inte i ett CV; det tas alltid bort innan arbetsgivare ser "
        "CV:t."
    ),
    "nb": (
        "Dette ser ut som et {kind} ({evidence}). Et identitetsnummer kan brukes til "
        "identitetstyveri og trengs ikke i en CV; det fjernes alltid før arbeidsgivere ser "
        "CV-en."
    ),
    "en": (
        "This looks like a {kind} ({evidence}). An identity number can be used for identity "
        "theft and is not needed in a CV; it is always removed before employers see the CV."
    ),
}
_ID_KINDS: dict[str, dict[str, str]] = {
    "id.se.personnummer": {
        "sv": "svenskt personnummer",
        "nb": "svensk personnummer",
        "en": "Swedish personal identity number",
    },
    "id.se.samordningsnummer": {
        "sv": "svenskt samordningsnummer",
        "nb": "svensk samordningsnummer",
        "en": "Swedish co-ordination number",
    },
    "id.no.fodselsnummer": {
        "sv": "norskt fødselsnummer",
        "nb": "norsk fødselsnummer",
        "en": "Norwegian national identity number",
    },
    "id.no.d_nummer": {
        "sv": "norskt D-nummer",
        "nb": "norsk D-nummer",
        "en": "Norwegian D number",
    },
    "id.dk.cpr": {
        "sv": "danskt CPR-nummer",
        "nb": "dansk CPR-nummer",
        "en": "Danish CPR number",
    },
    "id.fi.hetu": {
        "sv": "finsk personbeteckning",
        "nb": "finsk personnummer",
        "en": "Finnish personal identity code",
    },
}


def resolve_locale(locale: str) -> str:
    """Map a locale such as "sv_SE" or "nn" to one of the UI languages."""
    code = locale.replace("-", "_").split("_")[0].lower()
    code = _LOCALE_FALLBACK.get(code, code)
    return code if code in LOCALES else "en"


def category_label(category: str, locale: str) -> str:
    """Return the plain-language name of a category in the given UI locale."""
    try:
        labels = _LABELS[category]
    except KeyError:
        raise ValueError(f"unknown sensitive category {category!r}") from None
    return labels[resolve_locale(locale)]


def explanation(category: str, rule: str, evidence: str, locale: str) -> str:
    """Build the explanation shown next to a flag."""
    code = resolve_locale(locale)
    if category == "national_id":
        kind = _ID_KINDS.get(rule, {}).get(code) or category_label(category, code)
        return _NATIONAL_ID[code].format(kind=kind, evidence=evidence)
    if rule.startswith("model."):
        return _MODEL[code].format(label=category_label(category, code))
    return _SPECIAL[code].format(evidence=evidence, label=category_label(category, code))
