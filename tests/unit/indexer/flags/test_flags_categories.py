"""Every category in every language: one sentence that is flagged, one hard negative that is not."""

import pytest

from indexer.flags import CATEGORIES, detect_flags

POSITIVES = [
    ("sv", "health", "Jag fick diagnosen ADHD 2019."),
    ("sv", "health", "Nykter sedan 2017."),
    ("sv", "health", "Sjukskriven på heltid 2021 på grund av utmattningssyndrom."),
    ("sv", "trade_union", "Förtroendevald för Unionen på arbetsplatsen 2016–2021."),
    ("sv", "political_opinion", "Ledamot för Vänsterpartiet i kommunfullmäktige."),
    ("sv", "religion_belief", "Aktiv medlem i Sankt Lars församling."),
    ("sv", "ethnic_origin", "Jag är same och uppvuxen i Jokkmokk."),
    ("sv", "ethnic_origin", "Jag har romsk bakgrund."),
    ("sv", "genetic_biometric", "Genetiskt testad och bärare av BRCA1-mutation."),
    ("sv", "sex_life_orientation", "Gift i ett samkönat äktenskap sedan 2016."),
    ("sv", "criminal_offence", "Dömd för rattfylleri 2016."),
    ("nb", "health", "Sykmeldt i tre måneder på grunn av depresjon."),
    ("nb", "trade_union", "Hovedtillitsvalgt for Fagforbundet ved Ullevål."),
    ("nb", "political_opinion", "Kommunestyrerepresentant for Arbeiderpartiet i Tromsø."),
    ("nb", "religion_belief", "Søndagsskolelærer i Misjonssambandet 2008–2014."),
    ("nb", "ethnic_origin", "Jeg har kvensk bakgrunn."),
    ("nb", "genetic_biometric", "Gentestet og bærer av BRCA2-mutasjon."),
    ("nb", "sex_life_orientation", "Jeg er homofil og åpen om det."),
    ("nb", "criminal_offence", "Dømt for promillekjøring i 2016."),
    ("nn", "health", "Eg har vore sjukmeld sidan mars."),
    ("nn", "trade_union", "Hovudtillitsvald for Fagforbundet i Voss kommune."),
    ("nn", "political_opinion", "Medlem av Raudt og leiar i lokallaget."),
    ("nn", "religion_belief", "Eg er personleg kristen og aktiv i bedehuset."),
    ("nn", "ethnic_origin", "Eg er same og voks opp i Karasjok."),
    ("nn", "genetic_biometric", "Eg har avgitt fingeravtrykk til sikkerheitsklarering."),
    ("nn", "sex_life_orientation", "Eg er homofil og open om det."),
    ("nn", "criminal_offence", "Eg vart dømd for promillekøyring i 2015."),
    ("en", "health", "I was diagnosed with ADHD in 2018."),
    ("en", "trade_union", "Shop steward for Unite at the Nissan plant."),
    ("en", "political_opinion", "Elected councillor for the Labour Party in Camden."),
    ("en", "religion_belief", "I am a practising Muslim and pray five times a day."),
    ("en", "ethnic_origin", "I have a Roma background and speak Romani."),
    ("en", "genetic_biometric", "My DNA test revealed a hereditary condition."),
    ("en", "sex_life_orientation", "I am openly gay and passionate about inclusion."),
    ("en", "criminal_offence", "Convicted of drink-driving in 2016."),
    ("da", "health", "Jeg er ansat i fleksjob på grund af slidgigt."),
    ("da", "trade_union", "Tillidsrepræsentant for HK på kontoret."),
    ("da", "political_opinion", "Byrådsmedlem for Enhedslisten i Aarhus."),
    ("da", "religion_belief", "Menighedsrådsmedlem i Vor Frue Sogn."),
    ("da", "ethnic_origin", "Jeg er grønlænder og opvokset i Nuuk."),
    ("da", "genetic_biometric", "Gentestet og bærer af BRCA1-genet."),
    ("da", "sex_life_orientation", "Jeg er lesbisk og åben om det."),
    ("da", "criminal_offence", "Dømt for spirituskørsel i 2016."),
]

NEGATIVES = [
    ("sv", "health", "Som sjuksköterska vårdade jag patienter med diabetes och hjärtsvikt."),
    ("sv", "trade_union", "Som HR-chef ansvarade jag för MBL-förhandlingar med facket."),
    ("sv", "religion_belief", "Redovisningsekonom på Svenska kyrkan, Uppsala stift."),
    ("sv", "criminal_offence", "Kriminalvårdare på anstalten Kumla 2010–2018."),
    ("sv", "criminal_offence", "Utdrag ur belastningsregistret kan uppvisas på begäran."),
    ("sv", "political_opinion", "Studerade statsvetenskap vid Uppsala universitet."),
    ("sv", "ethnic_origin", "Modersmålslärare i arabiska och somaliska."),
    (
        "sv",
        "genetic_biometric",
        "Biomedicinsk analytiker: utförde DNA-analyser på klinisk genetik.",
    ),
    ("sv", "sex_life_orientation", "Utbildade personal i hbtq-frågor inför HBTQ-certifiering."),
    ("nb", "health", "Sykepleier på medisinsk avdeling for pasienter med diabetes."),
    ("nb", "trade_union", "Som HR-sjef forhandlet jeg med Fagforbundet og de tillitsvalgte."),
    ("nb", "religion_belief", "Regnskapsfører i Den norske kirke, Oslo bispedømme."),
    ("nb", "criminal_offence", "Fengselsbetjent ved Ila fengsel og forvaringsanstalt."),
    ("nb", "criminal_offence", "Politiattest kan fremvises ved ansettelse."),
    ("nb", "political_opinion", "Venstre back på fotballaget i sju år."),
    ("nb", "ethnic_origin", "Solid teknisk bakgrunn fra olje og gass."),
    ("nb", "genetic_biometric", "Utviklet biometrisk innlogging for BankID-appen."),
    ("nb", "sex_life_orientation", "Holdt kurs om mangfold og regnbuesertifisering for ansatte."),
    ("nn", "health", "Sjukepleiar for pasientar med diabetes ved Førde sentralsjukehus."),
    ("nn", "trade_union", "Forhandla med tillitsvalde som personalsjef i fylkeskommunen."),
    ("nn", "religion_belief", "Rekneskapsførar for Den norske kyrkja i Bjørgvin bispedøme."),
    ("nn", "criminal_offence", "Politiattest kan framvisast ved tilsetjing."),
    ("nn", "political_opinion", "Utvalssekretær som førebudde saker til kommunestyret."),
    ("nn", "ethnic_origin", "Språk: nynorsk, bokmål, engelsk og nordsamisk."),
    ("nn", "genetic_biometric", "Bioingeniør som utførte DNA-analysar på laboratoriet."),
    ("nn", "sex_life_orientation", "Kurs i likestilling og mangfald for tilsette."),
    ("en", "health", "Registered nurse caring for patients with diabetes and heart failure."),
    ("en", "trade_union", "As HR director I negotiated collective agreements with Unite and GMB."),
    ("en", "religion_belief", "Accountant at the Church of England, Diocese of London."),
    ("en", "criminal_offence", "Prison officer at HMP Wakefield 2010–2018."),
    ("en", "criminal_offence", "Probation period completed successfully at Volvo."),
    ("en", "political_opinion", "BA in Politics and International Relations, Edinburgh."),
    ("en", "ethnic_origin", "Black belt in judo."),
    ("en", "genetic_biometric", "Implemented biometric authentication for the bank's app."),
    ("en", "sex_life_orientation", "Delivered training on inclusion for LGBT+ staff networks."),
    ("da", "health", "Sygeplejerske på medicinsk afdeling for patienter med diabetes."),
    ("da", "health", "Arbejder godt under pres og holder deadlines."),
    (
        "da",
        "trade_union",
        "Som HR-chef forhandlede jeg lokale aftaler med tillidsrepræsentanterne.",
    ),
    ("da", "religion_belief", "Bogholder i Folkekirken, Aarhus Stift."),
    ("da", "criminal_offence", "Fængselsbetjent i Statsfængslet Østjylland."),
    ("da", "political_opinion", "Højre back på fodboldholdet i otte år."),
    ("da", "ethnic_origin", "Tolk i arabisk og tyrkisk for Udlændingestyrelsen."),
    (
        "da",
        "genetic_biometric",
        "Bioanalytiker, udførte DNA-analyser på Klinisk Genetisk Afdeling.",
    ),
    ("da", "sex_life_orientation", "Holdt oplæg om mangfoldighed og LGBT+ for kommunens ledere."),
]


@pytest.mark.parametrize(("language", "category", "text"), POSITIVES)
def test_sensitive_sentence_is_flagged_in_its_category(language, category, text):
    flags = detect_flags(text, language)
    assert category in {flag.category for flag in flags}


@pytest.mark.parametrize(("language", "category", "text"), NEGATIVES)
def test_hard_negative_is_not_flagged(language, category, text):
    assert detect_flags(text, language) == []


@pytest.mark.parametrize("cases", [POSITIVES, NEGATIVES], ids=["positives", "negatives"])
def test_cases_cover_every_category_in_every_language(cases):
    covered = {(language, category) for language, category, _ in cases}
    rule_categories = [c for c in CATEGORIES if c != "national_id"]
    assert covered == {
        (lang, c) for lang in ("sv", "nb", "nn", "en", "da") for c in rule_categories
    }


@pytest.mark.parametrize(("language", "category", "text"), POSITIVES)
def test_sensitive_sentence_is_flagged_without_a_language(language, category, text):
    assert category in {flag.category for flag in detect_flags(text)}


def test_own_diagnosis_after_a_work_context_in_the_same_sentence_is_flagged():
    text = "Jag har arbetat med barn med ADHD och har själv ADHD."
    assert [f.category for f in detect_flags(text, "sv")] == ["health"]


def test_flag_names_the_rule_of_the_cv_language():
    [flag] = detect_flags("Jeg fikk diagnosen ADHD i 2019.", "nb")
    assert flag.rule.startswith("nb.health.")


def test_partner_of_unknown_gender_is_not_flagged():
    assert detect_flags("Min fru och jag flyttade till Umeå 2020.", "sv") == []


def test_one_passage_can_carry_two_categories():
    text = "I am Jewish and a board member of the Jewish Community in Copenhagen."
    categories = {f.category for f in detect_flags(text, "en")}
    assert categories == {"religion_belief", "ethnic_origin"}


def test_flag_span_is_the_sentence_in_a_multi_line_cv():
    text = "Erfarenhet\n- Projektledare, NCC 2016–2020.\n- Dömd för rattfylleri 2012.\nKörkort B."
    [flag] = detect_flags(text, "sv")
    assert flag.text == "Dömd för rattfylleri 2012."
    assert text[flag.start : flag.end] == flag.text


def test_empty_text_has_no_flags():
    assert detect_flags("", "sv") == []


def test_party_abbreviation_inside_a_word_is_not_a_party():
    assert detect_flags("SPRÅKKUNSKAPER\nFØRERKORT OG KURS") == []


def test_party_name_in_the_genitive_is_still_the_party():
    text = "Ordförande i Sverigedemokraternas lokalavdelning i Sölvesborg."
    assert [f.category for f in detect_flags(text, "sv")] == ["political_opinion"]


def test_police_certificate_is_not_police_work_in_any_language():
    text = "Jeg har anmerkninger på politiattesten for tyveri."
    assert [f.category for f in detect_flags(text)] == ["criminal_offence"]


@pytest.mark.parametrize(
    ("language", "category", "text"),
    [
        ("sv", "health", "Tjänstledig 2019 på grund av sjukdom."),
        ("sv", "trade_union", "Facklig kontaktperson för Vision på socialkontoret."),
        ("en", "health", "I took a career break in 2019 to recover from a serious illness."),
    ],
)
def test_rules_added_after_the_fresh_batch(language, category, text):
    assert category in {flag.category for flag in detect_flags(text, language)}


def test_volunteering_for_a_church_charity_is_not_a_belief():
    assert detect_flags("Frivillig i Kirkens Bymisjon, matutdeling hver fredag.", "nb") == []
