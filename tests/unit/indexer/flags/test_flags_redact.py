from indexer.flags import detect_flags, redact


def test_overlapping_spans_are_merged():
    assert redact("0123456789", [(2, 5), (4, 7)]) == "01789"


def test_adjacent_spans_become_one_replacement():
    assert redact("0123456789", [(2, 4), (4, 6)], "[X]") == "01[X]6789"


def test_unsorted_spans_are_cut_in_order():
    assert redact("abcdefghij", [(6, 8), (0, 2)], "_") == "_cdef_ij"


def test_unicode_text_is_cut_by_character_offsets():
    text = "Åsa Öberg – nykter sedan 2017 – söker jobb"
    start = text.index("nykter")
    end = start + len("nykter sedan 2017")
    assert redact(text, [(start, end)]) == "Åsa Öberg –  – söker jobb"


def test_spans_outside_the_text_are_clipped():
    assert redact("abc", [(2, 10), (-3, 1)]) == "b"


def test_empty_spans_change_nothing():
    assert redact("abc", [(1, 1)], "X") == "abc"


def test_no_spans_returns_the_text():
    assert redact("abc", []) == "abc"


def test_redacting_detected_flags_removes_the_sensitive_words():
    text = (
        "Projektledare på NCC.\nDömd för rattfylleri 2012.\nPersonnummer: 811218-9876\nKörkort B."
    )
    redacted = redact(text, [(f.start, f.end) for f in detect_flags(text, "sv")])
    assert "rattfylleri" not in redacted
    assert "811218" not in redacted
    assert "Projektledare på NCC." in redacted
    assert "Körkort B." in redacted
