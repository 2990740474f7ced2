from datetime import date

import pytest

from indexer.profile.dates import find_period, find_single_date, parse_date, total_years

TODAY = date(2026, 11, 1)


@pytest.mark.parametrize(
    ("line", "start", "end"),
    [
        ("2019–2022", (2019, None), (2022, None)),
        ("2019 - 2022  Undersköterska, Sahlgrenska", (2019, None), (2022, None)),
        ("Sept. 2014 – Dec. 2015", (2014, 9), (2015, 12)),
        ("januari 2019 – december 2020", (2019, 1), (2020, 12)),
        ("Januar 2010 - Desember 2012", (2010, 1), (2012, 12)),
        ("marts 2016 – juni 2018", (2016, 3), (2018, 6)),
        ("08/2017 - 06/2019", (2017, 8), (2019, 6)),
        ("08.2017–06.2019", (2017, 8), (2019, 6)),
        ("2017-08 – 2019-06", (2017, 8), (2019, 6)),
        ("Lærer hos Oslo kommune (aug. 2015 til jun. 2019)", (2015, 8), (2019, 6)),
        ("tammikuu 2018 – joulukuu 2019", (2018, 1), (2019, 12)),
    ],
)
def test_closed_period_is_read_in_every_style(line, start, end):
    period = find_period(line)
    assert period is not None
    assert (period.start, period.end, period.ongoing) == (start, end, False)


@pytest.mark.parametrize(
    ("line", "start"),
    [
        ("jan 2019 – nu", (2019, 1)),
        ("08/2017 - pågående", (2017, 8)),
        ("2018–nå", (2018, None)),
        ("mars 2016 – i dag", (2016, 3)),
        ("Mar 2016 – Present", (2016, 3)),
        ("2015 – d.d.", (2015, None)),
        ("2015 - nu", (2015, None)),
        ("aug. 2018 – tills vidare", (2018, 8)),
        ("august 2016 til no", (2016, 8)),
        ("2020 – current", (2020, None)),
        ("Sedan 2020", (2020, None)),
        ("since March 2021", (2021, 3)),
        ("2019 –", (2019, None)),
    ],
)
def test_ongoing_period_has_no_end(line, start):
    period = find_period(line)
    assert period is not None
    assert period.start == start
    assert period.end is None
    assert period.ongoing


@pytest.mark.parametrize(
    "line",
    ["Tel 070-1740605", "Storgatan 12, 411 38 Göteborg", "Ansvar för 2000 kunder", "2022–2019"],
)
def test_line_without_a_period_gives_none(line):
    assert find_period(line) is None


def test_single_year_is_an_end_date():
    period = find_single_date("Gymnasieexamen 2008")
    assert period is not None
    assert (period.start, period.end) == (None, (2008, None))


@pytest.mark.parametrize(
    ("text", "value"),
    [("mars 2016", (2016, 3)), ("Okt. 2020", (2020, 10)), ("7/2018", (2018, 7)), ("13/2018", None)],
)
def test_parse_date_reads_month_names_and_numbers(text, value):
    assert parse_date(text) == value


def test_bare_years_run_from_january_to_december():
    assert total_years([((2019, None), (2020, None))], TODAY) == 2.0


def test_overlapping_periods_are_counted_once():
    periods = [((2015, 1), (2018, 12)), ((2017, 1), (2019, 12))]
    assert total_years(periods, TODAY) == 5.0


def test_gap_between_periods_is_not_counted():
    periods = [((2010, 1), (2010, 12)), ((2012, 1), (2012, 12))]
    assert total_years(periods, TODAY) == 2.0


def test_ongoing_period_runs_to_today():
    assert total_years([((2025, 11), None)], TODAY) == 1.1


def test_period_ending_after_today_is_cut_at_today():
    assert total_years([((2026, 1), (2030, 12))], TODAY) == 0.9


def test_no_periods_means_unknown_years():
    assert total_years([], TODAY) is None
