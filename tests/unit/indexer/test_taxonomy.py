from collections import Counter

import pytest

from indexer.taxonomy import LANGUAGES, Concept, Taxonomy


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.load()


def found(taxonomy: Taxonomy, text: str, language: str | None = None) -> list[tuple[str, str]]:
    return [(m.concept_id, m.label) for m in taxonomy.find_in_text(text, language)]


def test_load_is_cached() -> None:
    assert Taxonomy.load() is Taxonomy.load()


def test_taxonomy_has_at_least_800_concepts(taxonomy: Taxonomy) -> None:
    assert len(taxonomy) >= 800


def test_every_concept_has_swedish_norwegian_danish_and_english_labels(
    taxonomy: Taxonomy,
) -> None:
    for concept in taxonomy:
        for language in LANGUAGES:
            assert concept.labels.get(language, "").strip(), (concept.id, language)


def test_concept_ids_are_unique_and_prefixed_by_their_category(taxonomy: Taxonomy) -> None:
    ids = Counter(c.id for c in taxonomy)
    assert [i for i, n in ids.items() if n > 1] == []
    assert all(c.id.startswith(c.category + ".") for c in taxonomy)


def test_taxonomy_covers_every_domain_of_the_job_market(taxonomy: Taxonomy) -> None:
    per_category = Counter(c.category for c in taxonomy)
    for category in ("care", "construction", "logistics", "retail", "hospitality", "finance"):
        assert per_category[category] >= 25, category
    for category in ("teaching", "engineering", "it", "soft", "certificates", "office"):
        assert per_category[category] >= 15, category


def test_no_form_names_two_concepts_unless_declared_ambiguous(taxonomy: Taxonomy) -> None:
    owners: dict[str, set[str]] = {}
    for concept in taxonomy:
        for form in (*concept.labels.values(), *concept.synonyms):
            owners.setdefault(form.casefold(), set()).add(concept.id)
    shared = {form for form, ids in owners.items() if len(ids) > 1}
    assert shared == {"gcp", "blindskrift"}


def test_get_returns_the_concept_with_its_labels(taxonomy: Taxonomy) -> None:
    concept = taxonomy.get("care.assistant_nurse")
    assert isinstance(concept, Concept)
    assert concept.category == "care"
    assert concept.labels["sv"] == "undersköterska"
    assert concept.labels["nb"] == "helsefagarbeider"
    assert "USK" in concept.synonyms


def test_get_raises_key_error_for_an_unknown_id(taxonomy: Taxonomy) -> None:
    with pytest.raises(KeyError):
        taxonomy.get("it.cobol_on_cogs")


def test_label_falls_back_from_nynorsk_to_bokmal(taxonomy: Taxonomy) -> None:
    assert taxonomy.label("care.nurse", "nn") == "sjukepleiar"
    assert taxonomy.label("care.assistant_nurse", "nb") == "helsefagarbeider"
    assert taxonomy.label("it.python", "nn") == "Python"


def test_label_falls_back_to_english_for_other_languages(taxonomy: Taxonomy) -> None:
    assert taxonomy.label("care.nurse", "de") == "registered nurse"
    assert taxonomy.label("care.nurse", "da") == "sygeplejerske"


def test_lookup_is_case_insensitive_and_knows_abbreviations(taxonomy: Taxonomy) -> None:
    usk = taxonomy.lookup("usk")
    assert usk is not None
    assert usk.id == "care.assistant_nurse"
    assert taxonomy.lookup("SJUKSKÖTERSKAN") == taxonomy.get("care.nurse")
    assert taxonomy.lookup("sykepleier") == taxonomy.get("care.nurse")


def test_lookup_treats_hyphen_brackets_and_space_alike(taxonomy: Taxonomy) -> None:
    assert taxonomy.lookup("B körkort") == taxonomy.lookup("B-körkort") is not None
    assert taxonomy.lookup("Driving licence (B)") == taxonomy.get("certificates.driving_licence_b")


def test_lookup_returns_none_for_unknown_and_ambiguous_terms(taxonomy: Taxonomy) -> None:
    assert taxonomy.lookup("flying carpet pilot") is None
    assert taxonomy.lookup("GCP") is None


def test_expand_gives_every_form_of_the_concept_in_lower_case(taxonomy: Taxonomy) -> None:
    forms = taxonomy.expand("USK")
    assert {"undersköterska", "usk", "helsefagarbeider", "social- og sundhedsassistent"} <= forms
    assert {"undersköterskor", "assistant nurse"} <= forms
    assert all(f == f.lower() for f in forms)


def test_expand_of_an_unknown_term_is_empty(taxonomy: Taxonomy) -> None:
    assert taxonomy.expand("flying carpet pilot") == set()


def test_expand_of_an_ambiguous_term_covers_every_concept_it_names(taxonomy: Taxonomy) -> None:
    forms = taxonomy.expand("GCP")
    assert {"google cloud platform", "good clinical practice"} <= forms


def test_finds_skills_in_a_swedish_cv_line(taxonomy: Taxonomy) -> None:
    text = "Utbildad undersköterska med B-körkort och truckkort, van vid Cosmic och HLR."
    assert found(taxonomy, text, "sv") == [
        ("care.assistant_nurse", "undersköterska"),
        ("certificates.driving_licence_b", "B-körkort"),
        ("certificates.forklift_licence", "truckkort"),
        ("care.care_documentation", "Cosmic"),
        ("care.cpr", "HLR"),
    ]


def test_finds_skills_in_a_norwegian_cv_line(taxonomy: Taxonomy) -> None:
    text = "Autorisert sykepleier og helsefagarbeider. Førerkort klasse B, fagbrev som tømrer."
    ids = [cid for cid, _ in found(taxonomy, text, "nb")]
    assert ids == [
        "care.nurse",
        "care.assistant_nurse",
        "certificates.driving_licence_b",
        "certificates.trade_certificate",
        "construction.carpenter",
    ]


def test_finds_skills_in_a_danish_cv_line(taxonomy: Taxonomy) -> None:
    text = "Uddannet social- og sundhedsassistent (SOSU-assistent) og har kørekort B."
    assert found(taxonomy, text, "da") == [
        ("care.assistant_nurse", "social- og sundhedsassistent"),
        ("care.assistant_nurse", "SOSU-assistent"),
        ("certificates.driving_licence_b", "kørekort B"),
    ]


def test_finds_skills_in_an_english_cv_line(taxonomy: Taxonomy) -> None:
    text = "Skills: C#, C++, .NET, ASP.NET Core, Node.js, Kubernetes (AKS), SQL and IFRS reporting."
    assert found(taxonomy, text, "en") == [
        ("it.csharp", "C#"),
        ("it.cpp", "C++"),
        ("it.dotnet", ".NET"),
        ("it.aspnet", "ASP.NET Core"),
        ("it.nodejs", "Node.js"),
        ("it.kubernetes", "Kubernetes"),
        ("it.kubernetes", "AKS"),
        ("it.sql", "SQL"),
        ("finance.ifrs", "IFRS"),
    ]


def test_match_offsets_point_into_the_text(taxonomy: Taxonomy) -> None:
    text = "Kompetenser:\n  - Sjuksköterskan på avdelning 12\n  - SAP FI"
    for match in taxonomy.find_in_text(text):
        assert text[match.start : match.end] == match.label
    assert [m.concept_id for m in taxonomy.find_in_text(text)] == ["care.nurse", "finance.sap_fi"]


def test_the_longest_form_wins_and_matches_do_not_overlap(taxonomy: Taxonomy) -> None:
    assert found(taxonomy, "SAP FI och SAP MM") == [
        ("finance.sap_fi", "SAP FI"),
        ("it.sap_mm", "SAP MM"),
    ]
    assert found(taxonomy, "ASP.NET") == [("it.aspnet", "ASP.NET")]


def test_only_whole_words_match(taxonomy: Taxonomy) -> None:
    assert found(taxonomy, "Pythonista, Javanese, excellent") == []


def test_one_and_two_letter_forms_match_only_in_their_written_case(taxonomy: Taxonomy) -> None:
    assert found(taxonomy, "Programmerar i C och R.") == [
        ("it.c", "C"),
        ("it.r", "R"),
    ]
    assert found(taxonomy, "vi var c. tio personer och r som i") == []


def test_short_acronyms_match_only_in_capitals(taxonomy: Taxonomy) -> None:
    assert found(taxonomy, "Arbeid med DEI og SQL") == [
        ("soft.cultural_awareness", "DEI"),
        ("it.sql", "SQL"),
    ]
    assert found(taxonomy, "Eg har jobba med dei i fleire år, og las mykje") == []


def test_everyday_words_are_not_matched_in_free_text(taxonomy: Taxonomy) -> None:
    text = "Go to the shop. Let's go! Jag ger god vård; I excel at Word games."
    assert found(taxonomy, text) == []
    assert taxonomy.lookup("Go") == taxonomy.get("it.go")
    assert taxonomy.lookup("vård") is not None
    assert found(taxonomy, "Backend i Golang") == [
        ("it.backend", "Backend"),
        ("it.go", "Golang"),
    ]


def test_sap_alone_matches_only_in_capitals(taxonomy: Taxonomy) -> None:
    assert found(taxonomy, "Jobbat med SAP") == [("it.sap", "SAP")]
    assert found(taxonomy, "sap från björk") == []


def test_ambiguous_forms_are_not_matched_in_free_text(taxonomy: Taxonomy) -> None:
    assert found(taxonomy, "Erfarenhet av GCP och blindskrift.") == []
    assert taxonomy.lookup("blindskrift") is None


def test_language_bound_forms_match_only_in_their_language(taxonomy: Taxonomy) -> None:
    text = "Körde truck på lagret"
    assert ("certificates.forklift_licence", "truck") not in found(taxonomy, text, "en")
    assert found(taxonomy, text, "sv")[0] == ("logistics.forklift_driving", "truck")
    assert found(taxonomy, "Køyrde truck på lageret", "nn")[0][0] == "logistics.forklift_driving"


def test_every_form_of_every_concept_finds_its_own_concept(taxonomy: Taxonomy) -> None:
    for concept in taxonomy:
        for form in (*concept.labels.values(), *concept.synonyms):
            looked_up = taxonomy.lookup(form)
            if form.casefold() in {"gcp", "blindskrift"}:
                assert looked_up is None
            else:
                assert looked_up is not None
                assert looked_up.id == concept.id, (form, concept.id)
